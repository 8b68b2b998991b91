/**
 * Where the client keeps its signed auth token between connections: localStorage when
 * the platform has a usable one (browsers), else memory. Any object with these three
 * async methods can be passed as `authEngine` (SocketCluster's option name).
 *
 * @example
 * const storage = defaultAuthStorage();
 * await storage.saveToken("socketcluster.authToken", token);
 */
export interface AuthStorage {
  saveToken(name: string, token: string): Promise<unknown>;
  loadToken(name: string): Promise<string | null>;
  removeToken(name: string): Promise<unknown>;
}

export function defaultAuthStorage(): AuthStorage {
  const local = usableLocalStorage();
  if (local) {
    return {
      saveToken: async (name, token) => local.setItem(name, token),
      loadToken: async (name) => local.getItem(name),
      removeToken: async (name) => local.removeItem(name),
    };
  }
  const memory = new Map<string, string>();
  return {
    saveToken: async (name, token) => memory.set(name, token),
    loadToken: async (name) => memory.get(name) ?? null,
    removeToken: async (name) => memory.delete(name),
  };
}

function usableLocalStorage(): Storage | null {
  try {
    const storage = (globalThis as { localStorage?: Storage }).localStorage;
    if (!storage) return null;
    // Private browsing modes may expose a localStorage that throws on write.
    storage.setItem("__scxLocalStorageTest", "1");
    storage.removeItem("__scxLocalStorageTest");
    return storage;
  } catch {
    return null;
  }
}
