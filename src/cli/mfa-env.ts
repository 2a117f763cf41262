#!/usr/bin/env node
import { fastExportArgs } from './fast-args.js';
import { run } from './run.js';

// The entry stays tiny: the common case (an export) goes straight to the
// export command; everything else loads the full yargs command line.
const argv = process.argv.slice(2);
await run('mfa-env', async () => {
  const fast = fastExportArgs(argv);
  if (fast) return (await import('../commands/export.js')).exportCommand(fast);
  return (await import('./yargs-cli.js')).main(argv);
});
