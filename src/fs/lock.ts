import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** A lock older than this whose owner is gone is taken over. */
  staleMs: number;
  /** Called once when we start waiting for someone else's lock. */
  onWait?: () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ownerAlive(path: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * An advisory lock file holding the owner's pid, created with O_EXCL.
 * A lock whose owner died (kill -9 in the middle of a prompt) is taken over
 * at once; one whose owner is alive but older than `staleMs` too, so a wedged
 * process never blocks the others for ever. Returns the release function.
 */
export async function acquireLock(path: string, opts: LockOptions): Promise<() => void> {
  const deadline = Date.now() + opts.timeoutMs;
  let waited = false;
  for (;;) {
    if (tryCreate(path)) {
      return () => rmSync(path, { force: true });
    }
    let age = 0;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      continue; // released between our open and stat: try again at once
    }
    // A lock younger than 50 ms may not have its pid written yet.
    if (age > 50 && (!ownerAlive(path) || age > opts.staleMs)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for lock ${path}`);
    }
    if (!waited) {
      waited = true;
      opts.onWait?.();
    }
    await sleep(25 + Math.floor(Math.random() * 25));
  }
}
