import type { EnvChange } from '../session/environment.js';

export const DIALECTS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** One per shell: how to quote, set and unset in its own syntax. Nothing else. */
export interface ShellDialect {
  quote(value: string): string;
  set(name: string, value: string): string;
  unset(name: string): string;
}

export function renderChange(dialect: ShellDialect, change: EnvChange): string {
  let out = '';
  for (const [name, value] of change) {
    out += (value === undefined ? dialect.unset(name) : dialect.set(name, value)) + '\n';
  }
  return out;
}
