// The starting point of the toolchain tests: a local STS with one user, and a
// sandbox where `mfa-env setup --profile dev` has stored that user's key.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { fileStoreEnv, makeSandbox, type RunResult, type Sandbox } from './cli.js';
import { serialOf, setUpUser } from './users.js';

export interface Dev {
  emulator: Emulator;
  user: EmulatorUser;
  serial: string;
  sandbox: Sandbox;
  /** The emulator's clock stands still here, so what it issues is known exactly (unless `runningClock`). */
  now: number;
  /** The Expiration the emulator issues for a session of `seconds`. */
  expiryFor(seconds: number): string;
  /** A fresh valid MFA code for the user's device. */
  code(): string;
  /** `arn:aws:iam::ACCOUNT:user/NAME`, what GetCallerIdentity says for this user. */
  arn: string;
  close(): Promise<void>;
}

export interface DevOptions {
  /** Extra `setup` flags (e.g. --region, --credential-process). */
  setupArgs?: string[];
  env?: Record<string, string | undefined>;
  /** Contents of the AWS config file before setup runs. */
  config?: string;
  /** The emulator's clock runs (real time), so what it issues really expires: for tests of renewal. */
  runningClock?: boolean;
}

export async function devProfile(opts: DevOptions = {}): Promise<Dev> {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const emulator = await startEmulator({ now: opts.runningClock ? Date.now : () => now });
  const sandbox = makeSandbox({ env: { AWS_ENDPOINT_URL: emulator.url, ...opts.env } });
  Object.assign(sandbox.env, fileStoreEnv(sandbox.dir));
  if (opts.config !== undefined) writeFileSync(sandbox.configFile, opts.config, { mode: 0o600 });
  let user: EmulatorUser;
  try {
    user = await setUpUser(sandbox, emulator, 'dev', opts.setupArgs);
  } catch (err) {
    await emulator.close();
    sandbox.cleanup();
    throw err;
  }
  const serial = serialOf(user);
  return {
    emulator,
    user,
    serial,
    sandbox,
    now,
    expiryFor: (seconds) => new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    code: () => emulator.codeFor(serial),
    arn: `arn:aws:iam::${user.accountId}:user/${user.userName}`,
    async close() {
      await emulator.close();
      sandbox.cleanup();
    },
  };
}

export function assertOk(r: RunResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (${r.code ?? r.signal}):\n${r.stderr}${r.stdout}`);
}

/** The values of `export NAME='value'` lines (values here never hold a quote). */
export function exportsOf(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** stderr as lines, for the "one clear line" checks. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
