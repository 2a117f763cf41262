#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { execCommand } from '../commands/exec.js';
import { enableDebug } from '../debug.js';
import { answerCompletion } from './complete.js';
import { parseExec } from './parse.js';
import { run } from './run.js';

// The caller's environment as it came: run() sets a variable of its own in
// process.env, and the child must get the caller's, not ours.
// NODE_EXTRA_CA_CERTS goes back first (the launcher moved it, see src/aws/extra-ca.ts).
restoreExtraCaCerts('mfa-exec');
const callerEnv: NodeJS.ProcessEnv = { ...process.env };

// run() settles everything itself, ending with process.exit.
void run('mfa-exec', async () => {
  // Shell completion (shell/*: mfa-exec --get-yargs-completions mfa-exec WORDS...): the options, before `--`.
  if (process.argv[2] === '--get-yargs-completions')
    return answerCompletion('mfa-exec', process.argv.slice(4), process.env.MFA_ENV_COMPLETE_DESCRIPTIONS === '1');
  const { args, command, meta, debug } = parseExec(process.argv.slice(2));
  if (debug) enableDebug();
  if (meta) return (await import('./exec-help.js')).showExecHelp(meta);
  return execCommand(args, command, callerEnv);
});
