// runMfaProcess with a short timeout: what the CLI does at 60 s (a hardware key
// nobody touches), here at half a second. The CLI's side of mfa_process (the
// code, stderr, exit codes) is in test/integration/export.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MfaEnvError } from '../../src/errors.js';
import { MFA_PROCESS_GRACE_MS, MFA_PROCESS_TIMEOUT_MS, runMfaProcess } from '../../src/prompts/mfa-process.js';

let dir: string;
/** Processes a test left behind, with their start time: see after(). */
const started: { pid: number; since: string | undefined }[] = [];

/** Field 22 of /proc/PID/stat (start time in clock ticks): tells a reused pid from ours. */
function startTime(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
  } catch {
    return undefined;
  }
}

function remember(pid: number): void {
  started.push({ pid, since: startTime(pid) });
}
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-env-mfa-process-'));
});
after(() => {
  // Only a process that is still ours: the tests run beside others that start
  // thousands of processes, and a pid that has exited is soon reused (pid_max
  // can be 32768): SIGKILL to a reused pid once killed another test file's
  // gnome-keyring-daemon.
  for (const { pid, since } of started) {
    if (since === undefined || startTime(pid) !== since) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** True once `pid` has exited (a zombie waiting for its reaper counts as exited). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  if (process.platform !== 'linux') return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true; // exited since we asked
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (gone(pid)) return true;
  return gone(pid);
}

/**
 * A command line whose real work is a grandchild of ours (the shell's child,
 * as `ykman …` is under dash), which writes its pid to `file` and sleeps.
 */
function sleeper(file: string, prefix = ''): string {
  return `${prefix}sh -c 'echo $$ > ${file}; exec sleep 30'`;
}

const timeoutError = (e: unknown) =>
  e instanceof MfaEnvError &&
  e.exitCode === 2 &&
  e.message === 'mfa_process gave no code within 0.5 s and was stopped; run it by hand to see why, or pass --code' &&
  e.hint === undefined;

test('the default timeout is a minute: long enough for a touch', () => {
  assert.equal(MFA_PROCESS_TIMEOUT_MS, 60_000);
});

test('a process that gives no code in time is stopped with the command it started, and this fails with exit 2 in one line', {
  timeout: 20_000,
}, async () => {
  const pidFile = join(dir, 'waiting.pid');
  const t0 = performance.now();
  await assert.rejects(runMfaProcess(sleeper(pidFile), 500), timeoutError);
  const took = performance.now() - t0;
  assert.ok(took >= 450 && took < 5000, `gave up after ${Math.round(took)} ms`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  remember(pid);
  assert.ok(await goneWithin(pid, 2000), 'the command the shell started is still running');
});

test('one that ignores SIGTERM and keeps stdout open does not hold us up either', { timeout: 20_000 }, async () => {
  const pidFile = join(dir, 'stubborn.pid');
  const t0 = performance.now();
  // The ignored TERM is inherited by the sleep, which holds our stdout pipe.
  await assert.rejects(runMfaProcess(sleeper(pidFile, "trap '' TERM; "), 500), timeoutError);
  const took = performance.now() - t0;
  assert.ok(took < 5000, `gave up after ${Math.round(took)} ms`);
  remember(Number(readFileSync(pidFile, 'utf8')));
});

test('its environment is ours without the file store passphrase', async () => {
  const saved = { pass: process.env.MFA_ENV_FILE_PASSPHRASE, other: process.env.MFA_ENV_TEST_VISIBLE };
  process.env.MFA_ENV_FILE_PASSPHRASE = 'correct horse battery staple';
  process.env.MFA_ENV_TEST_VISIBLE = 'yes';
  try {
    const code = await runMfaProcess(
      'test -z "${MFA_ENV_FILE_PASSPHRASE+set}" && test "$MFA_ENV_TEST_VISIBLE" = yes && echo 654321',
    );
    assert.equal(code, '654321');
  } finally {
    for (const [name, value] of [
      ['MFA_ENV_FILE_PASSPHRASE', saved.pass],
      ['MFA_ENV_TEST_VISIBLE', saved.other],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test('the code is the first 6-digit group of its stdout; stdin is not its to read', async () => {
  assert.equal(await runMfaProcess('echo "AWS:me  1234567 042424 999999"'), '042424');
  // stdin is /dev/null: `read` gets end of file at once instead of waiting.
  assert.equal(await runMfaProcess('read line; echo "${line:-nothing} 135790"'), '135790');
});

test('the code is taken as soon as its line is complete, though the helper keeps stdout open; what it left running gets SIGKILL after the grace period', {
  timeout: 20_000,
}, async () => {
  const pidFile = join(dir, 'lingering.pid');
  const t0 = performance.now();
  // The sleep holds our stdout pipe and ignores SIGTERM: only SIGKILL ends it.
  const code = await runMfaProcess(
    `trap '' TERM; sh -c 'echo $$ > ${pidFile}; echo "code: 246810"; exec sleep 30'`,
    10_000,
  );
  const took = performance.now() - t0;
  assert.equal(code, '246810');
  assert.ok(took < 1500, `the code came after ${Math.round(took)} ms`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  remember(pid);
  assert.equal(gone(pid), false, 'stopped before the grace period (it ignores SIGTERM)');
  assert.ok(await goneWithin(pid, MFA_PROCESS_GRACE_MS + 2000), 'still running after the grace period');
});

test('a code without a newline is taken when the output ends', async () => {
  assert.equal(await runMfaProcess('printf 135791'), '135791');
});
