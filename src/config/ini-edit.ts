// Line-preserving edits of the AWS ini files. The SDK's loader reads them;
// this only changes the few lines we own, and leaves every other byte —
// sections, comments, blank lines, line endings — exactly as it was.

const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const KEY = /^([^\s=#;[][^=]*?)\s*=\s*(.*?)\s*$/;

interface Parsed {
  lines: string[];
  eol: string;
  endsWithEol: boolean;
}

function parse(text: string): Parsed {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const endsWithEol = text.length === 0 || text.endsWith('\n');
  const body = text.endsWith(eol) ? text.slice(0, -eol.length) : text;
  return { lines: body.length ? body.split(eol) : [], eol, endsWithEol };
}

function render(p: Parsed): string {
  if (p.lines.length === 0) return '';
  return p.lines.join(p.eol) + (p.endsWithEol ? p.eol : '');
}

function sectionName(line: string): string | undefined {
  const m = SECTION.exec(line);
  return m ? m[1]!.replace(/\s+/g, ' ') : undefined;
}

/** Index range [start, end) of the lines under the first `[name]`, header excluded. */
function findSection(lines: string[], name: string): { header: number; end: number } | undefined {
  const header = lines.findIndex((l) => sectionName(l) === name);
  if (header < 0) return undefined;
  let end = header + 1;
  while (end < lines.length && sectionName(lines[end]!) === undefined) end++;
  return { header, end };
}

function keyOf(line: string): string | undefined {
  if (/^\s/.test(line)) return undefined; // continuation of a nested value
  const m = KEY.exec(line);
  return m ? m[1]!.trim().toLowerCase() : undefined;
}

/** The header text for a profile: `[profile dev]` in config, `[dev]` in credentials. */
export function sectionFor(profile: string, kind: 'config' | 'credentials'): string {
  return kind === 'config' && profile !== 'default' ? `profile ${profile}` : profile;
}

/** Key/value pairs of the first section `name` (top-level keys only). */
export function readSection(text: string, name: string): Record<string, string> | undefined {
  const p = parse(text);
  const s = findSection(p.lines, name);
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (let i = s.header + 1; i < s.end; i++) {
    const line = p.lines[i]!;
    const key = keyOf(line);
    if (key !== undefined) out[key] = KEY.exec(line)![2]!;
  }
  return out;
}

/**
 * Sets (string) or removes (null) keys in section `name`, creating the
 * section at the end when it is missing and something is to be set. A key
 * that exists is changed in place; a new key goes after the section's last
 * key line.
 */
export function editSection(text: string, name: string, changes: Record<string, string | null>): string {
  if (/[\r\n\]]/.test(name)) throw new Error('invalid section name');
  for (const [k, v] of Object.entries(changes)) {
    if (/[\r\n=]/.test(k) || (v !== null && /[\r\n]/.test(v))) throw new Error('invalid ini key or value');
  }
  const p = parse(text);
  const pending = new Map(Object.entries(changes).map(([k, v]) => [k.toLowerCase(), { key: k, value: v }]));
  const s = findSection(p.lines, name);
  if (!s) {
    const sets = [...pending.values()].filter((c) => c.value !== null);
    if (sets.length === 0) return text;
    const block = [`[${name}]`, ...sets.map((c) => `${c.key} = ${c.value}`)];
    const lastLine = p.lines[p.lines.length - 1];
    if (p.lines.length > 0 && lastLine!.trim() !== '') block.unshift('');
    p.lines.push(...block);
    p.endsWithEol = true;
    return render(p);
  }
  const kept: string[] = [];
  let lastKey = -1;
  for (let i = s.header + 1; i < s.end; i++) {
    const line = p.lines[i]!;
    const key = keyOf(line);
    const change = key !== undefined ? pending.get(key) : undefined;
    if (change) {
      pending.delete(key!);
      if (change.value === null) continue;
      kept.push(`${change.key} = ${change.value}`);
    } else {
      kept.push(line);
    }
    if (key !== undefined || /^\s+\S/.test(line)) lastKey = kept.length - 1;
  }
  const additions = [...pending.values()].filter((c) => c.value !== null).map((c) => `${c.key} = ${c.value}`);
  kept.splice(lastKey + 1, 0, ...additions);
  p.lines.splice(s.header + 1, s.end - s.header - 1, ...kept);
  return render(p);
}
