import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * mfa-env writes only regular files: a temp file next to the target, then a
 * rename over it. Aimed at a device (`/dev/null`), a FIFO or a socket, that
 * rename would replace the device itself with a plain file holding secrets.
 */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';

  constructor(
    /** The path as the user named it. */
    readonly path: string,
    /** Where its links lead, when that is elsewhere. */
    readonly target: string,
    /** "a character device", "a directory"… */
    readonly kind: string,
  ) {
    super(`${path}${target !== path ? ` (a link to ${target})` : ''} is ${kind}, not a regular file`);
  }
}

function kindOf(st: Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The file a write to `path` must replace: `path` itself, or where its
 * symlinks lead (a dotfiles checkout), even when the last one dangles (the
 * link is kept and its target created). Throws NotRegularFileError when that
 * is anything but a regular file or nothing yet.
 */
export function writeTarget(path: string): string {
  let at = path;
  for (let hops = 0; hops <= 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return at; // a new file
      throw err;
    }
    if (st.isFile()) return at;
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${at} is a directory`), { code: 'EISDIR' });
    if (!st.isSymbolicLink()) throw new NotRegularFileError(path, at, kindOf(st));
    at = resolve(dirname(at), readlinkSync(at));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
}
