// `mfa-env --follow`, what the prompt hook of an open shell runs when its
// session nears its end: it prints the cached session only when that is newer
// than the shell's ($MFA_ENV_EXPIRES), and otherwise nothing — never a mint,
// a prompt, or a wait. (The shells' side is in the shell tests.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, type Sandbox } from '../helpers/cli.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.close());

const exported = (stdout: string, name: string) => new RegExp(`^export ${name}='([^']*)'$`, 'm').exec(stdout)?.[1];

describe('mfa-env --follow', () => {
  let s: Sandbox;
  let serial: string;
  before(async () => {
    s = emulatorSandbox(emulator.url);
    serial = serialOf(await setUpUser(s, emulator, 'dev'));
  });
  after(() => s.cleanup());

  test('nothing cached: prints nothing, exit 0, no STS call, no prompt', async () => {
    const calls = emulator.count();
    const r = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'bash']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.equal(emulator.count(), calls);
  });

  test('prints the cached session only when it is newer than the one this shell holds', async () => {
    const minted = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serial), '-s', 'bash']);
    assert.equal(minted.code, 0, minted.stderr);
    const expires = Number(exported(minted.stdout, 'MFA_ENV_EXPIRES'));
    const calls = emulator.count();

    const same = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'bash'], { env: { MFA_ENV_EXPIRES: String(expires) } });
    assert.deepEqual([same.code, same.stdout, same.stderr], [0, '', '']);

    const older = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'bash'], {
      env: { MFA_ENV_EXPIRES: String(expires - 3000) },
    });
    assert.equal(older.code, 0, older.stderr);
    assert.equal(older.stdout, minted.stdout, 'the same lines a plain export prints');
    assert.equal(older.stderr, '');

    const fish = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'fish'], { env: { MFA_ENV_EXPIRES: '' } });
    assert.match(fish.stdout, /^set -gx AWS_SESSION_TOKEN /m);
    const pwsh = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'powershell'], { env: { MFA_ENV_EXPIRES: '' } });
    assert.match(pwsh.stdout, /^\$Env:AWS_SESSION_TOKEN = '[^']+'$/m, 'what the PowerShell prompt applies');
    assert.match(pwsh.stdout, /^\$Env:MFA_ENV_EXPIRES = '\d+'$/m);
    assert.equal(emulator.count(), calls, 'no AWS call');
  });

  test('the file store without MFA_ENV_FILE_PASSPHRASE: nothing, and no passphrase asked', async () => {
    const r = await s.mfaEnv(['--follow', '-p', 'dev', '-s', 'bash'], { env: { MFA_ENV_FILE_PASSPHRASE: undefined } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  });

  test('with a flag that would mint or write: exit 2', async () => {
    for (const extra of [['--refresh'], ['-c', '123456'], ['--no-cache'], ['--write-profile', 'x']]) {
      const r = await s.mfaEnv(['--follow', '-p', 'dev', ...extra]);
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--follow only reads the cache/);
      assert.equal(r.stdout, '');
    }
  });
});
