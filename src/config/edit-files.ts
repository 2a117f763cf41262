import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { acquireLock, FILE_LOCK_TIMEOUT_MS } from '../fs/lock.js';
import { awsConfigFile, awsCredentialsFile } from './paths.js';

export type AwsFile = 'config' | 'credentials';

export function pathOf(file: AwsFile, env = process.env): string {
  return file === 'config' ? awsConfigFile(env) : awsCredentialsFile(env);
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/**
 * Read-modify-write of an AWS file under a lock (two shells never lose each
 * other's change), written atomically with its mode kept (0600 when new).
 * A lock held too long is a LockTimeoutError (exit 4), like the store's.
 */
export async function updateAwsFile(path: string, change: (text: string) => string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const release = await acquireLock(`${path}.mfa-env.lock`, { timeoutMs: FILE_LOCK_TIMEOUT_MS, purpose: `editing ${basename(path)}` });
  try {
    const before = readText(path);
    const after = change(before);
    if (after !== before) writeFileAtomic(path, after, 0o600);
  } finally {
    release();
  }
}
