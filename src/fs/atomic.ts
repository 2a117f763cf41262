import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isPidAlive } from '../os/processes.js';
import { currentIdentity, sameIdentity, type FileIdentity } from './file-identity.js';
import { randomHex } from './random.js';
import { writeTarget } from './write-target.js';

/**
 * The file is no longer the version the writer read (`expected`): another
 * writer replaced it meanwhile (one that took over the lock of a stopped
 * holder, a person in an editor). Nothing was written; read it again.
 */
export class FileChangedError extends Error {
  readonly code = 'ECHANGED';

  constructor(readonly path: string) {
    super(`${path} changed while it was being updated`);
  }
}

/**
 * Replace `path` with `content` so that a crash at any moment leaves either
 * the old file or the new one, never half of either: write a temp file in the
 * same directory (same filesystem, so rename is atomic), fsync, rename.
 * The mode, owner and group are the existing file's when there is one, else
 * `mode` (see keepOwner). A symlink (a dotfiles checkout) is followed: its
 * target is replaced, the link kept. Only a regular file is ever replaced
 * (NotRegularFileError). With `expected`, the file must still be that
 * version right before the rename (FileChangedError otherwise).
 */
export function writeFileAtomic(link: string, content: string | Buffer, mode = 0o600, expected?: FileIdentity): void {
  const path = writeTarget(link);
  let finalMode = mode;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    finalMode = st.mode & 0o777;
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    // new file: keep the requested mode
    owner = newFileOwner(dirname(path));
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  const fd = openSync(tmp, 'wx', finalMode);
  try {
    if (owner) keepOwner(fd, owner);
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
    // Under the caller's lock, but a holder stopped for long has lost its lock
    // to another writer: never rename an old read over a newer file.
    if (expected !== undefined && !sameIdentity(currentIdentity(path), expected)) throw new FileChangedError(path);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  removeDeadTemps(path);
}

/**
 * root editing a user's file (sudo with the user's HOME) must leave it the
 * user's: a root-owned ~/.aws/credentials is one the user can no longer
 * read. So the replacement gets the old file's owner and group; a new file
 * written by root gets its directory's. Others can only keep what the
 * kernel lets them (their own uid, a group they are in).
 */
function keepOwner(fd: number, owner: { uid: number; gid: number }): void {
  if (owner.uid === process.geteuid?.() && owner.gid === process.getegid?.()) return;
  try {
    fchownSync(fd, owner.uid, owner.gid);
  } catch {
    try {
      fchownSync(fd, -1, owner.gid);
    } catch {
      // not ours to give away: the file becomes the writer's, as a rename does
    }
  }
}

function newFileOwner(dir: string): { uid: number; gid: number } | undefined {
  if (process.geteuid?.() !== 0) return undefined;
  try {
    const st = statSync(dir);
    return st.uid === 0 ? undefined : { uid: st.uid, gid: st.gid };
  } catch {
    return undefined;
  }
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
