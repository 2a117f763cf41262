#!/usr/bin/env node
import { restoreExtraCaCerts } from '../aws/extra-ca.js';
import { fastExportArgs } from './fast-args.js';
import { run } from './run.js';

// The entry stays tiny: the common case (an export) goes straight to the
// export command; everything else loads the full yargs command line.
// Not awaited: the entry is bundled as CommonJS (no top-level await), and
// run() settles everything itself, ending with process.exit.
restoreExtraCaCerts('mfa-env'); // first: see src/aws/extra-ca.ts
const argv = process.argv.slice(2);
void run('mfa-env', async () => {
  const fast = fastExportArgs(argv);
  if (fast) return (await import('../commands/export.js')).exportCommand(fast);
  return (await import('./yargs-cli.js')).main(argv);
});
