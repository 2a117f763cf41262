import { lstatSync, statSync, type Stats } from 'node:fs';
import { StoreError } from '../errors.js';
import { makeDir } from './make-dir.js';

export interface PrivateDirOptions {
  /**
   * May `dir` be a symlink? Yes for the store directory itself (the user
   * chose where it lives); no for a subdirectory such as `locks`, where
   * mfa-env deletes stale files: followed, a link would aim those deletions
   * anywhere.
   */
  allowLink: boolean;
}

/**
 * `dir`, created 0700 when missing; refused (exit 4) when it is a link it
 * may not be, not a directory, or writable by the group or others — there,
 * anyone could replace the store file or plant and remove its locks. Refused
 * rather than tightened: the directory may be one the user shares on purpose,
 * and a chmod behind their back would surprise them either way.
 */
export function privateDir(dir: string, opts: PrivateDirOptions): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(dir, err);
    try {
      makeDir(dir, 0o700);
      return;
    } catch (err2) {
      throw cannot(dir, err2);
    }
  }
  if (st.isSymbolicLink()) {
    if (!opts.allowLink) {
      throw new StoreError(
        `${dir} is a symbolic link; mfa-env removes stale files there and does not follow links to do it`,
        `make it a directory: rm ${dir} && mkdir -m 700 ${dir}`,
      );
    }
    try {
      st = statSync(dir);
    } catch (err) {
      throw cannot(dir, err);
    }
  }
  if (!st.isDirectory())
    throw new StoreError(`${dir} is not a directory`, 'move it away, or set MFA_ENV_STORE_DIR to a directory');
  if ((st.mode & 0o022) !== 0) {
    const who = (st.mode & 0o002) !== 0 ? 'every user' : 'its group';
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    throw new StoreError(
      `${dir} is writable by ${who} (mode ${mode}): they could replace the store or its locks`,
      `chmod go-w ${dir}, or set MFA_ENV_STORE_DIR to a private directory`,
    );
  }
}

function cannot(dir: string, err: unknown): StoreError {
  return new StoreError(
    `cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    'set MFA_ENV_STORE_DIR to a writable directory',
  );
}
