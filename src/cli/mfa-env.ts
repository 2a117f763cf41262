#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { enableDebug } from '../debug.js';
import { answerCompletion } from './complete.js';
import { parseMfaEnv } from './parse.js';
import { run } from './run.js';

// The entry stays tiny: the common case (an export) goes straight to the
// export command; other commands, --help and --version load the rest of the
// command line (src/cli/commands.ts) lazily.
// Not awaited: the entry is bundled as CommonJS (no top-level await), and
// run() settles everything itself, ending with process.exit.
restoreExtraCaCerts('mfa-env'); // first: see src/aws/extra-ca.ts
const argv = process.argv.slice(2);
void run('mfa-env', async () => {
  // Shell completion (shell/*: mfa-env --get-yargs-completions mfa-env WORDS...).
  if (argv[0] === '--get-yargs-completions') return answerCompletion('mfa-env', argv.slice(2), process.env.MFA_ENV_COMPLETE_DESCRIPTIONS === '1');
  const parsed = parseMfaEnv(argv);
  if (parsed.debug) enableDebug();
  if (parsed.command === 'export' && !parsed.meta) return (await import('../commands/export.js')).exportCommand(parsed.args);
  return (await import('./commands.js')).main(parsed);
});
