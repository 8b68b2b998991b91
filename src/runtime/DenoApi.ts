/**
 * The few parts of the `Deno` global that src/runtime/deno.ts uses, declared here so scx
 * type-checks under Bun's types (and in users' apps) without Deno's, and without
 * ts-ignore. Only types: nothing here exists at run time.
 *
 * @example
 * declare const Deno: DenoApi;
 * Deno.env.get("SCX_PORT");
 */
export interface DenoApi {
  serve(
    options: { hostname?: string; port?: number; reusePort?: boolean; cert?: string; key?: string; onListen?: () => void },
    // scx's fetch handler answers undefined only for a request it has upgraded.
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | undefined | Promise<Response | undefined>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
  upgradeWebSocket(request: Request, options?: { idleTimeout?: number }): { socket: WebSocket; response: Response };
  readTextFile(path: string): Promise<string>;
  Command: new (command: string, options: { args: string[]; stdout?: "piped"; stderr?: "piped" }) => {
    output(): Promise<{ success: boolean; stdout: Uint8Array; stderr: Uint8Array }>;
  };
  execPath(): string;
  stat(path: string): Promise<{ isFile: boolean }>;
  open(path: string): Promise<{ stat(): Promise<{ isFile: boolean }>; close(): void; readable: ReadableStream<Uint8Array> }>;
  env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  build: { os: string };
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code?: number): never;
  stdout: { isTerminal(): boolean; writeSync(bytes: Uint8Array): number };
  stderr: { isTerminal(): boolean; writeSync(bytes: Uint8Array): number };
  args: string[];
  cwd(): string;
}
