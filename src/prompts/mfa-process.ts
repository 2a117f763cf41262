import { readdirSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { UsageError } from '../errors.js';
import { readProcStat } from '../os/processes.js';
import { childEnvironment } from '../session/environment.js';

/** A hardware key may be waiting for a touch, a password manager for its password: a minute, then give up. */
export const MFA_PROCESS_TIMEOUT_MS = 60_000;

/** After the code, or at the timeout: how long what mfa_process started has to end on SIGTERM before SIGKILL. */
export const MFA_PROCESS_GRACE_MS = 2000;

/** How much of its stdout is looked at: the code is in the first lines; more is read and dropped. */
const MAX_STDOUT = 4096;

const CODE = /(?<!\d)(\d{6})(?!\d)/;

/**
 * Runs the profile's `mfa_process` (e.g. `ykman oath accounts code -s aws`)
 * through /bin/sh — it is a command line the user wrote in their own config,
 * like credential_process — and takes the 6-digit code from its stdout. Its
 * stderr stays on ours, so a password manager can talk to the user. After
 * `timeoutMs` it is stopped and this fails: a code never comes from a hang.
 *
 * The code is taken as soon as a complete line holds one (or at the end of
 * its output): a helper that goes on running with stdout open (an agent it
 * started, a `sleep` left behind) does not hold the mint up. Whatever is
 * still running then is stopped: SIGTERM to the shell and everything under
 * it, SIGKILL after MFA_PROCESS_GRACE_MS, or when mfa-env exits, whichever
 * comes first.
 */
export async function runMfaProcess(command: string, timeoutMs = MFA_PROCESS_TIMEOUT_MS): Promise<string> {
  const cancel = new AbortController();
  const subprocess = execa('/bin/sh', ['-c', command], {
    // stdin is not its to read: under mfa-exec it belongs to the command
    // (password managers ask on /dev/tty).
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    // Not the file store's passphrase: it prints a code, it needs no key.
    env: childEnvironment(process.env),
    extendEnv: false,
    // Its stdout is read here, line by line, not collected by execa.
    buffer: false,
    cancelSignal: cancel.signal,
    forceKillAfterDelay: MFA_PROCESS_GRACE_MS,
    reject: false,
  });
  let seen = '';
  let onCode: (code: string) => void = () => {};
  const early = new Promise<string>((resolve) => (onCode = resolve));
  subprocess.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (seen.length >= MAX_STDOUT) return;
    seen = (seen + chunk).slice(0, MAX_STDOUT);
    const m = CODE.exec(seen.slice(0, seen.lastIndexOf('\n') + 1));
    if (m) onCode(m[1]!);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stop(subprocess, cancel).catch(() => {});
  }, timeoutMs);
  const outcome = await Promise.race([subprocess.then((result) => ({ result })), early.then((code) => ({ code }))]);
  clearTimeout(timer);

  if ('code' in outcome) {
    if (subprocess.exitCode === null && subprocess.signalCode === null) void stop(subprocess, cancel).catch(() => {});
    else subprocess.stdout?.destroy();
    return outcome.code;
  }
  const { result } = outcome;
  if (timedOut) {
    throw new UsageError(
      `mfa_process gave no code within ${seconds(timeoutMs)} and was stopped; run it by hand to see why, or pass --code`,
    );
  }
  if (result.exitCode === undefined && !result.signal) {
    const why = result.cause instanceof Error ? result.cause.message : (result.code ?? 'error');
    throw new UsageError(`mfa_process could not start: ${why}`, 'fix mfa_process in the profile');
  }
  if (result.exitCode !== 0) {
    throw new UsageError(
      `mfa_process failed (${result.signal ?? `exit ${result.exitCode}`})`,
      'run it by hand to see why, or pass --code',
    );
  }
  // The end of its output ends the last line too.
  const m = CODE.exec(seen);
  if (!m) throw new UsageError('mfa_process printed no 6-digit code', 'it should print the current code on stdout');
  return m[1]!;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Stops the shell and what it started. Killing the shell alone is not
 * enough: dash runs even a single command as its child, which would go on
 * waiting for a touch or holding the terminal after we gave up. And a
 * descendant that ignores SIGTERM must not keep us reading its stdout, nor
 * outlive us: SIGKILL after the grace period, or as mfa-env exits.
 */
async function stop(subprocess: ResultPromise, cancel: AbortController): Promise<void> {
  try {
    const pids = subprocess.pid === undefined ? [] : descendantsOf(subprocess.pid, await parentsByPid());
    signal(pids, 'SIGTERM');
    // Later, a pid may belong to another process (the one we saw exited, the
    // number was reused): only the same process, by its start time, is killed.
    const seen = new Map(pids.map((pid) => [pid, startTimeOf(pid)]));
    const kill = () =>
      signal(
        [...seen].filter(([pid, start]) => startTimeOf(pid) === start).map(([pid]) => pid),
        'SIGKILL',
      );
    setTimeout(() => {
      process.off('exit', kill);
      kill();
    }, MFA_PROCESS_GRACE_MS).unref();
    process.once('exit', kill);
  } finally {
    cancel.abort(); // the shell: SIGTERM, then SIGKILL after forceKillAfterDelay
    subprocess.stdout?.destroy();
  }
}

/** (Linux) When `pid` started; undefined elsewhere or when it is gone. */
function startTimeOf(pid: number): string | undefined {
  return process.platform === 'linux' ? readProcStat(pid)?.startTime : undefined;
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  }
}

function descendantsOf(root: number, parents: Map<number, number>): number[] {
  const found: number[] = [];
  const queue = [root];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** pid → parent pid for every process we can see; empty if the table cannot be read. */
async function parentsByPid(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  if (process.platform === 'linux') {
    // /proc is always there; ps is not (slim containers).
    for (const name of safeReaddir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const ppid = readProcStat(name)?.ppid; // undefined: exited while we looked
      if (Number.isInteger(ppid)) parents.set(Number(name), ppid!);
    }
    return parents;
  }
  const ps = await execa('ps', ['-A', '-o', 'pid=,ppid='], {
    env: childEnvironment(process.env),
    extendEnv: false,
    stdin: 'ignore',
    stderr: 'ignore',
    timeout: 5000,
    reject: false,
  });
  for (const line of ps.failed ? [] : ps.stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid!, ppid!);
  }
  return parents;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
