import { UsageError } from '../errors.js';
import { nearest } from '../nearest.js';
import {
  COMMANDS,
  EXEC,
  optionsOf,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
  type OptionTable,
} from './options.js';

// The one command-line reader of both binaries, driven by the tables in
// src/cli/options.ts. The spellings are the usual ones: --name VALUE,
// --name=VALUE, -p VALUE, -pVALUE, -p=VALUE, --switch, --no-switch.
// Nothing is ignored: an unknown option, an unknown command or a word no
// command takes is a usage error (exit 2) that names it.

export type Args = Record<string, string | boolean>;

export interface Parsed {
  /** mfa-env's command (export when none is given). */
  command: CommandName;
  /** The command was named on the command line. */
  explicit?: true;
  /** Options (camelCase) and positionals by name. */
  args: Args;
  /** --help or --version was asked for. */
  meta?: 'help' | 'version';
  debug?: true;
}

export interface ParsedExec {
  args: Args;
  /** The child's argv; empty means "start $SHELL". */
  command: string[];
  meta?: 'help' | 'version';
  debug?: true;
}

export const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A word from the command line as an error may show it: never something that
 * looks like a secret (a pasted key, a token), never control characters.
 */
export function shownWord(word: string): string {
  if (word.length >= 20 && !/\s/.test(word)) return `a ${word.length}-character word (not shown)`;
  return `'${word.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}'`;
}

interface Token {
  raw: string;
  name: string;
  value?: string;
  negated: boolean;
}

type Lookup = (name: string) => OptionSpec | undefined;

function lookupIn(table: OptionTable): Lookup {
  return (name) => (Object.hasOwn(table, name) ? table[name] : undefined);
}

function aliasesOf(tables: readonly OptionTable[]): Map<string, string> {
  return new Map(
    tables.flatMap((t) => Object.entries(t).flatMap(([name, o]) => (o.alias ? [[o.alias, name] as const] : []))),
  );
}

/**
 * Reads the option at argv[i] (which starts with `-`). Whether it takes the
 * next word as its value is decided by `lookup`; returns the token and how
 * many words it used.
 */
function readOption(
  argv: readonly string[],
  i: number,
  lookup: Lookup,
  aliases: Map<string, string>,
  hint: string,
): [Token, number] {
  const arg = argv[i]!;
  let name: string;
  let value: string | undefined;
  let negated = false;
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (eq !== -1) value = arg.slice(eq + 1);
    if (!lookup(name) && name.startsWith('no-') && lookup(name.slice(3)) && !lookup(name.slice(3))!.value) {
      name = name.slice(3);
      negated = true;
    }
  } else {
    const letter = arg.slice(1, 2);
    name = aliases.get(letter) ?? letter;
    if (arg.length > 2) value = arg.slice(2).replace(/^=/, ''); // -pdev, -p=dev
  }
  const spec = lookup(name);
  let used = 1;
  if (spec?.value && value === undefined) {
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-'))
      throw new UsageError(`--${name} needs a value`, hint);
    value = next;
    used = 2;
  }
  const token: Token = { raw: arg.startsWith('--') ? arg.split('=')[0]! : arg.slice(0, 2), name, negated };
  if (value !== undefined) token.value = value;
  return [token, used];
}

function unknownOption(token: Token, table: OptionTable, hint: string): UsageError {
  const words = Object.entries(table).flatMap(([name, o]) => (o.hidden ? [] : [`--${name}`]));
  const guess = token.raw.startsWith('--') && token.raw.length < 20 ? nearest(token.raw, words) : undefined;
  const named = token.raw.length >= 20 ? shownWord(token.raw) : token.raw;
  return new UsageError(`unknown option: ${named}${guess ? `; did you mean ${guess}?` : ''}`, hint);
}

/** Checks one option against the command's table and stores its value in args. */
function apply(token: Token, table: OptionTable, args: Args, hint: string): 'help' | 'version' | 'debug' | undefined {
  const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
  if (!spec) throw unknownOption(token, table, hint);
  const flag = `--${token.name}`;
  if (!spec.value) {
    if (token.value !== undefined)
      throw new UsageError(`${token.raw.startsWith('--') ? token.raw : flag} takes no value`, hint);
    if (token.name === 'help' || token.name === 'version' || token.name === 'debug')
      return token.negated ? undefined : token.name;
    args[camel(token.name)] = !token.negated;
    return undefined;
  }
  const value = token.value!;
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`unknown ${token.name} ${shownWord(value)}; one of ${spec.choices.join(', ')}`, hint);
  }
  args[camel(token.name)] = value;
  return undefined;
}

