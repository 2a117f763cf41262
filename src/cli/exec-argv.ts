import { UsageError } from '../errors.js';
import { execOptions, type ExecArgs } from './options.js';

// mfa-exec's own options end at the first `--` or the first word that is not
// an option: everything from there on is the child's argv, untouched. yargs
// cannot be told "stop at the first positional" without also rewriting what
// follows (it still expands `--foo=bar`, camel-cases, coerces numbers), and it
// costs more to load than the whole cached path, so this small reader does
// the split and the parsing from the same option table the export uses.
// yargs is loaded only to render --help and --version (see exec-help.ts).

interface OptionSpec {
  readonly alias?: string;
  readonly type: 'string' | 'boolean';
}

export interface ParsedExecArgv {
  args: ExecArgs;
  /** The child's argv; empty means "start $SHELL". */
  command: string[];
  /** --help or --version was asked for. */
  meta?: 'help' | 'version';
}

const HINT = 'see mfa-exec --help';

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function parseExecArgv(argv: readonly string[], options: Readonly<Record<string, OptionSpec>> = execOptions): ParsedExecArgv {
  const byAlias = new Map(Object.entries(options).flatMap(([name, spec]) => (spec.alias ? [[spec.alias, name] as const] : [])));
  const args: Record<string, string | boolean> = {};
  let meta: ParsedExecArgv['meta'];

  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break; // the command starts here

    let name: string;
    let inline: string | undefined;
    let negated = false;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      if (!Object.hasOwn(options, name) && name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean') {
        name = name.slice(3);
        negated = true;
      }
    } else {
      const alias = arg.slice(1, 2);
      name = byAlias.get(alias) ?? alias;
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined; // -pdev, -p=dev
    }

    if (name === 'help' || name === 'h' || name === 'version' || name === 'V') {
      meta ??= name.startsWith('h') ? 'help' : 'version';
      continue;
    }
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (!spec) throw new UsageError(`unknown option: ${arg.split('=')[0]}`, `${HINT}; the command goes after --`);
    const flag = `--${name}`;

    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`, HINT);
      args[camel(name)] = !negated;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError(`${flag} needs a value`, HINT);
      value = next;
      i++;
    }
    args[camel(name)] = value;
  }

  const result: ParsedExecArgv = { args: args as ExecArgs, command: argv.slice(i) };
  if (meta) result.meta = meta;
  return result;
}
