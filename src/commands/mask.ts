/** AKIA…WXYZ: enough to tell keys apart, not enough to use one. */
export function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}
