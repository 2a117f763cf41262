import { closeSync, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replace `path` with `content` so that a crash at any moment leaves either
 * the old file or the new one, never half of either: write a temp file in the
 * same directory (same filesystem, so rename is atomic), fsync, rename.
 * The mode is the existing file's when there is one, else `mode`. A symlink
 * (a dotfiles checkout) is followed: its target is replaced, the link kept.
 */
export function writeFileAtomic(link: string, content: string | Buffer, mode = 0o600): void {
  const path = resolveLink(link);
  let finalMode = mode;
  try {
    finalMode = statSync(path).mode & 0o777;
  } catch {
    // new file: keep the requested mode
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', finalMode);
  try {
    fchmodSync(fd, finalMode); // open()'s mode is filtered by the umask; the file's own mode is not
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  const delay = Number(process.env.MFA_ENV_TEST_DELAY_BEFORE_RENAME_MS);
  if (delay > 0) {
    // Test hook: widen the read-modify-write window so that concurrent writers overlap.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(delay, 5000));
  }
  if (process.env.MFA_ENV_TEST_CRASH_BEFORE_RENAME === basename(path)) {
    // Test hook: simulate a crash between write and rename (see test/integration/write-profile).
    process.kill(process.pid, 'SIGKILL');
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function resolveLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // does not exist yet (or a dangling link): write it as named
  }
}
