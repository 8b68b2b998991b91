/**
 * The official socketcluster-client against a test server, with a token store the test
 * controls (the client's own authEngine option).
 */
import sc from "socketcluster-client";

export function tokenStore(initial: string | null = null) {
  let token = initial;
  return {
    get token() { return token; },
    saveToken: async (_name: string, value: string) => { token = value; return value; },
    removeToken: async () => { const old = token; token = null; return old; },
    loadToken: async () => token,
  };
}

export function scClient(port: number, options: Record<string, unknown> = {}): any {
  return sc.create({ hostname: "127.0.0.1", port, autoReconnect: false, ackTimeout: 3000, ...options });
}

export async function connected(port: number, options: Record<string, unknown> = {}): Promise<{ client: any; status: any }> {
  const client = scClient(port, options);
  const status = await client.listener("connect").once();
  return { client, status };
}
