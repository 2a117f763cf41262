#!/usr/bin/env node
import { parseExecArgv } from './exec-argv.js';
import { run } from './run.js';

// The caller's environment as it came: run() sets a variable of its own in
// process.env, and the child must get the caller's, not ours.
const callerEnv: NodeJS.ProcessEnv = { ...process.env };

// Not awaited: the entry is bundled as CommonJS (no top-level await), and
// run() settles everything itself, ending with process.exit.
void run('mfa-exec', async () => {
  const { args, command, meta } = parseExecArgv(process.argv.slice(2));
  if (meta) return (await import('./exec-help.js')).showExecHelp(meta);
  return (await import('../commands/exec.js')).execCommand(args, command, callerEnv);
});
