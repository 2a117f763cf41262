import { closeSync, fchmodSync, fsyncSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isPidAlive } from '../os/processes.js';
import { randomHex } from './random.js';

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
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
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
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  removeDeadTemps(path);
}

/**
 * A writer killed between write and rename leaves its temp file behind: a
 * full copy of the file (for the credentials file, session keys included).
 * Remove those whose writer is gone; a live writer's pid is still running.
 */
function removeDeadTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (m && !isPidAlive(Number(m[1]))) rmSync(join(dirname(path), name), { force: true });
  }
}

function resolveLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // does not exist yet (or a dangling link): write it as named
  }
}
