import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const MFA_ENV = join(ROOT, 'dist', 'mfa-env.js');
export const MFA_EXEC = join(ROOT, 'dist', 'mfa-exec.js');
/** What install.sh links onto PATH: the launchers that start Node on the two above (scripts/build.mjs). */
export const MFA_ENV_LAUNCHER = join(ROOT, 'dist', 'mfa-env');
export const MFA_EXEC_LAUNCHER = join(ROOT, 'dist', 'mfa-exec');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Runs a command the way a user's shell would, but with no controlling
 * terminal (a new session), so "is there a terminal to ask on?" is always no.
 */
export function runCommand(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      env: Object.fromEntries(Object.entries({ ...env, ...opts.env }).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
      cwd: opts.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    // A command that exits without reading its stdin (a usage error, say)
    // closes the pipe under us: EPIPE here is its business, not a failure.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface Sandbox {
  dir: string;
  home: string;
  configFile: string;
  credentialsFile: string;
  env: Record<string, string | undefined>;
  mfaEnv(args: string[], opts?: RunOptions): Promise<RunResult>;
  mfaExec(args: string[], opts?: RunOptions): Promise<RunResult>;
  cleanup(): void;
}

export interface SandboxOptions {
  /** Extra environment: the Secret Service's bus, the emulator's endpoint, a file store… */
  env?: Record<string, string | undefined>;
}

/** A throwaway HOME with its own AWS files and data dir; nothing from the real user leaks in. */
export function makeSandbox(opts: SandboxOptions = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-test-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  const configFile = join(home, '.aws', 'config');
  const credentialsFile = join(home, '.aws', 'credentials');
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    XDG_DATA_HOME: join(dir, 'data'),
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...opts.env,
  };
  return {
    dir,
    home,
    configFile,
    credentialsFile,
    env,
    mfaEnv: (args, o) => runCommand(process.execPath, [MFA_ENV, ...args], env, o),
    mfaExec: (args, o) => runCommand(process.execPath, [MFA_EXEC, ...args], env, o),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Environment for the encrypted file store inside a sandbox dir. */
export function fileStoreEnv(dir: string, passphrase = 'correct horse battery staple'): Record<string, string> {
  return { MFA_ENV_STORE: 'file', MFA_ENV_STORE_DIR: join(dir, 'store'), MFA_ENV_FILE_PASSPHRASE: passphrase };
}

/** A sandbox with the encrypted file store and the AWS endpoints at `endpoint` (the emulator's URL); `extra` on top. */
export function emulatorSandbox(endpoint: string, extra: Record<string, string | undefined> = {}): Sandbox {
  const s = makeSandbox();
  Object.assign(s.env, fileStoreEnv(s.dir), { AWS_ENDPOINT_URL: endpoint }, extra);
  return s;
}

export interface HarnessSeams {
  /** SIGKILL the process just before it renames a temp file onto the file of this name. */
  crashBeforeRename?: string;
  /** Wait this long before each such rename (widens a read-modify-write window). */
  delayBeforeRenameMs?: number;
}

/**
 * Environment that loads test/harness/preload.mjs into a Node process (the
 * built CLI, or a helper run under tsx) with the given seams: the product has
 * no test hooks of its own. `env` is the process's environment otherwise (its
 * NODE_OPTIONS are kept).
 */
export function harnessEnv(seams: HarnessSeams, env: Record<string, string | undefined> = {}): Record<string, string> {
  const preload = `--import=${pathToFileURL(join(ROOT, 'test', 'harness', 'preload.mjs')).href}`;
  const out: Record<string, string> = { NODE_OPTIONS: [env.NODE_OPTIONS, preload].filter(Boolean).join(' ') };
  if (seams.crashBeforeRename) out.MFA_ENV_HARNESS_CRASH_BEFORE_RENAME = seams.crashBeforeRename;
  if (seams.delayBeforeRenameMs) out.MFA_ENV_HARNESS_DELAY_BEFORE_RENAME_MS = String(seams.delayBeforeRenameMs);
  return out;
}

/** Parses `export NAME='value'` lines the way a shell would — only for quick assertions; real shells are tested elsewhere. */
export function exportedNames(stdout: string): string[] {
  return [...stdout.matchAll(/^export ([A-Z_]+)=/gm)].map((m) => m[1]!);
}
