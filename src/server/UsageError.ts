/**
 * A mistake on the command line (an unknown flag, a missing argument, a bad value): the
 * CLI prints its message as one line and exits 2, never a stack trace.
 *
 * @example
 * throw new UsageError('scx token: --exp "90x" is not a duration (e.g. 3600, 90s, 15m, 1h, 7d)');
 */
export class UsageError extends Error {
  override name = "UsageError";
}
