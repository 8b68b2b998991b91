/**
 * A tiny typed event emitter; a throwing listener is reported, never allowed to break
 * the protocol code that emitted.
 *
 * @example
 * class Server extends Emitter<{ connection: [socket: ServerSocket] }> {}
 */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<(...args: any[]) => void>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = new Set());
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): void {
    this.#listeners.get(event)?.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(...args);
      } catch (error) {
        this.listenerFailed(String(event), error);
      }
    }
  }

  /** Overridden where there is a logger. */
  protected listenerFailed(event: string, error: unknown): void {
    console.error(`Listener for "${event}" threw`, error);
  }
}
