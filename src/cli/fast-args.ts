import { parseArgs, type ParseArgsConfig } from 'node:util';
import { exportOptions, type ExportArgs } from './options.js';

type OptionDef = { alias?: string; type?: string; choices?: readonly string[] };

const defs = exportOptions as Record<string, OptionDef>;
const parseOptions: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  Object.entries(defs).map(([name, d]) => [name, { type: d.type === 'boolean' ? 'boolean' : 'string', ...(d.alias ? { short: d.alias } : {}) }]),
);

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The export command line, read with Node's own parser from the same option
 * table yargs uses. This is the path every shell start and every prompt-less
 * `eval "$(mfa-env)"` takes, so it must not pay for loading yargs (~35 ms).
 * Anything it does not fully understand — another command, --help, a bad or
 * unknown flag — returns undefined, and yargs handles it, errors included.
 */
export function fastExportArgs(argv: string[]): ExportArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: true, allowNegative: true });
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'export')) return undefined;
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const def = defs[name]!;
    if (def.choices && !def.choices.includes(value as string)) return undefined;
    if (typeof value === 'string' && value.startsWith('-') && def.type !== 'boolean') return undefined; // yargs says "requires an argument"
    args[camel(name)] = value;
  }
  return args as ExportArgs;
}
