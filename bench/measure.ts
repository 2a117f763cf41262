// Timing commands: hyperfine where it is installed, else a Node harness that
// does what hyperfine would (warm-up runs, then medians). Either way the
// commands of one figure run in alternating rounds, so a machine that gets
// busier half-way through slows all of them, not just the one measured last.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../test/helpers/require-tool.js';

export interface Command {
  name: string;
  argv: string[];
}

export interface Timing {
  name: string;
  /** Seconds, every timed run. */
  times: number[];
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Untimed runs of each command before the first round. */
  warmup: number;
  rounds: number;
  /** Timed runs of each command per round. */
  runs: number;
}

export interface Harness {
  /** "hyperfine 1.15.0" or "node harness". */
  name: string;
  /** Times each command; stdout goes into a pipe, as in `eval "$(mfa-env)"`. */
  time(commands: Command[], o: RunOptions): Promise<Timing[]>;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** A word for hyperfine's command line, which it splits like a POSIX shell (-N). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function hyperfineHarness(bin: string): Harness {
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  return {
    name: version,
    async time(commands, o) {
      const dir = mkdtempSync(join(tmpdir(), 'mfa-env-bench-'));
      const timings: Timing[] = commands.map((c) => ({ name: c.name, times: [] }));
      try {
        for (let round = 0; round < o.rounds; round++) {
          const json = join(dir, `round-${round}.json`);
          // -N: no intermediate shell, so nothing needs subtracting.
          const args = ['-N', '--style', 'none', '--output', 'pipe', '--runs', String(o.runs), '--export-json', json];
          if (round === 0 && o.warmup > 0) args.push('--warmup', String(o.warmup));
          // Rotate the order each round: no command is always the one that runs first.
          const order = commands.map((_, i) => (i + round) % commands.length);
          for (const i of order)
            args.push('--command-name', commands[i]!.name, commands[i]!.argv.map(shellWord).join(' '));
          await runQuiet(bin, args, o.env);
          const results = (
            JSON.parse(readFileSync(json, 'utf8')) as { results: { command: string; times: number[] }[] }
          ).results;
          for (const r of results) timings.find((t) => t.name === r.command)!.times.push(...r.times);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return timings;
    },
  };
}

/** One run: spawn to exit, stdout drained from a pipe. Rejects on a non-zero exit. */
export function timeOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code === 0) resolve(seconds);
      else reject(new Error(`${argv.join(' ')} exited ${signal ?? code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

function nodeHarness(): Harness {
  return {
    name: 'node harness (no hyperfine)',
    async time(commands, o) {
      const timings: Timing[] = commands.map((c) => ({ name: c.name, times: [] }));
      for (let w = 0; w < o.warmup; w++) for (const c of commands) await timeOnce(c.argv, o.env);
      for (let round = 0; round < o.rounds; round++) {
        for (let run = 0; run < o.runs; run++) {
          for (let k = 0; k < commands.length; k++) {
            const i = (k + run + round) % commands.length;
            timings[i]!.times.push(await timeOnce(commands[i]!.argv, o.env));
          }
        }
      }
      return timings;
    },
  };
}

/** hyperfine if it is on PATH (MFA_ENV_BENCH_HARNESS=node forces the Node harness). */
export function pickHarness(): Harness {
  const bin = process.env.MFA_ENV_BENCH_HARNESS === 'node' ? undefined : findTool('hyperfine');
  return bin ? hyperfineHarness(bin) : nodeHarness();
}

/** Runs a command to completion; rejects with its stderr when it fails. */
export function runQuiet(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`${file} ${args.slice(0, 4).join(' ')}… exited ${signal ?? code}:\n${stderr.trim().slice(-2000)}`),
        );
    });
    child.stdin.end(input ?? '');
  });
}
