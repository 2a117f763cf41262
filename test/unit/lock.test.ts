import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { MfaEnvError } from '../../src/errors.js';
import { acquireLock, LockTimeoutError } from '../../src/fs/lock.js';
import { run } from '../helpers/run.js';

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-env-lock-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
const freshPath = () => join(dir, `test-${++n}.lock`);

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const res = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(res.pid && res.pid > 0);
  return res.pid;
}

/** Backdate a file so the lock's "younger than 50 ms" grace does not apply. */
function age(path: string, seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  utimesSync(path, t, t);
}

// Owners refresh their lock every staleMs / 4 (50 ms here).
const fast = { timeoutMs: 300, staleMs: 200 };

test('the lock file holds the owner pid and release removes it', async () => {
  const path = freshPath();
  const release = await acquireLock(path, fast);
  assert.equal(Number.parseInt(readFileSync(path, 'utf8'), 10), process.pid);
  release();
  assert.equal(existsSync(path), false);
});

test('a held lock is not given to a second acquirer, who times out with LockTimeoutError: exit 4 naming the file, the owner and what to do', async () => {
  const path = freshPath();
  const release = await acquireLock(path, fast);
  let waits = 0;
  const t0 = performance.now();
  await assert.rejects(
    acquireLock(path, { ...fast, purpose: 'editing the test file', onWait: () => waits++ }),
    (err: unknown) => {
      assert.ok(err instanceof LockTimeoutError && err instanceof MfaEnvError, `not a typed error: ${String(err)}`);
      assert.equal(err.exitCode, 4);
      assert.equal(
        err.message,
        `${path} is locked by another mfa-env (pid ${process.pid}), editing the test file; gave up waiting after 0.3 s`,
      );
      assert.equal(err.hint, `let that one finish or stop it (kill ${process.pid}), then run this again`);
      return true;
    },
  );
  const waited = performance.now() - t0;
  assert.ok(waited >= 290 && waited < 1500, `gave up after ${Math.round(waited)} ms`);
  assert.equal(waits, 1, 'onWait is called once');
  release();
  const again = await acquireLock(path, fast);
  again();
});

test('staleMs must be shorter than timeoutMs: a waiter always outlives a lock nobody refreshes', async () => {
  const path = freshPath();
  await assert.rejects(acquireLock(path, { timeoutMs: 300, staleMs: 300 }), RangeError);
  await assert.rejects(acquireLock(path, { timeoutMs: 5000 }), RangeError, 'the default staleMs is longer than 5 s');
  assert.equal(existsSync(path), false);
});

test('a live owner that keeps its lock fresh is waited for however long it holds it, never taken over', async () => {
  const path = freshPath();
  const holder = await acquireLock(path, fast);
  const held = sleep(1200).then(() => holder()); // six times staleMs
  const t0 = performance.now();
  const release = await acquireLock(path, { timeoutMs: 5000, staleMs: 200 });
  const waited = performance.now() - t0;
  await held;
  assert.ok(waited >= 1150, `took the lock from its live owner after ${Math.round(waited)} ms`);
  assert.equal(Number.parseInt(readFileSync(path, 'utf8'), 10), process.pid);
  release();
  assert.equal(existsSync(path), false);
});

test('a lock left by a dead process is taken over at once', async () => {
  const path = freshPath();
  const dead = deadPid();
  writeFileSync(path, `${dead}\n`);
  age(path, 1);
  const t0 = performance.now();
  const release = await acquireLock(path, { timeoutMs: 60_000, staleMs: 30_000 });
  assert.ok(performance.now() - t0 < 500, 'waited for a dead owner');
  assert.equal(Number.parseInt(readFileSync(path, 'utf8'), 10), process.pid);
  release();
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith(path.slice(dir.length + 1))),
    [],
    'left files behind',
  );
});

test('a lock file with no pid in it (owner died before writing it) is taken over', async () => {
  const path = freshPath();
  writeFileSync(path, '');
  age(path, 1);
  const release = await acquireLock(path, fast);
  assert.equal(Number.parseInt(readFileSync(path, 'utf8'), 10), process.pid);
  release();
});

test('a live pid whose lock nobody refreshed for staleMs (reused after a crash, stopped, wedged) is taken over, before the waiter times out', async () => {
  const path = freshPath();
  writeFileSync(path, `${process.ppid}\n`); // our parent: alive, and not us, and it does not refresh this file
  age(path, 2);
  const release = await acquireLock(path, { timeoutMs: 5000, staleMs: 1000 });
  assert.equal(Number.parseInt(readFileSync(path, 'utf8'), 10), process.pid);
  release();

  // Fresh when we arrive: waited for until staleMs has passed, then taken over.
  writeFileSync(path, `${process.ppid}\n`);
  const t0 = performance.now();
  const again = await acquireLock(path, { timeoutMs: 5000, staleMs: 400 });
  const waited = performance.now() - t0;
  assert.ok(waited >= 350 && waited < 2000, `took it over after ${Math.round(waited)} ms`);
  again();
});

