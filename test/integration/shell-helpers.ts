// Helpers for the shell integration tests: a fake mfa-env that records its
// argv, real shells driven through tmux, and the tool gate (a missing tool
// fails the test in CI and skips it, loudly, elsewhere).
import { execFileSync, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isCI } from '../helpers/require-tool.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shellFile = (shell: 'bash' | 'zsh' | 'fish' | 'ps1'): string =>
  join(repoRoot, 'shell', `mfa-env.${shell}`);

export type Shell = 'bash' | 'zsh' | 'fish';
export const shells: readonly Shell[] = ['bash', 'zsh', 'fish'];

const toolCache = new Map<string, boolean>();
export function hasTool(tool: string): boolean {
  let found = toolCache.get(tool);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
    if (found && tool === 'strace') {
      // strace may be installed but not allowed to trace (no ptrace).
      found = spawnSync('strace', ['-f', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
    }
    toolCache.set(tool, found);
  }
  return found;
}

/**
 * A test that needs external tools. When one is missing: in CI the test
 * fails (CI installs them); elsewhere it is skipped with a loud reason.
 */
export function toolTest(name: string, tools: readonly string[], fn: (t: TestContext) => void | Promise<void>): void {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) {
    test(name, fn);
  } else if (isCI()) {
    test(name, () => {
      assert.fail(`missing tool(s) in CI: ${missing.join(', ')} (CI must install them)`);
    });
  } else {
    const reason = `SKIPPED: ${missing.join(', ')} not installed or not usable here`;
    console.warn(`\n*** ${name}: ${reason} ***\n`);
    test(name, { skip: reason }, fn);
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mfa-env-${prefix}-`));
}

/** Single-quotes a string for sh. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const fakeScript = readFileSync(join(repoRoot, 'test', 'integration', 'fixtures', 'fake-mfa-env.bash'), 'utf8');

/** The values the fake's session sets (MFA_ENV_EXPIRES aside). */
export const fakeSession: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'ASIAFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake/secret+key',
  AWS_SESSION_TOKEN: `tok en'x"y$z\\w`,
  AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
  AWS_SESSION_EXPIRATION: '2030-01-01T00:00:00Z',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
};
export const sessionVars = [...Object.keys(fakeSession), 'MFA_ENV_PROFILE', 'MFA_ENV_EXPIRES'];

export interface Fake {
  /** Directory to put first on PATH. */
  bin: string;
  /** The argv of every call so far, in order. */
  calls(): string[][];
}

export function makeFakeMfaEnv(dir: string): Fake {
  const bin = join(dir, 'fakebin');
  mkdirSync(join(dir, 'calls'), { recursive: true });
  mkdirSync(bin, { recursive: true });
  const script = fakeScript.replaceAll('@DIR@', shq(dir)).replaceAll('@REPO@', repoRoot);
  writeFileSync(join(bin, 'mfa-env'), script);
  chmodSync(join(bin, 'mfa-env'), 0o755);
  return {
    bin,
    calls() {
      const names = readdirSync(join(dir, 'calls'))
        .map(Number)
        .sort((a, b) => a - b);
      return names.map((n) => {
        const raw = readFileSync(join(dir, 'calls', String(n)), 'utf8');
        return raw === '' ? [] : raw.slice(0, -1).split('\0');
      });
    },
  };
}

/** Parses `env` output (no multi-line values in these tests). */
export function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

export function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { env, encoding: 'utf8', input: input ?? '', timeout: 60_000 });
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

let socketCounter = 0;

/**
 * An interactive shell in a detached tmux session. Commands are typed with
 * send-keys; each step ends by writing a marker file the test waits for, and
 * results are read from files the shell writes.
 */
export class TmuxShell {
  private readonly socket: string;
  private step = 0;

  constructor(
    readonly dir: string,
    readonly shell: Shell,
    command: string,
  ) {
    this.socket = `mfa-env-test-${process.pid}-${++socketCounter}`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-s', 't', command);
  }

  /** Starts `shell` interactively with only HOME, PATH and TERM set. */
  static start(dir: string, shell: Shell, path: string, extraEnv: Record<string, string> = {}): TmuxShell {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const argv = {
      bash: ['bash', '--noprofile', '--norc', '-i'],
      zsh: ['zsh', '-f', '-i'],
      fish: ['fish', '--no-config', '-i'],
    }[shell];
    // No history file: a shell killed by close() writes one as it exits, into
    // a HOME the test may be deleting right then (ENOTEMPTY).
    // MFA_ENV_FOLLOW=0: a prompt near a session's end would otherwise run
    // mfa-env --follow, a call the tests of other things do not expect
    // (test/integration/shell-follow.test.ts turns it on).
    const env = {
      HOME: home,
      PATH: path,
      TERM: 'xterm',
      HISTFILE: '',
      fish_history: '',
      MFA_ENV_FOLLOW: '0',
      ...extraEnv,
    };
    const command = ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv].map(shq).join(' ');
    return new TmuxShell(dir, shell, command);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.tmux('send-keys', '-t', 't', '-l', line);
    this.tmux('send-keys', '-t', 't', 'Enter');
  }

  /** Types text, then presses the named keys (Tab, Enter, C-c...). */
  typeKeys(text: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', 't', '-l', text);
    if (keys.length > 0) this.tmux('send-keys', '-t', 't', ...keys);
  }

  /** Types `line`, then waits until the shell has run it. */
  async run(line: string): Promise<void> {
    const marker = join(this.dir, `step-${++this.step}`);
    this.type(`${line}; echo ok > ${shq(marker)}`);
    await this.waitForFile(marker);
  }

  /** The visible screen (with escape sequences when `escapes`). */
  capture(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 't');
  }

  async waitForFile(file: string): Promise<void> {
    // A bound so a broken shell fails the test instead of hanging it; not a
    // speed requirement.
    for (let waited = 0; waited < 20_000; waited += 50) {
      if (existsSync(file)) return;
      await sleep(50);
    }
    assert.fail(`the ${this.shell} in tmux did not write ${file}; screen:\n${this.capture()}`);
  }

  /** Waits until the screen satisfies `ok` (the prompt is drawn after the command's marker). */
  async waitForScreen(ok: (screen: string) => boolean, escapes = false): Promise<string> {
    let screen = '';
    for (let waited = 0; waited < 20_000; waited += 50) {
      screen = this.capture(escapes);
      if (ok(screen)) return screen;
      await sleep(50);
    }
    assert.fail(`the ${this.shell} screen never showed what was expected:\n${screen}`);
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
