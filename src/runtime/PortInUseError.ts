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
 * A listen the system refused for another reason an operator fixes: no permission (a port
 * below 1024 without the capability), or an address this host does not have.
 *
 * @example
 * throw new ListenError("cannot listen on 0.0.0.0:80: permission denied");
 */
export class ListenError extends Error {
  override name = "ListenError";
}

/**
 * The runtime's error for a failed listen, as a PortInUseError when the address is taken,
 * a ListenError when it is not allowed or not this host's, else unchanged.
 *
 * @example
 * throw listenError(error, "0.0.0.0", 8000);
 */
export function listenError(error: unknown, host: string, port: number): unknown {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  const text = message ?? "";
  if (code === "EADDRINUSE" || name === "AddrInUse" || /address already in use|is port \d+ in use/i.test(text)) {
    return new PortInUseError(host, port);
  }
  if (code === "EACCES" || name === "PermissionDenied" || /permission denied/i.test(text)) {
    return new ListenError(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)`);
  }
  if (code === "EADDRNOTAVAIL" || name === "AddrNotAvailable" || /cannot assign requested address/i.test(text)) {
    return new ListenError(`cannot listen on ${host}:${port}: this host has no such address (check host:)`);
  }
  return error;
}
