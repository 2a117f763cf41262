import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True when we had to kill it at timeoutMs. */
  timedOut: boolean;
  /** With `lingerMs`: how long the child took to exit after stderr matched (capped at lingerMs). */
  lingeredMs?: number;
  /** With `lingerMs`: true when it was still running lingerMs after stderr matched, and was killed. */
  lingered?: boolean;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  /** Kill (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  /**
   * Once stderr matches this, give the child `lingerMs` to exit by itself,
   * then SIGKILL it. For children that report an error and then may hang.
   */
  stderrMatch?: RegExp;
  lingerMs?: number;
}

/** Runs a program with an argv array (no shell) and collects what it printed. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let matchedAt: number | undefined;
    let lingered: boolean | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      if (opts.stderrMatch && matchedAt === undefined && opts.stderrMatch.test(stderr)) {
        matchedAt = performance.now();
        lingerTimer = setTimeout(() => {
          lingered = true;
          child.kill('SIGKILL');
        }, opts.lingerMs ?? 1000);
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(lingerTimer);
      const ended = performance.now();
      const res: RunResult = { code, signal, stdout, stderr, ms: ended - started, timedOut };
      if (matchedAt !== undefined) {
        res.lingered = lingered ?? false;
        res.lingeredMs = ended - matchedAt;
      }
      resolvePromise(res);
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface StoreOpResult extends RunResult {
  /** The op's result when it succeeded. */
  result?: unknown;
  /** The op's own duration, measured in the child (no Node/tsx startup). */
  opMs?: number;
}

const storeOp = fileURLToPath(new URL('./store-op.ts', import.meta.url));

/** Runs test/helpers/store-op.ts in a child process (see there). */
export async function runStoreOp(
  backend: 'keychain' | 'file',
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: Omit<RunOptions, 'env' | 'input'> = {},
): Promise<StoreOpResult> {
  const res = await run(process.execPath, ['--import', 'tsx', storeOp, backend, ...args], {
    timeoutMs: 60_000,
    ...opts,
    env,
  });
  const out: StoreOpResult = { ...res };
  const line = res.stdout.trim().split('\n').pop();
  if (res.code === 0 && line) {
    const parsed = JSON.parse(line) as { result: unknown; ms: number };
    out.result = parsed.result;
    out.opMs = parsed.ms;
  } else {
    const m = /\((\d+) ms\)\s*$/.exec(res.stderr.trim());
    if (m) out.opMs = Number(m[1]);
  }
  return out;
}
