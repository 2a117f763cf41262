import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { acquireLock, FILE_LOCK_TIMEOUT_MS } from '../fs/lock.js';
import { MfaEnvError } from '../errors.js';
import { awsFileError } from './file-errors.js';
import { awsConfigFile, awsCredentialsFile } from './paths.js';

export type AwsFile = 'config' | 'credentials';

export function pathOf(file: AwsFile, env = process.env): string {
  return file === 'config' ? awsConfigFile(env) : awsCredentialsFile(env);
}

/** The environment variable that points at this AWS file (for the fix in an error). */
export function variableOf(path: string, env = process.env): string {
  return path === awsConfigFile(env) ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE';
}

/** The file's text, '' when it does not exist; a file that cannot be read is a typed error (exit 2). */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw awsFileError(err, path, 'read', variableOf(path));
  }
}

/**
 * Read-modify-write of an AWS file under a lock (two shells never lose each
 * other's change), written atomically with its mode kept (0600 when new).
 * A lock held too long is a LockTimeoutError (exit 4), like the store's.
 */
export async function updateAwsFile(path: string, change: (text: string) => string): Promise<void> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw awsFileError(err, dirname(path), 'write', variableOf(path));
  }
  const release = await acquireLock(`${path}.mfa-env.lock`, { timeoutMs: FILE_LOCK_TIMEOUT_MS, purpose: `editing ${basename(path)}` }).catch((err: unknown) => {
    throw err instanceof MfaEnvError ? err : awsFileError(err, dirname(path), 'write', variableOf(path));
  });
  try {
    const before = readText(path);
    const after = change(before);
    if (after !== before) {
      try {
        writeFileAtomic(path, after, 0o600);
      } catch (err) {
        throw awsFileError(err, path, 'write', variableOf(path));
      }
    }
  } finally {
    release();
  }
}
