// AWS files mfa-env cannot read or write: every command says which file and
// what to do (exit 2), stores nothing half-way, and never calls it an
// unexpected error. Root reads and writes anything through its DAC
// capabilities, so as root the CLI runs without them (setpriv), and a mode
// 000 file is as closed to it as to its owner.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, MFA_ENV, runCommand, type RunOptions, type RunResult, type Sandbox } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const sandbox = (): Sandbox => emulatorSandbox(emulator.url);

const asRoot = process.getuid?.() === 0;

/** mfa-env with the file permissions of an ordinary user (see the top of the file). */
function mfaEnvUnprivileged(s: Sandbox, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  if (!asRoot) return s.mfaEnv(args, opts);
  return runCommand(
    'setpriv',
    ['--bounding-set=-dac_override,-dac_read_search', process.execPath, MFA_ENV, ...args],
    s.env,
    opts,
  );
}

function expectFileError(r: RunResult, message: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /unexpected|please report/i);
  assert.ok(r.stderr.trimEnd().split('\n').length <= 2, r.stderr);
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SERIAL = 'arn:aws:iam::123456789012:mfa/dev';

describe('AWS files that cannot be read or written', requireTool(...(asRoot ? ['setpriv'] : [])), () => {
  test('setup with a config file it cannot write: exit 2 naming the file and the fix, and nothing is stored', async () => {
    const s = sandbox();
    writeFileSync(s.configFile, '[default]\nregion = eu-west-1\n');
    chmodSync(s.configFile, 0o400);
    const r = await mfaEnvUnprivileged(
      s,
      ['setup', '-p', 'dev', '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin', '--mfa-serial', SERIAL],
      { input: SECRET },
    );
    expectFileError(r, new RegExp(`cannot write ${s.configFile}: permission denied\\nmfa-env: .*chmod u\\+rw`));
    assert.equal(
      existsSync(join(s.dir, 'store', 'store.enc')),
      false,
      'no key stored: the store file was never created',
    );
    assert.equal(readFileSync(s.configFile, 'utf8'), '[default]\nregion = eu-west-1\n');
    s.cleanup();
  });

  test('setup with a directory where the config file should be: exit 2, nothing stored', async () => {
    const s = sandbox();
    mkdirSync(s.configFile);
    const r = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin', '--mfa-serial', SERIAL],
      { input: SECRET },
    );
    expectFileError(r, new RegExp(`${s.configFile} is a directory, not a file\\nmfa-env: .*AWS_CONFIG_FILE`));
    assert.equal(existsSync(join(s.dir, 'store', 'store.enc')), false);
    s.cleanup();
  });

  test('export with an unreadable config file says so, not "run setup"', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    chmodSync(s.configFile, 0o000);
    const r = await mfaEnvUnprivileged(s, ['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    expectFileError(r, new RegExp(`cannot read ${s.configFile}: permission denied`));
    assert.doesNotMatch(r.stderr, /mfa-env setup/);
    s.cleanup();
  });

  test('--write-profile into a directory or an unwritable credentials file: exit 2, no session printed', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const asDir = join(s.dir, 'creds-dir');
    mkdirSync(asDir);
    let r = await s.mfaEnv(
      ['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '--write-profile', 'mfa', '-s', 'bash'],
      { env: { AWS_SHARED_CREDENTIALS_FILE: asDir } },
    );
    expectFileError(r, new RegExp(`${asDir} is a directory, not a file\\nmfa-env: .*AWS_SHARED_CREDENTIALS_FILE`));

    writeFileSync(s.credentialsFile, '# mine\n');
    chmodSync(s.credentialsFile, 0o400);
    r = await mfaEnvUnprivileged(s, ['-p', 'dev', '--write-profile', 'mfa', '-s', 'bash']);
    expectFileError(r, new RegExp(`cannot (read|write) ${s.credentialsFile}: permission denied`));
    chmodSync(s.credentialsFile, 0o600);
    assert.equal(readFileSync(s.credentialsFile, 'utf8'), '# mine\n');
    s.cleanup();
  });
});
