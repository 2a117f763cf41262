// What a new user meets in the first hour, through the built CLI: the shell
// remembers its profile, doctor checks every profile that is set up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, type Sandbox } from '../helpers/cli.js';
import { exportsOf } from '../helpers/dev-profile.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const sandbox = (): Sandbox => emulatorSandbox(emulator.url);

describe('the shell remembers its profile: -p, then $AWS_PROFILE, then $MFA_ENV_PROFILE, then default', () => {
  test('after an export (which unsets AWS_PROFILE) the next export, mfa-exec, status and logout mean the same profile', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev');
    const first = await s.mfaEnv(['-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: { AWS_PROFILE: 'dev' },
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^unset AWS_PROFILE$/m);
    const shell = {
      MFA_ENV_PROFILE: 'dev',
      MFA_ENV_EXPIRES: exportsOf(first.stdout).MFA_ENV_EXPIRES,
      AWS_ACCESS_KEY_ID: exportsOf(first.stdout).AWS_ACCESS_KEY_ID,
    };
    const calls = emulator.count('GetSessionToken');

    const again = await s.mfaEnv(['-s', 'bash'], { env: shell });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(exportsOf(again.stdout).MFA_ENV_PROFILE, 'dev');
    assert.equal(exportsOf(again.stdout).AWS_ACCESS_KEY_ID, shell.AWS_ACCESS_KEY_ID, 'the cached session of dev');
    assert.equal(emulator.count('GetSessionToken'), calls);

    const exec = await s.mfaExec(['--', 'sh', '-c', 'printf %s "$MFA_ENV_PROFILE"'], { env: shell });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'dev');

    // $AWS_PROFILE still comes first, and -p before it.
    const other = await s.mfaEnv(['-s', 'bash'], { env: { ...shell, AWS_PROFILE: 'prod' } });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /profile 'prod' is not set up/);
    const flag = await s.mfaEnv(['-s', 'bash', '-p', 'dev'], { env: { ...shell, AWS_PROFILE: 'prod' } });
    assert.equal(flag.code, 0, flag.stderr);

    const logout = await s.mfaEnv(['logout', '-s', 'bash'], { env: shell });
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /deleted the cached session of 'dev'/);
    s.cleanup();
  });

  test('a MFA_ENV_PROFILE mfa-env cannot use is exit 2 naming the variable', async () => {
    const s = sandbox();
    const r = await s.mfaEnv(['-s', 'bash'], { env: { MFA_ENV_PROFILE: 'a/b' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mfa-env: MFA_ENV_PROFILE 'a\/b' is not a usable profile name/);
    s.cleanup();
  });
});

describe('what a successful export says on stderr', () => {
  test('a mint says one line; a cached eval (an rc file) says nothing; through the mfa wrapper (MFA_ENV_WRAPPER=1) a reuse says one line too', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev', ['--region', 'eu-west-1']);
    const minted = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    assert.equal(minted.code, 0, minted.stderr);
    assert.match(minted.stderr, /^mfa-env: profile dev, eu-west-1, 1[12]h\d\dm left \(minted\)\n$/);
    const cached = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(cached.stderr, '', 'eval "$(mfa-env)" in a startup file stays silent');
    const wrapped = await s.mfaEnv(['-p', 'dev', '-s', 'bash'], { env: { MFA_ENV_WRAPPER: '1' } });
    assert.match(wrapped.stderr, /^mfa-env: profile dev, eu-west-1, 1[12]h\d\dm left \(reused\)\n$/);
    const json = await s.mfaEnv(['-p', 'dev', '-f', 'json'], { env: { MFA_ENV_WRAPPER: '1' } });
    assert.equal(json.stderr, '', 'only the shell format');
    s.cleanup();
  });
});

describe('doctor checks every profile that is set up', () => {
  test('after setup --profile dev alone: dev is checked, default is not asked for; -p checks one', async () => {
    const s = sandbox();
    await setUpUser(s, emulator, 'dev');
    await setUpUser(s, emulator, 'prod');
    // A profile whose key is gone from the store: its own problem.
    writeFileSync(
      s.configFile,
      `${readFileSync(s.configFile, 'utf8')}\n[profile ci]\nmfa_serial = arn:aws:iam::123456789012:mfa/ci\n`,
    );
    const r = await s.mfaEnv(['doctor'], { env: { SHELL: '/bin/bash' } });
    assert.match(r.stdout, /^ok       profile dev: mfa_serial arn:aws:iam::\d{12}:mfa\/\S+$/m);
    assert.match(r.stdout, /^ok       key dev: stored \(AKIA…[A-Z0-9]{4}\)$/m);
    assert.match(r.stdout, /^ok       profile prod: /m);
    assert.match(r.stdout, /^ok       key prod: stored/m);
    assert.match(r.stdout, /^problem  key ci: none stored\n         fix: run: mfa-env setup --profile ci$/m);
    assert.doesNotMatch(r.stdout, /default/, 'default is not set up and nobody asked for it');

    const one = await s.mfaEnv(['doctor', '-p', 'dev'], { env: { SHELL: '/bin/bash' } });
    assert.match(one.stdout, /^ok       profile dev: /m);
    assert.doesNotMatch(one.stdout, /prod|ci:/);
    s.cleanup();
  });

  test('nothing set up: default is checked and its fix is setup', async () => {
    const s = sandbox();
    const r = await s.mfaEnv(['doctor'], { env: { SHELL: '/bin/bash' } });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^problem  profile default: not in the AWS config or credentials file\n         fix: run: mfa-env setup --profile default$/m,
    );
    s.cleanup();
  });
});

describe('a session too close to expiry', () => {
  test('with mfa_process: one line says why a new code is taken', async () => {
    const { saveSession } = await import('../../src/session/cache.js');
    const { createFileStore } = await import('../../src/store/file.js');
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev', ['--region', 'eu-west-1']);
    // mfa_process prints the code the emulator accepts now.
    writeFileSync(
      s.configFile,
      `${readFileSync(s.configFile, 'utf8')}mfa_process = printf %s ${emulator.codeFor(serialOf(user))}\n`,
    );
    const store = createFileStore(s.env.MFA_ENV_STORE_DIR!, async () => s.env.MFA_ENV_FILE_PASSPHRASE!);
    await saveSession(store, {
      accessKeyId: 'ASIAEXPIRINGSESSION1',
      secretAccessKey: 'x'.repeat(40),
      sessionToken: 't',
      expiration: new Date(Date.now() + 150_000),
      profile: 'dev',
      sourceKeyId: user.accessKeyId,
      mfaSerial: serialOf(user),
    });
    const r = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mfa-env: the session of 'dev' has [12]m left; a new one takes a code from mfa_process$/m);
    assert.notEqual(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, 'ASIAEXPIRINGSESSION1');
    s.cleanup();
  });
});
