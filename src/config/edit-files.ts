import { basename, dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { readUserFile } from '../fs/read-file.js';
import { readWithIdentity } from '../fs/file-identity.js';
import { makeDir } from '../fs/make-dir.js';
import { acquireLock, FILE_LOCK_TIMEOUT_MS } from '../fs/lock.js';
import { writeTarget } from '../fs/write-target.js';
import { ExitCode, MfaEnvError } from '../errors.js';
import { awsFileError } from './file-errors.js';
import { decodeText, encodeText } from './file-text.js';
import { inFile } from './ini-edit.js';
import { awsConfigFile, awsCredentialsFile } from './paths.js';

export type AwsFile = 'config' | 'credentials';

export function pathOf(file: AwsFile, env = process.env): string {
  return file === 'config' ? awsConfigFile(env) : awsCredentialsFile(env);
}

/** The environment variable that points at this AWS file (for the fix in an error). */
export function variableOf(path: string, env = process.env): string {
  return path === awsConfigFile(env) ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE';
}

/**
 * The file's text, '' when it does not exist; a file that cannot be read is
 * a typed error (exit 2). Bytes that are not UTF-8 survive an edit (file-text.ts).
 */
export function readText(path: string): string {
  try {
    return decodeText(readUserFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw awsFileError(err, path, 'read', variableOf(path));
  }
}

/** How many times a write starts over when another writer replaced the file under it. */
const WRITE_ATTEMPTS = 5;

/**
 * Read-modify-write of an AWS file under a lock (two shells never lose each
 * other's change), written atomically with its mode, owner and group kept
 * (0600 when new). A lock held too long is a LockTimeoutError (exit 4), like
 * the store's. Only a regular file is written (a link to one is followed):
 * anything else is a usage error before any lock or temp file.
 *
 * A holder stopped for longer than the lock's staleness (Ctrl-Z) loses the
 * lock to another writer; when it resumes, the file is no longer the one it
 * read, and it starts over (read, change, write) instead of renaming its
 * stale copy over the other's change.
 */
export async function updateAwsFile(path: string, change: (text: string) => string): Promise<void> {
  try {
    writeTarget(path);
    makeDir(dirname(path), 0o700);
  } catch (err) {
    throw awsFileError(
      err,
      (err as NodeJS.ErrnoException).code === 'ENOTREG' ? path : dirname(path),
      'write',
      variableOf(path),
    );
  }
  for (let attempt = 1; ; attempt++) {
    const release = await acquireLock(`${path}.mfa-env.lock`, {
      timeoutMs: FILE_LOCK_TIMEOUT_MS,
      purpose: `editing ${basename(path)}`,
      liveOwnerKeeps: true,
    }).catch((err: unknown) => {
      throw err instanceof MfaEnvError ? err : awsFileError(err, dirname(path), 'write', variableOf(path));
    });
    try {
      let read: ReturnType<typeof readWithIdentity>;
      try {
        read = readWithIdentity(path);
      } catch (err) {
        throw awsFileError(err, path, 'read', variableOf(path));
      }
      const before = read.bytes ? decodeText(read.bytes) : '';
      let after: string;
      try {
        after = change(before);
      } catch (err) {
        throw inFile(err, path);
      }
      if (after === before) return;
      try {
        writeFileAtomic(path, encodeText(after), 0o600, read.identity);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECHANGED')
          throw awsFileError(err, path, 'write', variableOf(path));
        if (attempt >= WRITE_ATTEMPTS) {
          throw new MfaEnvError(
            `${path} kept changing while mfa-env was writing it; nothing was written`,
            ExitCode.store,
            'run this again when the other writers are done',
          );
        }
      }
    } finally {
      release();
    }
  }
}
