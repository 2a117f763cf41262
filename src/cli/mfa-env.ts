#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { exportCommand } from '../commands/export.js';
import { fastExportArgs } from './fast-args.js';
import { run } from './run.js';

// The common case (an export) goes straight to the export command, loaded
// with the entry (see src/cli/hot.ts); everything else loads the full yargs
// command line. run() settles everything itself, ending with process.exit.
restoreExtraCaCerts('mfa-env'); // first: see src/aws/extra-ca.ts
const argv = process.argv.slice(2);
void run('mfa-env', async () => {
  const fast = fastExportArgs(argv);
  if (fast) return exportCommand(fast);
  return (await import('./yargs-cli.js')).main(argv);
});
