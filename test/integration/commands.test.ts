// The smaller commands as a user meets them: demo, doctor, status, logout,
// unset, init, completion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { fileStoreEnv, makeSandbox, type Sandbox } from '../helpers/cli.js';
import { unreachableBusEnv } from '../helpers/secret-service.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

function sandbox(): Sandbox {
  const s = makeSandbox();
  Object.assign(s.env, fileStoreEnv(s.dir), { AWS_ENDPOINT_URL: emulator.url });
  return s;
}

describe('demo', () => {
  test('runs the whole flow with no AWS account and leaves nothing behind', async () => {
    const s = makeSandbox(); // no store, no endpoint, no profile: the demo brings its own
    const r = await s.mfaEnv(['demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /discovered the MFA device with IAM ListMFADevices: arn:aws:iam::\d{12}:mfa\/demo/);
    assert.match(r.stdout, /export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}'/);
    assert.match(r.stdout, /reused the cached session: no code asked; STS GetSessionToken calls so far: 1/);
    assert.match(r.stdout, /arn:aws:iam::\d{12}:user\/demo/);
    const dir = /Everything lives in (\S+) and is deleted/.exec(r.stdout)![1]!;
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(dir), false, 'the throwaway directory is gone');
    assert.doesNotMatch(r.stdout, /AWS_SECRET_ACCESS_KEY='[A-Za-z0-9/+]{40}'/, 'secrets are shortened');
    s.cleanup();
  });
});

describe('doctor', () => {
  test('all good: exit 0', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const { dirname } = await import('node:path');
    const { MFA_ENV } = await import('../helpers/cli.js');
    const { mkdirSync, symlinkSync } = await import('node:fs');
    const bin = `${s.dir}/bin`;
    mkdirSync(bin);
    symlinkSync(MFA_ENV, `${bin}/mfa-env`);
    symlinkSync(MFA_ENV.replace('mfa-env.js', 'mfa-exec.js'), `${bin}/mfa-exec`);
    const r = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev', MFA_ENV_SHELL_INTEGRATION: 'bash', PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /problem/);
    assert.match(r.stdout, /ok\s+secret store: file: .*store\.enc answers/);
    assert.match(r.stdout, /ok\s+shell integration: loaded in this bash/);
    assert.match(r.stdout, /all good/);
    s.cleanup();
  });

  test('a broken store, a missing profile and a missing integration: each a problem with its fix, exit 1', async () => {
    const s = makeSandbox({ env: { ...unreachableBusEnv(), MFA_ENV_STORE: 'keychain', SHELL: '/bin/bash' } });
    const r = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'missing', MFA_ENV_SHELL_INTEGRATION: undefined } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /problem\s+secret store: .*(unavailable|locked).*\n\s+fix: .*MFA_ENV_STORE=file/);
    assert.match(r.stdout, /problem\s+profile missing: no mfa_serial\n\s+fix: run: mfa-env setup --profile missing/);
    assert.match(r.stdout, /problem\s+shell integration: not loaded in this bash.*\n\s+fix: add\s+eval "\$\(mfa-env init bash\)"/);
    assert.match(r.stdout, /\d+ problems found/);
    s.cleanup();
  });
});

