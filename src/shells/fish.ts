import type { ShellDialect } from './types.js';

/**
 * fish: inside single quotes only `\\` and `\'` are escapes; everything else,
 * newlines included, is literal. The trailing `;` lets `mfa-env | source`
 * and `eval` both work.
 */
export const fish: ShellDialect = {
  quote: (value) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
  set: (name, value) => `set -gx ${name} ${fish.quote(value)};`,
  unset: (name) => `set -e ${name};`,
};
