// What went wrong with an AWS file, in words and with the fix: a file we
// cannot read or write is the user's to fix (exit 2), never an "unexpected
// error, please report it".
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { readUserFile } from '../fs/read-file.js';
import { writeTarget } from '../fs/write-target.js';

export interface FileProblem {
  detail: string;
  fix: string;
}

/** The problem an fs error on `path` is, for one of the AWS files (`variable` points elsewhere). */
export function describeFileError(err: unknown, path: string, action: 'read' | 'write', variable: string): FileProblem {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOTREG' && err instanceof Error) {
    // Never "chown /dev": the fix is to point the variable at a real file.
    return {
      detail: `${err.message}; mfa-env writes only regular files`,
      fix: `set ${variable} to a regular file, or remove the link if ${path} is one`,
    };
  }
  if (code === 'EISDIR')
    return { detail: `${path} is a directory, not a file`, fix: `move it away, or set ${variable} to the file` };
  if (code === 'ENOTDIR')
    return {
      detail: `cannot ${action} ${path}: a part of its path is a file, not a directory`,
      fix: `check the path, or set ${variable} to another file`,
    };
  if (code === 'EACCES' || code === 'EPERM') {
    const what = action === 'read' ? 'readable' : 'writable';
    return {
      detail: `cannot ${action} ${path}: permission denied`,
      fix: `make it yours and ${what} (made with sudo?): sudo chown "$USER" ${path} && chmod u+${action === 'read' ? 'r' : 'rw'} ${path}`,
    };
  }
  if ((code === 'ETIMEDOUT' || code === 'EFBIG') && err instanceof Error)
    return { detail: err.message.replace(/^\w+: /, ''), fix: `set ${variable} to a regular file` };
  if (code === 'EROFS')
    return {
      detail: `cannot write ${path}: read-only file system`,
      fix: `set ${variable} to a file on a writable file system`,
    };
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return { detail: `cannot write ${path}: no space left`, fix: 'free some space, then run this again' };
  const first = String((err as Error)?.message ?? err).split('\n')[0];
  return {
    detail: `cannot ${action} ${path}: ${code ?? first}`,
    fix: `check ${path}, or set ${variable} to another file`,
  };
}

/** The typed error for an fs error on an AWS file. */
export function awsFileError(err: unknown, path: string, action: 'read' | 'write', variable: string): UsageError {
  const p = describeFileError(err, path, action, variable);
  return new UsageError(p.detail, p.fix);
}

/**
 * The sections the AWS SDKs' parser refuses: one of them anywhere in a file
 * and the SDK (and so every AWS tool in JavaScript, and mfa-env's reader)
 * takes the whole file for empty, so every profile in it looks "not set up".
 */
const SDK_REFUSED_SECTIONS = new Set(['__proto__', 'profile __proto__']);

/** `[profile __proto__]` or `[__proto__]` when `text` has one, the way the SDK's parser reads a line. */
export function sdkRefusedSection(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const t = line.split(/(^|\s)[;#]/)[0]!.trim();
    if (t.startsWith('[') && t.endsWith(']') && SDK_REFUSED_SECTIONS.has(t.slice(1, -1))) return t;
  }
  return undefined;
}

/** What a refused section means, with the fix. */
export function refusedSectionProblem(path: string, section: string): FileProblem {
  return {
    detail: `${path} has a section ${section}, which makes the AWS SDKs ignore the whole file`,
    fix: `rename or delete ${section} in ${path}`,
  };
}

/** The typed error when `path` has a section the SDK refuses (a missing or unreadable file: none). */
export function assertNoRefusedSection(path: string): void {
  let text: string;
  try {
    text = readUserFile(path).toString('utf8');
  } catch {
    return;
  }
  const section = sdkRefusedSection(text);
  if (section) {
    const p = refusedSectionProblem(path, section);
    throw new UsageError(p.detail, p.fix);
  }
}

/** A file that exists but cannot be read is the typed error; a missing one is fine. */
export function assertReadable(path: string, variable: string): void {
  try {
    readUserFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw awsFileError(err, path, 'read', variable);
  }
}

/**
 * Before anything is stored: can `path` be read and replaced (its directory
 * written, since the write is a rename)? Throws the typed error when not.
 */
export function assertWritable(path: string, variable: string): void {
  try {
    writeTarget(path);
  } catch (err) {
    throw awsFileError(err, path, 'write', variable);
  }
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw awsFileError(err, path, 'write', variable);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw awsFileError(err, dir, 'write', variable);
  }
}