describe('status, logout, unset', () => {
  test('status shows the profile, the masked key, the device, the time left and this shell', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const none = await s.mfaEnv(['status']);
    assert.match(none.stdout, /^dev\s+AKIA…\w{4}\s+arn:aws:iam::\d+:mfa\/\S+\s+none$/m);
    const json = JSON.parse((await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-f', 'json', '-d', '2h'])).stdout);
    const r = await s.mfaEnv(['status'], { env: { MFA_ENV_PROFILE: 'dev', MFA_ENV_EXPIRES: String(Date.parse(json.Credentials.Expiration) / 1000), AWS_ACCESS_KEY_ID: json.Credentials.AccessKeyId } });
    assert.equal(r.code, 0, r.stderr);
    // Both lines compute the time left the same way, from the issued expiry.
    const left = /^this shell: session of 'dev', (1h59m|2h00m) left$/m.exec(r.stdout)?.[1];
    assert.ok(left, r.stdout);
    assert.match(r.stdout, new RegExp(`^dev\\s+AKIA…\\w{4}\\s+\\S+\\s+${left} left \\(this shell\\)$`, 'm'));
    assert.ok(!r.stdout.includes(user.accessKeyId) && !r.stdout.includes(json.Credentials.SecretAccessKey), 'no full key id, no secret');
    s.cleanup();
  });

  test('logout --all forgets every profile’s session and prints unset lines in the asked dialect', async () => {
    const s = sandbox();
    const a = await setUpUser(s, emulator, 'a');
    const b = await setUpUser(s, emulator, 'b');
    assert.equal((await s.mfaEnv(['-p', 'a', '-c', emulator.codeFor(serialOf(a)), '-f', 'json'])).code, 0);
    assert.equal((await s.mfaEnv(['-p', 'b', '-c', emulator.codeFor(serialOf(b)), '-f', 'json'])).code, 0);
    const r = await s.mfaEnv(['logout', '--all', '-s', 'fish']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /deleted the cached session of 'a', 'b'/);
    assert.match(r.stdout, /^set -e AWS_SESSION_TOKEN;$/m);
    assert.match(r.stdout, /^set -e MFA_ENV_EXPIRES;$/m);
    const status = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout);
    assert.deepEqual(status.profiles.map((p: { session: unknown }) => p.session), [null, null]);
    const calls = emulator.count('GetSessionToken');
    const again = await s.mfaEnv(['-p', 'a', '-s', 'bash']);
    assert.equal(again.code, 2, 'no cached session any more: a code is needed');
    assert.equal(emulator.count('GetSessionToken'), calls);
    s.cleanup();
  });

  test('unset prints the same variables for every dialect, and nothing else', async () => {
    const s = sandbox();
    const names = (out: string, re: RegExp) => [...out.matchAll(re)].map((m) => m[1]);
    const bash = await s.mfaEnv(['unset', '-s', 'bash']);
    const fish = await s.mfaEnv(['unset', '-s', 'fish']);
    const pwsh = await s.mfaEnv(['unset', '-s', 'powershell']);
    const expected = names(bash.stdout, /^unset (\w+)$/gm);
    assert.ok(expected.includes('AWS_SECRET_ACCESS_KEY') && expected.includes('MFA_ENV_PROFILE'));
    assert.ok(!expected.includes('AWS_PROFILE') && !expected.includes('AWS_REGION'), 'the user’s own settings stay');
    assert.deepEqual(names(fish.stdout, /^set -e (\w+);$/gm), expected);
    assert.deepEqual(names(pwsh.stdout, /^Remove-Item Env:(\w+) -ErrorAction SilentlyContinue$/gm), expected);
    assert.equal(bash.stdout.trimEnd().split('\n').length, expected.length);
    s.cleanup();
  });
});

describe('init and completion', () => {
  test('init prints the files from shell/ byte for byte', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('../helpers/cli.js');
    const s = makeSandbox();
    for (const [shell, file] of [['bash', 'mfa-env.bash'], ['zsh', 'mfa-env.zsh'], ['fish', 'mfa-env.fish'], ['powershell', 'mfa-env.ps1']]) {
      const r = await s.mfaEnv(['init', shell!]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(`${ROOT}/shell/${file}`, 'utf8'), shell);
    }
    const bad = await s.mfaEnv(['init', 'tcsh']);
    assert.equal(bad.code, 2);
    s.cleanup();
  });

  test('completion answers yargs’s protocol with commands and options, and never runs an export', async () => {
    const s = sandbox();
    const cmds = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '']);
    assert.equal(cmds.code, 0, cmds.stderr);
    for (const c of ['setup', 'status', 'logout', 'doctor', 'demo']) assert.match(cmds.stdout, new RegExp(`^${c}`, 'm'));
    const opts = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'setup', '--']);
    assert.match(opts.stdout, /--access-key-id/);
    assert.match(opts.stdout, /--mfa-serial/);
    const script = await s.mfaEnv(['completion']);
    assert.equal(script.code, 0);
    assert.match(script.stdout, /--get-yargs-completions/);
    s.cleanup();
  });
});
