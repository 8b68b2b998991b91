/**
 * A listen that failed because another process (another scx, or any other program)
 * already listens on the port. The CLI prints the message as one line and exits 2.
 *
 * @example
 * throw new PortInUseError("0.0.0.0", 8000);
 */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} is already in use on ${host} (another scx or another program listens there): ` +
      "stop it or pick another port (--port, SCX_PORT or port: in the config)");
  }
}

/**
 * The runtime's error for a failed listen, as a PortInUseError when the address is taken.
 *
 * @example
 * throw listenError(error, "0.0.0.0", 8000);
 */
export function listenError(error: unknown, host: string, port: number): unknown {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  const taken = code === "EADDRINUSE" || name === "AddrInUse" || /address already in use|is port \d+ in use/i.test(message ?? "");
  return taken ? new PortInUseError(host, port) : error;
}
