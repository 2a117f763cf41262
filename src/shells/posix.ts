import type { ShellDialect } from './types.js';

/**
 * One word for sh, bash, zsh (and Python's shlex): single quotes keep every
 * byte literal — `$`, backticks, backslashes, newlines — except `'` itself,
 * written as `'\''`.
 */
export function posixQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The same word, bare when it needs no quotes (a path, a profile name): what a person would type. */
export function posixWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : posixQuote(value);
}

export const posix: ShellDialect = {
  quote: posixQuote,
  set: (name, value) => `export ${name}=${posix.quote(value)}`,
  unset: (name) => `unset ${name}`,
};
