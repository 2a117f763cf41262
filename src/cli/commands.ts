import type { Dialect } from '../shells/types.js';
import { commandHelp, mfaEnvHelp } from './help.js';
import type { ExportArgs } from './options.js';
import type { Parsed } from './parse.js';
import { VERSION } from './version.js';

// The rest of mfa-env's command line, loaded when the command is not a plain
// export: --help, --version and every other command. The arguments arrive
// parsed and checked against the tables (src/cli/parse.ts); each command's
// module is imported only when that command runs.

type Args = Parsed['args'];
const as = <T>(args: Args) => args as unknown as T;

const RUN: Record<Parsed['command'], (args: Args) => Promise<number | undefined>> = {
  export: async (a) => (await import('../commands/export.js')).exportCommand(as<ExportArgs>(a)),
  setup: async (a) => (await import('../commands/setup.js')).setupCommand(as(a)),
  status: async (a) => (await import('../commands/status.js')).statusCommand(as(a)),
  logout: async (a) => (await import('../commands/logout.js')).logoutCommand(as(a)),
  unset: async (a) => (await import('../commands/logout.js')).unsetCommand(as(a)),
  remove: async (a) => (await import('../commands/remove.js')).removeCommand(as(a)),
  rotate: async (a) => (await import('../commands/rotate.js')).rotateCommand(as(a)),
  'credential-process': async (a) =>
    (await import('../commands/export.js')).exportCommand({ ...as<ExportArgs>(a), format: 'credential-process' }),
  init: async (a) => (await import('../commands/init.js')).initCommand(as<{ shell: Dialect }>(a)),
  doctor: async (a) => (await import('../commands/doctor.js')).doctorCommand(as(a)),
  demo: async () => (await import('../commands/demo.js')).demoCommand(),
};

export async function main(parsed: Parsed): Promise<number> {
  if (parsed.meta === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (parsed.meta === 'help') {
    // `mfa-env --help` and `mfa-env export --help` differ: the first is the overview.
    process.stdout.write(parsed.command === 'export' && !parsed.explicit ? mfaEnvHelp() : commandHelp(parsed.command));
    return 0;
  }
  return (await RUN[parsed.command](parsed.args)) ?? 0;
}
