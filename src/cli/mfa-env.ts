#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { exportCommand } from '../commands/export.js';
import { enableDebug } from '../debug.js';
import { answerCompletion } from './complete.js';
import { parseMfaEnv } from './parse.js';
import { run } from './run.js';

// The common case (an export) goes straight to the export command, loaded
// with the entry (see src/cli/hot.ts); other commands, --help and --version
// load the rest of the command line (src/cli/commands.ts) lazily.
// run() settles everything itself, ending with process.exit.
restoreExtraCaCerts('mfa-env'); // first: see src/aws/extra-ca.ts
const argv = process.argv.slice(2);
void run('mfa-env', async () => {
  // Shell completion (shell/*: mfa-env --get-yargs-completions mfa-env WORDS...).
  if (argv[0] === '--get-yargs-completions')
    return answerCompletion('mfa-env', argv.slice(2), process.env.MFA_ENV_COMPLETE_DESCRIPTIONS === '1');
  const parsed = parseMfaEnv(argv);
  if (parsed.debug) enableDebug();
  if (parsed.command === 'export' && !parsed.meta) return exportCommand(parsed.args);
  return (await import('./commands.js')).main(parsed);
});