test('release does not remove a lock that someone else took over meanwhile', async () => {
  const path = freshPath();
  const release = await acquireLock(path, fast);
  // Someone judged us stale and took over: the file is now theirs.
  rmSync(path);
  writeFileSync(path, `${process.ppid}\nsomeone-else\n`);
  release();
  assert.equal(readFileSync(path, 'utf8'), `${process.ppid}\nsomeone-else\n`);
});

test('concurrent acquirers in one process run their critical sections one at a time', async () => {
  const path = freshPath();
  let inside = 0;
  let maxInside = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let i = 0; i < 3; i++) {
        const release = await acquireLock(path, { timeoutMs: 20_000 });
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(3);
        inside--;
        done++;
        release();
      }
    }),
  );
  assert.equal(done, 18);
  assert.equal(maxInside, 1);
  assert.equal(existsSync(path), false);
});

test("acquirers in separate processes serialise, starting from a dead owner's lock", async () => {
  const path = freshPath();
  const counter = join(dir, `counter-${n}`);
  const log = join(dir, `log-${n}`);
  writeFileSync(counter, '0');
  writeFileSync(log, '');
  writeFileSync(path, `${deadPid()}\n`);
  age(path, 1);

  const worker = fileURLToPath(new URL('../helpers/lock-worker.ts', import.meta.url));
  const workers = 3;
  const iterations = 8;
  const results = await Promise.all(
    Array.from({ length: workers }, () =>
      run(process.execPath, ['--import', 'tsx', worker, path, counter, log, String(iterations), '5'], {
        timeoutMs: 60_000,
      }),
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);

  assert.equal(Number(readFileSync(counter, 'utf8')), workers * iterations, 'lost increments');
  const events = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(events.length, 2 * workers * iterations);
  for (let i = 0; i < events.length; i += 2) {
    const enter = events[i] ?? '';
    assert.ok(
      enter.startsWith('+') && events[i + 1] === `-${enter.slice(1)}`,
      `overlap at event ${i}: ${events.slice(i, i + 3).join(' ')}`,
    );
  }
  assert.equal(existsSync(path), false, 'the lock was left behind');
});

/** /proc/PID/stat's start time, which an owner writes into its lock (Linux). */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

test('liveOwnerKeeps: a stopped owner keeps its silent lock, and the timeout names it; without the option it is taken over', {
  skip: !existsSync('/proc/self/stat') && 'Linux only',
}, async () => {
  const path = freshPath();
  const { spawn } = await import('node:child_process');
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    process.kill(child.pid!, 'SIGSTOP');
    await sleep(50);
    writeFileSync(path, `${child.pid}\nfeedface\n${startTimeOf(child.pid!)}\n`);
    age(path, 5); // silent far longer than staleMs
    await assert.rejects(
      acquireLock(path, { ...fast, purpose: 'editing the test file', liveOwnerKeeps: true }),
      (err: unknown) => {
        assert.ok(err instanceof LockTimeoutError);
        assert.equal(
          err.message,
          `${path} is locked by mfa-env pid ${child.pid}, which is stopped (Ctrl-Z?) while editing the test file; gave up waiting after 0.3 s`,
        );
        assert.equal(
          err.hint,
          `resume it (fg in its terminal, or kill -CONT ${child.pid}) or end it (kill ${child.pid}), then run this again`,
        );
        return true;
      },
    );
    assert.equal(readFileSync(path, 'utf8'), `${child.pid}\nfeedface\n${startTimeOf(child.pid!)}\n`, 'left in place');
    const release = await acquireLock(path, fast);
    release();
  } finally {
    child.kill('SIGKILL');
  }
});

test('a lock whose pid now belongs to a process started later (a crash, then pid reuse) is taken over at once', {
  skip: !existsSync('/proc/self/stat') && 'Linux only',
}, async () => {
  const path = freshPath();
  // Our own pid, running, but with a start time that is not ours.
  writeFileSync(path, `${process.pid}\nfeedface\n1\n`);
  age(path, 0.1);
  const t0 = performance.now();
  const release = await acquireLock(path, { ...fast, staleMs: 10_000, timeoutMs: 20_000, liveOwnerKeeps: true });
  assert.ok(performance.now() - t0 < 1000);
  release();
});
