import {
  COMMANDS,
  EXEC,
  optionsOf,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
  type OptionTable,
} from './options.js';

// --help, laid out like gh's (USAGE, COMMANDS, FLAGS, EXAMPLES) and rendered
// from the option tables, so it cannot list a flag the parser does not take
// or miss one it does. `mfa-env --help` fits 30 lines of 80 columns.

const WIDTH = 80;

/** `-p, --profile NAME`, `    --no-cache`: the left column of a flag. */
export function flagLabel(name: string, o: OptionSpec): string {
  const long = o.on ? `--no-${name}` : `--${name}`;
  return `${o.alias ? `-${o.alias}, ` : '    '}${long}${o.value ? ` ${o.value}` : ''}`;
}

/** Two columns, the right one wrapped under itself to fit the width. */
function columns(rows: [string, string][]): string[] {
  const left = Math.min(26, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines: string[] = [];
  for (const [l, r] of rows) {
    const words = r.split(' ');
    let line = `  ${l.padEnd(left)}`;
    if (l.length > left) {
      lines.push(`  ${l}`);
      line = ' '.repeat(left + 2);
    }
    let fresh = true;
    for (const w of words) {
      if (!fresh && line.length + 1 + w.length > WIDTH) {
        lines.push(line);
        line = ' '.repeat(left + 2) + w;
      } else {
        line += (fresh ? '' : ' ') + w;
      }
      fresh = false;
    }
    lines.push(line);
  }
  return lines;
}

function flagRows(table: OptionTable): [string, string][] {
  return Object.entries(table).flatMap(([name, o]): [string, string][] =>
    o.hidden ? [] : [[flagLabel(name, o), o.describe]],
  );
}

export function mfaEnvHelp(): string {
  const commands = (Object.entries(COMMANDS) as [CommandName, CommandSpec][]).filter(([name]) => name !== 'export');
  // --debug is named in the FLAGS heading: every command takes it.
  const flags: OptionTable = COMMANDS.export.options;
  return [
    'USAGE',
    '  mfa-env [COMMAND] [FLAGS]      no COMMAND: export, as in eval "$(mfa-env)"',
    '',
    'COMMANDS',
    ...columns(commands.map(([name, c]) => [name, c.summary])),
    '',
    'FLAGS (of export; every command takes --debug and -h, --help)',
    ...columns(flagRows(flags)),
    '',
    'EXAMPLES',
    '  mfa-env setup -p dev           # store the key (asks for what it needs)',
    '  mfa -p dev                     # from `mfa-env init bash`: sets this shell',
    '  mfa-exec -p dev -- aws s3 ls   # the session for one command only',
    '',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const c: CommandSpec = COMMANDS[name];
  const positionals = (c.positionals ?? []).map((p) => ` ${p.choices.join('|')}`).join('');
  return [
    c.summary,
    '',
    'USAGE',
    `  mfa-env ${name}${positionals} [FLAGS]`,
    ...(c.details ? ['', ...c.details.split('\n')] : []),
    '',
    'FLAGS',
    ...columns(flagRows(optionsOf(c))),
    '',
  ].join('\n');
}

const EXEC_DETAILS = `Run COMMAND with an MFA session in its environment (argv goes straight to the
OS, never through a shell). With no COMMAND, start $SHELL with the session;
type exit to leave it.

Everything after -- (or from the first word that is not an option) is the
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

export function execHelp(): string {
  return [
    'USAGE',
    '  mfa-exec [options] -- COMMAND [ARGS...]',
    '',
    EXEC_DETAILS,
    '',
    'FLAGS',
    ...columns(flagRows(optionsOf(EXEC))),
    '',
  ].join('\n');
}
