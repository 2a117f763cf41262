#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { execCommand } from '../commands/exec.js';
import { completeFlags } from './complete-flags.js';
import { parseExecArgv } from './exec-argv.js';
import { execOptions } from './options.js';
import { run } from './run.js';

// The caller's environment as it came: run() sets a variable of its own in
// process.env, and the child must get the caller's, not ours.
// NODE_EXTRA_CA_CERTS goes back first (the launcher moved it, see src/aws/extra-ca.ts).
restoreExtraCaCerts('mfa-exec');
const callerEnv: NodeJS.ProcessEnv = { ...process.env };

// run() settles everything itself, ending with process.exit.
void run('mfa-exec', async () => {
  // Shell completion (shell/*: mfa-exec --get-yargs-completions mfa-exec WORDS...): the options, before `--`.
  if (process.argv[2] === '--get-yargs-completions') {
    const words = process.argv.slice(4);
    if (words.includes('--')) return 0;
    const lines = completeFlags(execOptions, words.at(-1) ?? '', ['--help', '--version']);
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const { args, command, meta } = parseExecArgv(process.argv.slice(2));
  if (meta) return (await import('./exec-help.js')).showExecHelp(meta);
  return execCommand(args, command, callerEnv);
});
