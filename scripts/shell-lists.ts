// The parts of shell/mfa-env.{bash,zsh,fish,ps1} that come from the option
// tables (src/cli/options.ts): which flags take a value (so `mfa -p dev`
// does not read `dev` as a command), which commands print lines the `mfa`
// wrapper applies, and fish's static completions. They sit between marker
// lines in each file; `npm run build` rewrites them (scripts/build.mjs runs
// writeShellLists), and test/unit/option-tables.test.ts fails when a file
// disagrees with the tables. The files stay plain shell that a shell sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMANDS,
  commonOptions,
  EXEC,
  optionsOf,
  type CommandSpec,
  type OptionSpec,
  type OptionTable,
} from '../src/cli/options.js';

export const BEGIN = '# >>> generated from src/cli/options.ts by npm run build (scripts/shell-lists.ts): do not edit';
export const END = '# <<< generated';

const commands = Object.entries(COMMANDS as Record<string, CommandSpec>);

/** Every spelling of every flag that takes a value, in any command of mfa-env. */
export function valueFlags(): string[] {
  const words = new Set<string>();
  for (const [, c] of commands) {
    for (const [name, o] of Object.entries(optionsOf(c))) {
      if (!o.value) continue;
      if (o.alias) words.add(`-${o.alias}`);
      words.add(`--${name}`);
    }
  }
  return [...words];
}

/** The commands whose stdout the `mfa` wrapper applies ('' = no command: export). */
export function appliedCommands(): string[] {
  return ['', ...commands.flatMap(([name, c]) => (c.evals ? [name] : []))];
}

const posixWord = (w: string) => (w === '' ? "''" : w);

function bash(): string {
  return `# Flags that take a value: the next word is theirs, not a command.
__mfa_env_takes_value() {
    case $1 in
        ${valueFlags().join(' | ')}) return 0 ;;
        *) return 1 ;;
    esac
}

# Commands whose output is lines for this shell to apply (none: export).
__mfa_env_applies() {
    case $1 in
        ${appliedCommands().map(posixWord).join(' | ')}) return 0 ;;
        *) return 1 ;;
    esac
}`;
}

function zsh(): string {
  return `# Flags that take a value: the next word is theirs, not a command.
__mfa_env_takes_value() {
    case $1 in
        (${valueFlags().join('|')}) return 0 ;;
        (*) return 1 ;;
    esac
}

# Commands whose output is lines for this shell to apply (none: export).
__mfa_env_applies() {
    case $1 in
        (${appliedCommands().map(posixWord).join('|')}) return 0 ;;
        (*) return 1 ;;
    esac
}`;
}

const fishQuote = (s: string) => `'${s.replace(/[\\']/g, '\\$&')}'`;

function fishOption(bin: string, condition: string | undefined, name: string, o: OptionSpec): string | undefined {
  if (o.hidden) return undefined;
  const parts = ['complete', '-c', bin];
  if (condition) parts.push('-n', fishQuote(condition));
  if (o.alias) parts.push('-s', o.alias);
  parts.push('-l', o.on ? `no-${name}` : name);
  if (o.value) {
    parts.push('-x');
    if (o.choices) parts.push('-a', fishQuote(o.choices.join(' ')));
    else if (o.complete === 'profile') parts.push('-a', "'(__mfa_env_profiles)'");
  }
  parts.push('-d', fishQuote(o.describe));
  return parts.join(' ');
}

function fishOptions(bin: string, condition: string | undefined, table: OptionTable): string[] {
  return Object.entries(table).flatMap(([name, o]) => fishOption(bin, condition, name, o) ?? []);
}

function fish(): string {
  const names = commands.map(([name]) => name);
  const noCommand = '__mfa_env_no_command';
  const lines = [
    '# Flags that take a value: the next word is theirs, not a command.',
    'function __mfa_env_takes_value',
    `    contains -- $argv[1] ${valueFlags().join(' ')}`,
    'end',
    '',
    '# Commands whose output is lines for this shell to apply (none: export).',
    'function __mfa_env_applies',
    `    contains -- "$argv[1]" ${appliedCommands()
      .map((w) => (w === '' ? "''" : w))
      .join(' ')}`,
    'end',
    '',
    '# Completions (`complete -e` first, so loading twice adds nothing).',
    'complete -c mfa-env -e',
    'complete -c mfa-exec -e',
    'function __mfa_env_no_command',
    `    not __fish_seen_subcommand_from ${names.join(' ')}`,
    'end',
    'complete -c mfa-env -f',
  ];
  for (const [name, c] of commands)
    lines.push(`complete -c mfa-env -n ${fishQuote(noCommand)} -a ${name} -d ${fishQuote(c.summary)}`);
  for (const [name, c] of commands) {
    const condition =
      name === 'export' ? `${noCommand}; or __fish_seen_subcommand_from export` : `__fish_seen_subcommand_from ${name}`;
    lines.push(...fishOptions('mfa-env', condition, c.options));
    for (const p of c.positionals ?? [])
      lines.push(
        `complete -c mfa-env -n ${fishQuote(condition)} -a ${fishQuote(p.choices.join(' '))} -d ${fishQuote(p.describe)}`,
      );
  }
  lines.push(...fishOptions('mfa-env', undefined, commonOptions));
  lines.push(...fishOptions('mfa-exec', undefined, optionsOf(EXEC)));
  return lines.join('\n');
}

function powershell(): string {
  const list = (words: string[]) => words.map((w) => `'${w}'`).join(', ');
  return `# Flags that take a value: the next word is theirs, not a command.
function global:__mfa_env_takes_value([string]$Arg) { $Arg -cin @(${list(valueFlags())}) }

# Commands whose output is lines for this session to apply (none: export).
function global:__mfa_env_applies([string]$Sub) { $Sub -cin @(${list(appliedCommands())}) }`;
}

export const SHELL_FILES: Record<string, () => string> = {
  'mfa-env.bash': bash,
  'mfa-env.zsh': zsh,
  'mfa-env.fish': fish,
  'mfa-env.ps1': powershell,
};

/** The file's text with its generated region replaced (it must have one). */
export function withRegion(text: string, file: string): string {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END, begin);
  if (begin === -1 || end === -1) throw new Error(`${file}: no generated region (${BEGIN} … ${END})`);
  return `${text.slice(0, begin)}${BEGIN}\n${SHELL_FILES[file]!()}\n${text.slice(end)}`;
}

/** Rewrites the generated regions of shell/*; returns the files that changed. */
export function writeShellLists(root: string): string[] {
  const changed: string[] = [];
  for (const file of Object.keys(SHELL_FILES)) {
    const path = join(root, 'shell', file);
    const text = readFileSync(path, 'utf8');
    const next = withRegion(text, file);
    if (next !== text) {
      writeFileSync(path, next);
      changed.push(`shell/${file}`);
    }
  }
  return changed;
}
