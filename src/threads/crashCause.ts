/**
 * What a crash log line says: the error's own message (and its stack apart), never the
 * runtime's rendering of the event (Bun puts a source excerpt in `ErrorEvent.message`).
 *
 * @example
 * self.addEventListener("error", (event) => post({ type: "fatal", ...crashCause("uncaught error", event.error, event.message) }));
 */
export function crashCause(what: string, error: unknown, fallback?: string): { cause: string; stack?: string } {
  if (error instanceof Error || (error !== null && typeof error === "object" && typeof (error as Error).message === "string")) {
    const e = error as Error;
    return { cause: `${what}: ${e.message}`, stack: typeof e.stack === "string" ? e.stack : undefined };
  }
  if (error !== undefined && error !== null) return { cause: `${what}: ${String(error)}` };
  // No error object (a script that failed to load): the event's first line only.
  return { cause: `${what}: ${(fallback ?? "unknown").split("\n")[0]}` };
}
