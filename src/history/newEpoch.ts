/**
 * A fresh epoch: 10 random base-36 characters (about 50 bits), never containing ":".
 *
 * @example
 * newEpoch(); // "k3x9f2a0qz"
 */
export function newEpoch(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let epoch = "";
  for (const byte of bytes) epoch += alphabet[byte % 36];
  return epoch;
}

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