/** Applies the tokens; help wins over every other complaint but an unknown option. */
function applyAll(tokens: Token[], table: OptionTable, args: Args, hint: string): Pick<Parsed, 'meta' | 'debug'> {
  const out: Pick<Parsed, 'meta' | 'debug'> = {};
  for (const token of tokens) {
    const said = apply(token, table, args, hint);
    if (said === 'debug') out.debug = true;
    else if (said) out.meta ??= said;
  }
  return out;
}

const ALL_TABLES: readonly OptionTable[] = Object.values(COMMANDS as Record<string, CommandSpec>).map(optionsOf);
/** Whether an option takes a value, in any command (the tables agree: see the option-table test). */
const anyCommand: Lookup = (name) => ALL_TABLES.find((t) => Object.hasOwn(t, name))?.[name];
const ALL_ALIASES = aliasesOf(ALL_TABLES);
const ALL_FLAGS: OptionTable = Object.assign({}, ...ALL_TABLES);

/** `mfa-env [COMMAND] [OPTIONS] [WORDS]`: options may come before or after the command. */
export function parseMfaEnv(argv: readonly string[]): Parsed {
  const tokens: Token[] = [];
  const words: string[] = [];
  // No command takes words after `--`: they can only be refused.
  let afterDashes: string[] = [];
  for (let i = 0; i < argv.length; ) {
    const arg = argv[i]!;
    if (arg === '--') {
      afterDashes = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      i++;
      continue;
    }
    const [token, used] = readOption(argv, i, anyCommand, ALL_ALIASES, 'see mfa-env --help');
    // Unknown to every command: say so now, before its would-be value reads as a command.
    if (!anyCommand(token.name)) throw unknownOption(token, ALL_FLAGS, 'see mfa-env --help');
    tokens.push(token);
    i += used;
  }

  let command: CommandName = 'export';
  const named = words.length > 0;
  if (named) {
    const first = words[0]!;
    if (!Object.hasOwn(COMMANDS, first)) {
      if (first === 'completion')
        throw new UsageError(
          'unknown command completion',
          'completion comes with the shell integration: mfa-env init bash|zsh|fish|powershell',
        );
      const guess = first.length < 20 ? nearest(first, Object.keys(COMMANDS)) : undefined;
      const what = shownWord(first);
      throw new UsageError(
        `unknown command ${first.length < 20 ? first.replace(/[^\w.+@-]/g, '?') : what}${guess ? `; did you mean ${guess}?` : ''}`,
        'see mfa-env --help',
      );
    }
    command = first as CommandName;
    words.shift();
  }
  const spec: CommandSpec = COMMANDS[command];
  const table = optionsOf(spec);
  const hint = `see mfa-env ${command === 'export' ? '' : `${command} `}--help`;
  const args: Args = {};
  const result: Parsed = { command, args, ...applyAll(tokens, table, args, hint) };
  if (named) result.explicit = true;
  if (result.meta) return result;

  const positionals = spec.positionals ?? [];
  for (const [n, p] of positionals.entries()) {
    const word = words[n];
    if (word === undefined) throw new UsageError(`${command} needs a ${p.name}: one of ${p.choices.join(', ')}`, hint);
    if (!p.choices.includes(word))
      throw new UsageError(`unknown ${p.name} ${shownWord(word)}; one of ${p.choices.join(', ')}`, hint);
    args[p.name] = word;
  }
  const extra = words[positionals.length] ?? afterDashes[0];
  if (extra !== undefined) throw new UsageError(`unexpected argument after ${command}: ${shownWord(extra)}`, hint);
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && args[camel(name)] === undefined)
      throw new UsageError(`${command} needs --${name}${o.value ? ` ${o.value}` : ''}`, hint);
  }
  for (const [a, b] of spec.conflicts ?? []) {
    if (args[camel(a)] !== undefined && args[camel(b)] !== undefined)
      throw new UsageError(`--${a} and --${b} cannot be used together`, hint);
  }
  return result;
}

/**
 * `mfa-exec [OPTIONS] [--] COMMAND [ARGS...]`: mfa-exec's options end at the
 * first `--` or the first word that is not an option; everything from there
 * on is the child's argv, untouched.
 */
export function parseExec(argv: readonly string[], table: OptionTable = optionsOf(EXEC)): ParsedExec {
  const hint = 'see mfa-exec --help; the command goes after --';
  const lookup = lookupIn(table);
  const aliases = aliasesOf([table]);
  const tokens: Token[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break; // the command starts here
    const [token, used] = readOption(argv, i, lookup, aliases, 'see mfa-exec --help');
    // An unknown option is named before its would-be value is looked at.
    if (!lookup(token.name)) throw unknownOption(token, table, hint);
    tokens.push(token);
    i += used;
  }
  const args: Args = {};
  return { args, command: argv.slice(i), ...applyAll(tokens, table, args, 'see mfa-exec --help') };
}
