/**
 * `bytes` random bytes as hex, for unique temp and lock file names. From Web
 * Crypto's global getRandomValues: importing node:crypto would cost every
 * start of the CLI ~10 ms for a few bytes that only a write needs.
 */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}
