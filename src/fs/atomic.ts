import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replace `path` with `content` so that a crash at any moment leaves either
 * the old file or the new one, never half of either: write a temp file in the
 * same directory (same filesystem, so rename is atomic), fsync, rename.
 * The mode is the existing file's when there is one, else `mode`.
 */
export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o600): void {
  let finalMode = mode;
  try {
    finalMode = statSync(path).mode & 0o777;
  } catch {
    // new file: keep the requested mode
  }
  const tmp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', finalMode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
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
  removeDeadWritersTemps(path);
}

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A writer killed between write and rename leaves its temp file behind (the
 * target itself is intact). Remove those of writers that are gone, so crashes
 * do not pile up copies of the file next to it.
 */
function removeDeadWritersTemps(path: string): void {
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}
