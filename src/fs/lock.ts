import {
  closeSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { ExitCode, MfaEnvError } from '../errors.js';
import { isPidAlive, readProcStat, terminalOf } from '../os/processes.js';
import { randomHex } from './random.js';

/** An owner that has not touched its lock for this long is gone (see acquireLock). */
export const STALE_MS = 10_000;
/** How long to wait for a file lock (the store, the AWS files): its owners hold it for milliseconds. */
export const FILE_LOCK_TIMEOUT_MS = 20_000;

export interface LockOptions {
  /** Give up waiting after this long (LockTimeoutError). Longer than staleMs. */
  timeoutMs: number;
  /** A lock its owner has not touched for this long is taken over; default STALE_MS. */
  staleMs?: number;
  /** What an owner does with the lock, for the timeout message: "minting a session for profile 'dev'". */
  purpose?: string;
  /** Called once when we start waiting for someone else's lock, with who holds it when that can be told ("pid 123 on /dev/pts/4"). */
  onWait?: (holder?: string) => void;
  /**
   * An owner that is still running keeps its lock however long it has been
   * silent: stopped (Ctrl-Z, SIGSTOP), or resumed and not yet back to
   * refreshing it. It will finish its write, and a writer that took its lock
   * meanwhile would be overwritten by it. For the locks of files (the store,
   * the AWS files), held for milliseconds; not for a mint, where a second
   * mint is harmless and a prompt may be suspended for long. Linux only: the
   * owner's start time (in the lock) tells it from a process that got its pid
   * after a crash; elsewhere a silent owner is taken over after staleMs.
   */
  liveOwnerKeeps?: boolean;
}

/**
 * The lock stayed held by a live owner (it kept the lock fresh, or it keeps
 * it anyway: liveOwnerKeeps) for all of `timeoutMs`: that process is still
 * at it. Exit 4, "locked".
 */
export class LockTimeoutError extends MfaEnvError {
  constructor(
    readonly path: string,
    /** The owner's pid, unless the lock file could never be read. */
    readonly ownerPid: number | undefined,
    waitedMs: number,
    purpose: string | undefined,
    stopped = false,
  ) {
    const [message, hint] = timeoutWords(path, ownerPid, duration(waitedMs), purpose, stopped);
    super(message, ExitCode.store, hint);
  }
}

function timeoutWords(
  path: string,
  ownerPid: number | undefined,
  waited: string,
  purpose: string | undefined,
  stopped: boolean,
): [string, string] {
  if (stopped) {
    return [
      `${path} is locked by mfa-env pid ${ownerPid}, which is stopped (Ctrl-Z?)${purpose ? ` while ${purpose}` : ''}; gave up waiting after ${waited}`,
      `resume it (fg in its terminal, or kill -CONT ${ownerPid}) or end it (kill ${ownerPid}), then run this again`,
    ];
  }
  if (ownerPid === undefined) {
    return [
      `${path} is locked by a process whose lock file mfa-env cannot read (another user's?), and it keeps it fresh; gave up waiting after ${waited}`,
      `if no mfa-env of any user is running, delete ${path}`,
    ];
  }
  return [
    `${path} is locked by another mfa-env (pid ${ownerPid})${purpose ? `, ${purpose}` : ''}; gave up waiting after ${waited}`,
    `let that one finish or stop it (kill ${ownerPid}), then run this again`,
  ];
}

function duration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Number((ms / 1000).toFixed(1))} s`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readOwner(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** "pid 123 on /dev/pts/4": where a person can find the process that holds a lock. */
function describeHolder(pid: number): string {
  const tty = terminalOf(pid);
  return `pid ${pid}${tty ? ` on ${tty}` : ''}`;
}

/** Stopped by a signal or a tracer (Linux; elsewhere never said). */
function isStopped(pid: number): boolean {
  return /^[Tt]$/.test(readProcStat(pid)?.state ?? '');
}

/** (Linux) When the process started, which tells it from a later one with its pid. */
function startTime(pid: number | 'self'): string | undefined {
  return readProcStat(pid)?.startTime || undefined;
}

/**
 * The lock's owner as far as can be told: 'gone' (its pid does not run, or
 * runs a process started at another time), 'same' (that very process runs),
 * 'unknown' (the pid runs; no start time to compare).
 */
function ownerOf(content: string): { pid: number; state: 'gone' | 'same' | 'unknown' } {
  const [pidText, , started] = content.split('\n');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!ownerAlive(content)) return { pid, state: 'gone' };
  if (!started) return { pid, state: 'unknown' };
  const now = startTime(pid);
  if (now === undefined) return { pid, state: 'unknown' };
  return { pid, state: now === started ? 'same' : 'gone' };
}

function ownerAlive(content: string): boolean {
  const pid = Number.parseInt(content, 10);
  return Number.isInteger(pid) && pid > 0 && isPidAlive(pid);
}

interface Snapshot {
  ino: number;
  mtimeMs: number;
  /** undefined: there, but not readable (another user's file, a dangling link): judged by its age alone. */
  content: string | undefined;
}

function snapshot(path: string): Snapshot | undefined {
  try {
    const before = lstatSync(path);
    if (before.isDirectory()) return undefined; // not a lock file of ours: never removed, waited on
    let content: string | undefined;
    try {
      content = readFileSync(path, 'utf8');
    } catch {
      content = undefined;
    }
    const after = lstatSync(path);
    // Replaced or written while we read: no consistent view.
    if (before.ino !== after.ino || before.mtimeMs !== after.mtimeMs) return undefined;
    return { ino: after.ino, mtimeMs: after.mtimeMs, content };
  } catch {
    return undefined; // gone: released meanwhile
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
 * O_EXCL. The rules, the same for every lock:
 *
 * - The owner touches the file every staleMs/4 for as long as it holds it,
 *   however long that is (a person typing a code, a key waiting for a
 *   touch): the file's age is the time since its owner last showed life.
 * - A lock whose owner's pid is not running (kill -9, a crash) is taken over
 *   at once.
 * - One whose pid runs but that nobody touched for `staleMs` is taken over
 *   too: after a crash the pid may belong to another program now, or the
 *   owner is stopped (Ctrl-Z) or wedged. Except, with `liveOwnerKeeps`, an
 *   owner known to be the very process that took the lock: it is waited
 *   for (and named in the timeout, stopped or not).
 * - Otherwise the owner is alive and working: wait, up to `timeoutMs`, then
 *   LockTimeoutError. staleMs < timeoutMs, so a waiter always outlives a
 *   silent lock: a timeout only ever means a live owner still at it.
 *
 * Returns the release function, which removes the lock only while it is
 * still ours.
 */
export async function acquireLock(path: string, opts: LockOptions): Promise<() => void> {
  const staleMs = opts.staleMs ?? STALE_MS;
  if (!(staleMs < opts.timeoutMs)) {
    throw new RangeError(`acquireLock: staleMs (${staleMs}) must be shorter than timeoutMs (${opts.timeoutMs})`);
  }
  const started = Date.now();
  // pid, nonce, and (Linux) our start time, by which a waiter tells us from a later process with our pid.
  const token = `${process.pid}\n${randomHex(8)}\n${startTime('self') ?? ''}\n`;
  let waited = false;
  let owner: number | undefined;
  for (;;) {
    if (tryCreate(path, token)) return holdFresh(path, token, staleMs / 4);
    // undefined: released or replaced while we looked (try again soon).
    const held = snapshot(path);
    if (held?.content !== undefined) owner = Number.parseInt(held.content, 10);
    const age = held ? Date.now() - held.mtimeMs : 0;
    // A lock younger than 50 ms may not have its pid written yet. One we
    // cannot read (left by root's mfa-env, say) has no pid to look at: its
    // age alone says whether an owner still keeps it fresh.
    const who = held?.content !== undefined ? ownerOf(held.content) : undefined;
    const ownerGone = who?.state === 'gone';
    const keeps = opts.liveOwnerKeeps === true && who?.state === 'same';
    if (held && age > 50 && (ownerGone || (age > staleMs && !keeps))) {
      removeIfStill(path, held);
      continue;
    }
    if (Date.now() - started > opts.timeoutMs) {
      const stopped = who !== undefined && who.state !== 'gone' && isStopped(who.pid);
      throw new LockTimeoutError(
        path,
        Number.isInteger(owner) ? owner : undefined,
        opts.timeoutMs,
        opts.purpose,
        stopped,
      );
    }
    if (!waited) {
      waited = true;
      opts.onWait?.(who && who.state !== 'gone' ? describeHolder(who.pid) : undefined);
    }
    await sleep(held ? 25 + Math.floor(Math.random() * 25) : 5);
  }
}

/** Keeps our lock's mtime fresh until released; returns the release function. */
function holdFresh(path: string, token: string, everyMs: number): () => void {
  const beat = setInterval(() => {
    try {
      if (readOwner(path) === token) {
        const now = new Date();
        utimesSync(path, now, now);
      }
    } catch {
      // released or taken over meanwhile
    }
  }, everyMs);
  beat.unref(); // never what keeps the process alive
  return () => {
    clearInterval(beat);
    if (readOwner(path) === token) rmSync(path, { force: true });
  };
}
