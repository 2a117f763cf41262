// Test seams for the built CLI, outside the product. A test that needs one
// runs mfa-env with NODE_OPTIONS="--import <this file>" (harnessEnv() in
// test/helpers/cli.ts) and the seam's variable; the product knows of neither.
//
//   MFA_ENV_HARNESS_CRASH_BEFORE_RENAME=NAME  SIGKILL the process just before
//       it renames a temp file onto a file called NAME: a crash between an
//       atomic write's write and its rename (src/fs/atomic.ts).
//   MFA_ENV_HARNESS_DELAY_BEFORE_RENAME_MS=N  wait N ms (at most 5 s) before
//       each such rename: widens a read-modify-write window so that
//       concurrent writers overlap.
//
// fs.renameSync is wrapped, and syncBuiltinESMExports() hands the wrapper to
// code that imported it by name.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const crashOn = process.env.MFA_ENV_HARNESS_CRASH_BEFORE_RENAME;
const delayMs = Number(process.env.MFA_ENV_HARNESS_DELAY_BEFORE_RENAME_MS) || 0;
// Not inherited by what mfa-env starts (mfa-exec's command, mfa_process).
delete process.env.MFA_ENV_HARNESS_CRASH_BEFORE_RENAME;
delete process.env.MFA_ENV_HARNESS_DELAY_BEFORE_RENAME_MS;
const options = (process.env.NODE_OPTIONS ?? '').replace(`--import=${import.meta.url}`, '').trim();
if (options) process.env.NODE_OPTIONS = options;
else delete process.env.NODE_OPTIONS;

if (crashOn || delayMs > 0) {
  const renameSync = fs.renameSync;
  fs.renameSync = function harnessRenameSync(from, to) {
    if (String(from).endsWith('.tmp')) {
      if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(delayMs, 5000));
      if (crashOn && basename(String(to)) === crashOn) process.kill(process.pid, 'SIGKILL');
    }
    return renameSync.call(this, from, to);
  };
  syncBuiltinESMExports();
}
