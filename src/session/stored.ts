// The JSON form in which the caches (cache.ts, role-cache.ts) keep what they
// store: version 1, some non-empty strings, some dates as ISO strings.

/**
 * `text` decoded: the named strings (each non-empty) and dates (each valid).
 * A corrupted or foreign entry is undefined: treated as absent, replaced by
 * the next mint.
 */
export function decodeStored<S extends string, D extends string>(
  text: string,
  strings: readonly S[],
  dates: readonly D[],
): (Record<S, string> & Record<D, Date>) | undefined {
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof s !== 'object' || s === null || s.v !== 1) return undefined;
  const out: Record<string, string | Date> = {};
  for (const k of dates) {
    const date = new Date((s[k] ?? '') as string);
    if (Number.isNaN(date.getTime())) return undefined;
    out[k] = date;
  }
  for (const k of strings) {
    const value = s[k];
    if (typeof value !== 'string' || !value) return undefined;
    out[k] = value;
  }
  return out as Record<S, string> & Record<D, Date>;
}
