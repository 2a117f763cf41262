// Reading a file the user points mfa-env at (the AWS files, a CA bundle)
// without hanging on what is not a regular file. readFileSync opens a named
// pipe and waits for a writer that may never come, and reads /dev/zero or a
// terminal until memory runs out. Here:
//
// - a regular file is read as it is;
// - a character or block device reads as empty (/dev/null, the usual way to
//   say "no config", is exactly that; /dev/zero or a disk are never read);
// - a pipe or socket is opened without waiting: with no writer it reads as
//   empty at once, and a writer (a shell's <(…) process substitution) gets
//   PIPE_DEADLINE_MS to finish, then the read fails with ETIMEDOUT; at most
//   PIPE_MAX_BYTES (EFBIG beyond);
// - a directory is EISDIR, as readFileSync says.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

const PIPE_DEADLINE_MS = 3000;
const PIPE_MAX_BYTES = 16 << 20;
const POLL_MS = 10;

const pause = new Int32Array(new SharedArrayBuffer(4));

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function readPipe(fd: number, path: string): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  const deadline = Date.now() + PIPE_DEADLINE_MS;
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      if (Date.now() > deadline)
        throw fsError('ETIMEDOUT', `${path} is a pipe whose writer did not finish within ${PIPE_DEADLINE_MS / 1000} s`);
      Atomics.wait(pause, 0, 0, POLL_MS);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    if (total > PIPE_MAX_BYTES) throw fsError('EFBIG', `${path} is a pipe that gave more than 16 MiB`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
}

/**
 * What a pipe gave, by path, for the rest of the run: a pipe can be read
 * once, and mfa-env reads an AWS file more than once (doctor, the checks
 * behind "not set up"); a second read would find it empty.
 */
const piped = new Map<string, Buffer | NodeJS.ErrnoException>();

/** The bytes of `path` (a link is followed), by the rules above; fs errors as readFileSync throws them. */
export function readUserFile(path: string): Buffer {
  const earlier = piped.get(path);
  if (earlier instanceof Buffer) return earlier;
  if (earlier) throw earlier;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return readFileSync(fd);
    if (st.isDirectory()) throw fsError('EISDIR', `illegal operation on a directory, read '${path}'`);
    if (st.isCharacterDevice() || st.isBlockDevice()) return Buffer.alloc(0);
    try {
      const bytes = readPipe(fd, path);
      piped.set(path, bytes);
      return bytes;
    } catch (err) {
      piped.set(path, err as NodeJS.ErrnoException);
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}
