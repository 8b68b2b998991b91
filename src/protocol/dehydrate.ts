/**
 * sc-errors' dehydrate/hydrate: an error crosses the wire as its message plus its own
 * enumerable fields (never its stack), and comes back as a real Error.
 *
 * @example
 * dehydrateError(namedError("MyErr", "boom", { extra: 42 })); // { message: "boom", name: "MyErr", extra: 42 }
 */
export function dehydrateError(error: unknown): unknown {
  if (error === null || typeof error !== "object") {
    return typeof error === "function" ? `[function ${(error as Function).name}]` : error;
  }
  const out: Record<string, unknown> = { message: (error as Error).message };
  for (const [key, value] of Object.entries(error)) {
    if (key === "stack") continue;
    out[key] = typeof value === "function" ? `[function ${value.name}]` : value;
  }
  // Errors built with `new Error` keep `name` on the prototype; send it anyway so the
  // client can tell errors apart by name, as SocketCluster's docs tell users to.
  if (error instanceof Error && out.name === undefined && error.name !== "Error") out.name = error.name;
  return out;
}

/** Turn a wire error back into an Error; null means no error. */
export function hydrateError(error: unknown): unknown {
  if (error === null || error === undefined) return null;
  if (typeof error !== "object") return error;
  const fields = error as Record<string, unknown>;
  const message = typeof fields.message === "string" ? fields.message : "Invalid error message format";
  const out = new Error(message);
  for (const [key, value] of Object.entries(fields)) {
    if (key !== "message") (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
