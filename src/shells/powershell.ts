import type { ShellDialect } from './types.js';

/**
 * PowerShell: in a verbatim '…' string the only special characters are the
 * single quotes — ASCII ' and the typographic U+2018–U+201B, which PowerShell
 * also treats as quotes — each escaped by doubling it.
 */
export const powershell: ShellDialect = {
  quote: (value) => `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`,
  set: (name, value) => `$Env:${name} = ${powershell.quote(value)}`,
  unset: (name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`,
};
