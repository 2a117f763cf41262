// Finding the third-party tools the toolchain tests drive (AWS CLI v1 and v2,
// moto_server), and the rule for when one is missing: in CI the test fails,
// elsewhere it is skipped with a reason printed loudly.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { isCI } from './require-tool.js';

/** Every executable called `name` on PATH, in PATH order. */
export function onPath(name: string, path = process.env.PATH ?? ''): string[] {
  const found: string[] = [];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (!found.includes(candidate)) found.push(candidate);
    } catch {
      // not here
    }
  }
  return found;
}

function versionOf(bin: string): string {
  try {
    return execFileSync(bin, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    }).trim();
  } catch {
    return '';
  }
}

export interface AwsCli {
  major: 1 | 2;
  bin: string;
  version: string;
}

/**
 * The AWS CLI of one major version: `MFA_ENV_TEST_AWS_V1`/`_V2` if set, else
 * the first `aws` on PATH whose `--version` says so (v1 from pip and v2 from
 * a distribution are often both installed).
 */
export function findAwsCli(major: 1 | 2): AwsCli | undefined {
  const override = process.env[`MFA_ENV_TEST_AWS_V${major}`];
  for (const bin of override ? [override] : onPath('aws')) {
    const version = versionOf(bin);
    if (version.startsWith(`aws-cli/${major}.`)) return { major, bin, version: version.split(' ')[0]! };
  }
  return undefined;
}

/**
 * Call at the top of a test that needs `tool`. Returns true when the test
 * should go on. Missing tool: in CI (CI=true) the test fails; elsewhere it is
 * skipped, and the reason goes to stderr so nobody mistakes a skip for a pass.
 */
export function requireTool(t: TestContext, tool: unknown, what: string): boolean {
  if (tool) return true;
  const reason = `${what} is not installed: this test did NOT run`;
  if (isCI()) throw new Error(`${reason}, and CI requires it`);
  process.stderr.write(`\n!!! SKIPPED: ${reason} (install it, or CI=true makes this a failure)\n\n`);
  t.skip(reason);
  return false;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** Starts `moto_server` on a free loopback port and waits until it answers. */
export async function startMoto(bin: string): Promise<Moto> {
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${log}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not answer on ${url}: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Runs a shell command line on a fresh terminal (script(1) gives it a pty)
 * and types `input` into it. stdin stays open until the command ends: on EOF
 * script(1) would type the terminal's EOF character, which a prompt in raw
 * mode reads as one more key.
 */
export function runOnTerminal(
  command: string,
  env: Record<string, string | undefined>,
  input = '',
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.on('error', () => {}); // the command may end before it reads everything
    child.stdin.write(input);
    child.on('exit', () => child.stdin.destroy());
  });
}
