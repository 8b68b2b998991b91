/**
 * SocketCluster's reconnect delay: `round((initialDelay + randomness·random) · multiplier^attempt)`,
 * capped by maxDelay. `random` is injectable so tests can check the bounds exactly.
 *
 * @example
 * reconnectDelay(0, { initialDelay: 10000, randomness: 10000, multiplier: 1.5, maxDelay: 60000 }); // 10000..20000
 */
export interface BackoffOptions { initialDelay: number; randomness: number; multiplier: number; maxDelay: number }

export const defaultBackoff: BackoffOptions = { initialDelay: 10000, randomness: 10000, multiplier: 1.5, maxDelay: 60000 };

export function reconnectDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = options.initialDelay + options.randomness * random();
  return Math.min(Math.round(base * options.multiplier ** attempt), options.maxDelay);
}
