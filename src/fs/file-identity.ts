import { closeSync, fstatSync, lstatSync, openSync, readFileSync, type BigIntStats } from 'node:fs';

/**
 * Which version of a file a writer read: every write here is a rename of a
 * new file, so a changed inode, size or ctime means someone else wrote it
 * since. `null`: the file did not exist.
 */
export type FileIdentity = { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint } | null;

function identityOf(st: BigIntStats): NonNullable<FileIdentity> {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  if (a === null || b === null) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The file's bytes and the identity of exactly those bytes (one open file); undefined bytes when it does not exist. */
export function readWithIdentity(path: string): { bytes: Buffer | undefined; identity: FileIdentity } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: undefined, identity: null };
    throw err;
  }
  try {
    const identity = identityOf(fstatSync(fd, { bigint: true }));
    return { bytes: readFileSync(fd), identity };
  } finally {
    closeSync(fd);
  }
}

/** The identity `path` (not followed if a link) has now. */
export function currentIdentity(path: string): FileIdentity {
  try {
    return identityOf(lstatSync(path, { bigint: true }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
