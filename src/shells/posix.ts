import type { ShellDialect } from './types.js';

/**
 * bash and zsh (and sh): single quotes keep every byte literal — `$`,
 * backticks, backslashes, newlines — except `'` itself, written as `'\''`.
 */
export const posix: ShellDialect = {
  quote: (value) => `'${value.replaceAll("'", "'\\''")}'`,
  set: (name, value) => `export ${name}=${posix.quote(value)}`,
  unset: (name) => `unset ${name}`,
};
