import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomHex } from './random.js';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** A lock older than this whose owner is gone is taken over. */
  staleMs: number;
  /** Called once when we start waiting for someone else's lock. */
  onWait?: () => void;
}

/** Thrown when the lock is still held by someone else at `timeoutMs`. */
export class LockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for lock ${path}`);
    this.name = 'LockTimeoutError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readOwner(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function ownerAlive(content: string): boolean {
  const pid = Number.parseInt(content, 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Snapshot {
  ino: number;
  mtimeMs: number;
  content: string;
}

function snapshot(path: string): Snapshot | undefined {
  try {
    const before = statSync(path);
    const content = readFileSync(path, 'utf8');
    const after = statSync(path);
    // Replaced or written while we read: no consistent view.
    if (before.ino !== after.ino || before.mtimeMs !== after.mtimeMs) return undefined;
    return { ino: after.ino, mtimeMs: after.mtimeMs, content };
  } catch {
    return undefined;
  }
}

function sameSnapshot(a: Snapshot | undefined, b: Snapshot): boolean {
  return a !== undefined && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.content === b.content;
}

function tryCreate(path: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, token);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
  return true;
}

/**
 * Removes the lock file only if it is still the one whose content we judged
 * stale. Two waiters may judge the same dead owner's lock stale at once; a
 * plain rm by the slower one would delete the lock the faster one has just
 * created. So: move it aside (atomic, only one mover gets a given file), look
 * at what we moved, and put it back if it was not the stale one.
 */
function removeIfStill(path: string, stale: Snapshot): void {
  const aside = `${path}.${process.pid}.${randomHex(4)}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: someone released or took it over
  }
  if (sameSnapshot(snapshot(aside), stale)) {
    rmSync(aside, { force: true });
    return;
  }
  // We moved a live lock: restore it unless someone created a new one meanwhile.
  try {
    linkSync(aside, path);
  } catch {
    // EEXIST: another lock is in place now; the displaced owner's release will not touch it.
  }
  rmSync(aside, { force: true });
}

/**
 * An advisory lock file holding the owner's pid (and a nonce), created with
 * O_EXCL. A lock whose owner died (kill -9 in the middle of a prompt) is
 * taken over at once; one whose owner is alive but older than `staleMs` too,
 * so a wedged process never blocks the others for ever. Returns the release
 * function, which removes the lock only while it is still ours.
 */
export async function acquireLock(path: string, opts: LockOptions): Promise<() => void> {
  const deadline = Date.now() + opts.timeoutMs;
  const token = `${process.pid}\n${randomHex(8)}\n`;
  let waited = false;
  for (;;) {
    if (tryCreate(path, token)) {
      return () => {
        if (readOwner(path) === token) rmSync(path, { force: true });
      };
    }
    // undefined: released or replaced while we looked (try again soon), or
    // unreadable (someone else's file: wait, and time out like any holder).
    const held = snapshot(path);
    const age = held ? Date.now() - held.mtimeMs : 0;
    // A lock younger than 50 ms may not have its pid written yet.
    if (held && age > 50 && (!ownerAlive(held.content) || age > opts.staleMs)) {
      removeIfStill(path, held);
      continue;
    }
    if (Date.now() > deadline) {
      throw new LockTimeoutError(path);
    }
    if (!waited) {
      waited = true;
      opts.onWait?.();
    }
    await sleep(held ? 25 + Math.floor(Math.random() * 25) : 5);
  }
}
