import yargs from 'yargs';
import { execOptions } from './options.js';
import { VERSION } from './version.js';

const USAGE = `$0 [options] -- COMMAND [ARGS...]

Run COMMAND with an MFA session in its environment (argv goes straight to the
OS, never through a shell). With no COMMAND, start $SHELL with the session;
type exit to leave it.`;

const EPILOG = `Everything after -- (or from the first word that is not an option) is the
command. Its exit status is mfa-exec's; killed by signal N gives 128+N; a
COMMAND that is not found gives 127, one that cannot be run 126.
SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to mfa-exec are passed on to it;
Ctrl-C or Ctrl-\\ typed at the terminal reaches it once, from the terminal
itself, and mfa-exec waits for it to finish.

--server: COMMAND gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN (a local endpoint that every AWS SDK, the
AWS CLI and terraform read, renewing credentials 15 minutes before they end)
instead of the credentials: for jobs that outlive them. See docs/long-jobs.md.

The shell started with no COMMAND gets MFA_ENV_PROFILE and
MFA_ENV_EXEC_SHELL=<profile>; mfa-exec refuses to start a second shell for the
same profile inside it unless --force.`;

/** --help and --version, rendered by yargs like mfa-env's (loaded only here). */
export async function showExecHelp(what: 'help' | 'version'): Promise<number> {
  await yargs([what === 'help' ? '--help' : '--version'])
    .scriptName('mfa-exec')
    .usage(USAGE)
    .options(execOptions)
    .epilog(EPILOG)
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .alias('V', 'version')
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .parseAsync();
  return 0;
}
