// Line-preserving edits of the AWS ini files. The SDK's loader reads them;
// this only changes the few lines we own, and leaves every other byte —
// sections, comments, blank lines, each line's own ending — exactly as it was.
import { UsageError } from '../errors.js';

const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
// `key = value` (what the SDKs read) or `key: value` (the AWS CLI's Python
// configparser reads that too): the first `=` or `:` separates, as there.
const KEY = /^([^\s=:#;[][^=:]*?)\s*[=:]\s*(.*?)\s*$/;

/** One line and the ending it had ('\n', '\r\n', or '' for a last line without one). */
interface Line {
  text: string;
  eol: string;
}

interface Parsed {
  lines: Line[];
  /** The ending new lines get: the file's first one, else '\n'. */
  eol: string;
}

// Split on \n and \r\n alike (as the SDK's parser does), keeping each line's
// ending: a file with mixed endings is read as the tools read it, and is
// written back with every untouched line's bytes as they were.
function parse(text: string): Parsed {
  const lines: Line[] = [];
  const ending = /\r?\n/g;
  let at = 0;
  for (let m = ending.exec(text); m; m = ending.exec(text)) {
    lines.push({ text: text.slice(at, m.index), eol: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length) lines.push({ text: text.slice(at), eol: '' });
  return { lines, eol: lines.find((l) => l.eol)?.eol ?? '\n' };
}

function render(p: Parsed): string {
  return p.lines.map((l) => l.text + l.eol).join('');
}

function sectionName(line: string): string | undefined {
  const m = SECTION.exec(line);
  return m ? m[1]!.replace(/\s+/g, ' ') : undefined;
}

/**
 * A section that appears more than once. The SDKs merge the copies key by
 * key (the last value wins); the AWS CLI refuses the whole file. An edit of
 * one copy is not what either reads, so nothing is edited: the person merges
 * them (they know which values are meant).
 */
export class DuplicateSectionError extends UsageError {
  readonly duplicateSection = true;

  constructor(
    readonly section: string,
    readonly lineNumbers: number[],
    readonly file?: string,
  ) {
    super(
      `[${section}] appears ${lineNumbers.length} times${file ? ` in ${file}` : ''} (lines ${lineNumbers.join(', ')}); the AWS CLI refuses such a file and the SDKs merge the copies`,
      'merge them into one section by hand, then run this again; nothing was changed',
    );
  }
}

/** The same error naming the file (the editing functions see only text). */
export function inFile(err: unknown, file: string): unknown {
  const d = err as Partial<DuplicateSectionError> | undefined;
  if (d?.duplicateSection && d.file === undefined) return new DuplicateSectionError(d.section!, d.lineNumbers!, file);
  return err;
}

/** Index range [start, end) of the lines under `[name]`, header excluded; DuplicateSectionError when there are several. */
function findSection(lines: Line[], name: string): { header: number; end: number } | undefined {
  const headers = lines.flatMap((l, i) => (sectionName(l.text) === name ? [i] : []));
  if (headers.length > 1)
    throw new DuplicateSectionError(
      name,
      headers.map((i) => i + 1),
    );
  const header = headers[0] ?? -1;
  if (header < 0) return undefined;
  let end = header + 1;
  while (end < lines.length && sectionName(lines[end]!.text) === undefined) end++;
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

/** Key/value pairs of section `name` (top-level keys only); DuplicateSectionError when it appears more than once. */
export function readSection(text: string, name: string): Record<string, string> | undefined {
  const p = parse(text);
  const s = findSection(p.lines, name);
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (let i = s.header + 1; i < s.end; i++) {
    const line = p.lines[i]!.text;
    const key = keyOf(line);
    if (key !== undefined) out[key] = KEY.exec(line)![2]!;
  }
  return out;
}

/**
 * After an edit: only the last line may lack an ending, and it lacks one
 * exactly when the original file's last line did (a removed or added last
 * line does not change whether the file ends in a newline).
 */
function settleEndings(p: Parsed, original: string): void {
  const last = p.lines.length - 1;
  p.lines.forEach((l, i) => {
    if (i < last && l.eol === '') l.eol = p.eol;
  });
  if (last >= 0)
    p.lines[last]!.eol = original.length > 0 && !original.endsWith('\n') ? '' : p.lines[last]!.eol || p.eol;
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
    if (/[\r\n=:]/.test(k) || (v !== null && /[\r\n]/.test(v))) throw new Error('invalid ini key or value');
  }
  const p = parse(text);
  const pending = new Map(Object.entries(changes).map(([k, v]) => [k.toLowerCase(), { key: k, value: v }]));
  const s = findSection(p.lines, name);
  if (!s) {
    const sets = [...pending.values()].filter((c) => c.value !== null);
    if (sets.length === 0) return text;
    const block = [`[${name}]`, ...sets.map((c) => `${c.key} = ${c.value}`)];
    const last = p.lines[p.lines.length - 1];
    if (last && last.text.trim() !== '') block.unshift('');
    if (last && last.eol === '') last.eol = p.eol;
    p.lines.push(...block.map((t) => ({ text: t, eol: p.eol })));
    return render(p);
  }
  const kept: Line[] = [];
  let lastKey = -1;
  for (let i = s.header + 1; i < s.end; i++) {
    const line = p.lines[i]!;
    const key = keyOf(line.text);
    const change = key !== undefined ? pending.get(key) : undefined;
    if (change) {
      pending.delete(key!);
      if (change.value === null) continue;
      kept.push({ text: `${change.key} = ${change.value}`, eol: line.eol });
    } else {
      kept.push(line);
    }
    if (key !== undefined || /^\s+\S/.test(line.text)) lastKey = kept.length - 1;
  }
  const additions = [...pending.values()]
    .filter((c) => c.value !== null)
    .map((c) => ({ text: `${c.key} = ${c.value}`, eol: p.eol }));
  kept.splice(lastKey + 1, 0, ...additions);
  p.lines.splice(s.header + 1, s.end - s.header - 1, ...kept);
  settleEndings(p, text);
  return render(p);
}
