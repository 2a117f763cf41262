import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { logoutOptions, MFA_ENV_OPTION_TABLES, rotateOptions, setupOptions, statusOptions } from './command-options.js';
import { exportOptions, profileOption, shellOption, type ExportArgs } from './options.js';
import { completeFlags } from './complete-flags.js';
import { VERSION } from './version.js';

// Each command's module is imported only when that command runs.

let exitCode = 0;
/** yargs ignores what a handler returns; keep its exit code here. */
function handle<A>(load: (args: A) => Promise<number | void>) {
  return async (args: A) => {
    exitCode = (await load(args)) ?? 0;
  };
}

function usageFailure(msg: string | null, err: Error | undefined): never {
  // yargs reports its own parse errors as YError; everything else is ours.
  if (err && err.name !== 'YError') throw err;
  throw new UsageError(msg ?? err?.message ?? 'bad usage', 'see mfa-env --help');
}

export function buildCli(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('mfa-env')
    .usage('$0 [command] [options]\n\nMint (or reuse) an MFA session and print it for your shell:\n  eval "$(mfa-env)"   ·   mfa-env | source   ·   mfa-env -s powershell | Out-String | Invoke-Expression')
    .command(
      ['export', '$0'],
      'print the session as export lines (the default command)',
      (y) => y.options(exportOptions),
      handle(async (a) => (await import('../commands/export.js')).exportCommand(a as ExportArgs)),
    )
    .command(
      'setup',
      'store the long-term key in the secret store and the MFA device in the profile',
      (y) => y.options(setupOptions),
      handle(async (a) => (await import('../commands/setup.js')).setupCommand(a as never)),
    )
    .command(
      'status',
      'show profiles, stored keys and cached sessions',
      (y) => y.options(statusOptions),
      handle(async (a) => (await import('../commands/status.js')).statusCommand(a as never)),
    )
    .command(
      'logout',
      'delete cached sessions and print unset lines',
      (y) => y.options(logoutOptions).conflicts('all', 'profile'),
      handle(async (a) => (await import('../commands/logout.js')).logoutCommand(a as never)),
    )
    .command(
      'unset',
      'print unset lines for the session variables',
      (y) => y.options(shellOption),
      handle(async (a) => (await import('../commands/logout.js')).unsetCommand(a as never)),
    )
    .command(
      'remove',
      'delete the stored long-term key and cached session of a profile',
      (y) => y.options(profileOption).demandOption('profile'),
      handle(async (a) => (await import('../commands/remove.js')).removeCommand(a as never)),
    )
    .command(
      'rotate',
      'replace the long-term key with a new one (IAM CreateAccessKey, then DeleteAccessKey of the old)',
      (y) => y.options(rotateOptions),
      handle(async (a) => (await import('../commands/rotate.js')).rotateCommand(a as never)),
    )
    .command(
      'credential-process',
      'print the session as credential_process JSON (for ~/.aws/config)',
      (y) => y.options({ ...exportOptions }).hide('format').hide('shell'),
      handle(async (a) => (await import('../commands/export.js')).exportCommand({ ...(a as ExportArgs), format: 'credential-process' })),
    )
    .command(
      'init <shell>',
      'print the shell integration (mfa wrapper, mfa_env_prompt)',
      (y) => y.positional('shell', { choices: ['bash', 'zsh', 'fish', 'powershell'] as const, describe: 'your shell' }),
      handle(async (a) => (await import('../commands/init.js')).initCommand(a as never)),
    )
    .command(
      'doctor',
      'check the secret store, config, shell integration and PATH',
      {},
      handle(async () => (await import('../commands/doctor.js')).doctorCommand()),
    )
    .command(
      'demo',
      'the whole flow against a built-in local STS: no AWS account needed',
      {},
      handle(async () => (await import('../commands/demo.js')).demoCommand()),
    )
    .completion('completion', 'print the shell completion script (bash, zsh)', (current: string, argv: unknown, defaultCompletion: (cb: (err: unknown, words?: string[]) => void) => void, done: (words: string[]) => void) => {
      // yargs leaves out the default command's options (mfa -<TAB>), and
      // offers aliases as --p and --cache for --no-cache: mend its list.
      defaultCompletion((_err: unknown, words: string[] | undefined) => {
        const typed = (argv as { _: (string | number)[] })._.slice(1).map(String);
        const commandGiven = typed.some((w) => !w.startsWith('-') && w !== current);
        const mended = (words ?? []).filter((w) => !/^--.$/.test(w)).map((w) => (w === '--cache' ? '--no-cache' : w));
        const extra = commandGiven ? [] : completeFlags(exportOptions, current);
        done([...new Set([...mended, ...extra])]);
      });
    })
    .strictCommands()
    .strictOptions()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .alias('V', 'version')
    .wrap(Math.min(100, process.stderr.columns || 80))
    .fail(usageFailure);
}

/** Every on/off flag of every command (they take no value): the boolean options, and yargs' own. */
const SWITCHES: ReadonlySet<string> = new Set([
  ...MFA_ENV_OPTION_TABLES.flatMap((table) => Object.entries(table).flatMap(([name, o]) => ((o as { type?: string }).type === 'boolean' ? [name] : []))),
  'help',
  'version',
]);

/**
 * yargs reads `--refresh=0` as true and `--cache=no` as --no-cache: a typo
 * or a guess that silently does something. Refuse a value on a switch, as
 * mfa-exec does.
 */
function refuseSwitchValues(argv: string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const m = /^--(?:no-)?([a-z-]+)=/.exec(arg);
    if (m && SWITCHES.has(m[1]!)) throw new UsageError(`${arg.slice(0, arg.indexOf('='))} takes no value`, 'see mfa-env --help');
  }
}

/** The full command line: every command, help, completion, and the canonical usage errors. */
export async function main(argv: string[]): Promise<number> {
  refuseSwitchValues(argv);
  await buildCli(argv).parseAsync();
  return exitCode;
}
