/** AKIA…WXYZ: enough to tell keys apart, not enough to use one. */
export function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}

/** Whole days since `createDate` (RFC 3339); undefined when it is not a date. */
export function keyAgeDays(createDate: string | undefined, now = Date.now()): number | undefined {
  const t = createDate ? Date.parse(createDate) : Number.NaN;
  return Number.isNaN(t) ? undefined : Math.max(0, Math.floor((now - t) / 86_400_000));
}

export const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
