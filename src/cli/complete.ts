import { profileNames } from '../config/profiles.js';
import { COMMANDS, EXEC, optionsOf, type CommandSpec, type OptionSpec, type OptionTable } from './options.js';

// Completion for bash and zsh, from the option tables. The shells ask with
// yargs's old protocol, `PROG --get-yargs-completions PROG WORDS...` (WORDS:
// the words after the program, the last one being completed), only when TAB
// is pressed; one candidate per line. zsh asks for descriptions
// (`word:description`, for _describe). Fish's completions are static, in
// shell/mfa-env.fish, generated from the same tables.

export interface Candidate {
  word: string;
  describe?: string;
}

const COMMAND_TABLES = Object.entries(COMMANDS as Record<string, CommandSpec>).map(
  ([name, c]) => [name, optionsOf(c)] as const,
);
const lookupAny = (name: string): OptionSpec | undefined =>
  COMMAND_TABLES.find(([, t]) => Object.hasOwn(t, name))?.[1][name];

function flagCandidates(table: OptionTable): Candidate[] {
  return Object.entries(table).flatMap(([name, o]) => {
    if (o.hidden) return [];
    const words = [o.on ? `--no-${name}` : `--${name}`, ...(o.alias ? [`-${o.alias}`] : [])];
    return words.map((word) => ({ word, describe: o.describe }));
  });
}

async function valueCandidates(o: OptionSpec): Promise<Candidate[]> {
  if (o.choices) return o.choices.map((word) => ({ word }));
  if (o.complete === 'profile')
    return (await profileNames().catch(() => [])).map((word) => ({ word, describe: 'profile' }));
  return [];
}

/** The option a word names (`-p`, `--profile`), in `lookup`'s table; undefined for anything else. */
function optionOf(
  word: string,
  lookup: (name: string) => OptionSpec | undefined,
  table?: OptionTable,
): OptionSpec | undefined {
  if (word.startsWith('--')) return word.includes('=') ? undefined : lookup(word.slice(2));
  if (word.length !== 2 || !word.startsWith('-')) return undefined;
  const tables = table ? [table] : COMMAND_TABLES.map(([, t]) => t);
  for (const t of tables) {
    const hit = Object.entries(t).find(([, o]) => o.alias === word[1]);
    if (hit) return hit[1];
  }
  return undefined;
}

export async function completions(prog: 'mfa-env' | 'mfa-exec', words: readonly string[]): Promise<Candidate[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const execTable = optionsOf(EXEC);
  const lookup =
    prog === 'mfa-exec' ? (n: string) => (Object.hasOwn(execTable, n) ? execTable[n] : undefined) : lookupAny;
  const positionals: string[] = [];
  let expecting: OptionSpec | undefined;
  for (const word of before) {
    if (expecting) {
      expecting = undefined;
      continue;
    }
    if (word === '--') return [];
    if (word.startsWith('-') && word !== '-') {
      const o = optionOf(word, lookup, prog === 'mfa-exec' ? execTable : undefined);
      if (o?.value) expecting = o;
      continue;
    }
    if (prog === 'mfa-exec') return []; // the command to run has started: the shell completes it
    positionals.push(word);
  }

  let found: Candidate[];
  const command =
    positionals[0] !== undefined && Object.hasOwn(COMMANDS, positionals[0])
      ? (COMMANDS as Record<string, CommandSpec>)[positionals[0]]
      : undefined;
  const table = prog === 'mfa-exec' ? execTable : optionsOf(command ?? COMMANDS.export);
  const eq = current.indexOf('=');
  if (expecting) {
    found = await valueCandidates(expecting);
  } else if (current.startsWith('--') && eq !== -1) {
    const o = Object.hasOwn(table, current.slice(2, eq)) ? table[current.slice(2, eq)] : undefined;
    found = o?.value
      ? (await valueCandidates(o)).map((c) => ({ ...c, word: `${current.slice(0, eq + 1)}${c.word}` }))
      : [];
  } else if (current.startsWith('-')) {
    found = flagCandidates(table);
  } else if (prog === 'mfa-exec') {
    found = [];
  } else if (positionals.length === 0) {
    found = Object.entries(COMMANDS as Record<string, CommandSpec>).map(([word, c]) => ({ word, describe: c.summary }));
  } else {
    const p = command?.positionals?.[positionals.length - 1];
    found = p ? p.choices.map((word) => ({ word, describe: p.describe })) : [];
  }
  return found.filter((c) => c.word.startsWith(current));
}

/** The answer to the shell: one word per line, or `word:description` for zsh. */
export async function answerCompletion(
  prog: 'mfa-env' | 'mfa-exec',
  words: readonly string[],
  describe: boolean,
): Promise<number> {
  const found = await completions(prog, words);
  const seen = new Set<string>();
  const lines = found.flatMap((c) => {
    if (seen.has(c.word)) return [];
    seen.add(c.word);
    return [describe && c.describe ? `${c.word.replace(/[\\:]/g, '\\$&')}:${c.describe}` : c.word];
  });
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
