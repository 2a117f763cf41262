// `mfa-env setup` and `remove` as a user runs them: flags and stdin, a real
// terminal (tmux) for the interactive form, device discovery against the
// emulator, --import/--remove-plaintext on a real credentials file, and the
// real Secret Service as the store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { fileStoreEnv, makeSandbox, MFA_ENV, type RunResult, type Sandbox } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { startSecretService, type SecretService } from '../helpers/secret-service.js';
import { TmuxShell, cleanup, shq, tempDir } from './shell-helpers.js';

let emulator: Emulator;
let secrets: SecretService;
before(async () => {
  emulator = await startEmulator();
  secrets = await startSecretService();
});
after(async () => {
  await emulator.close();
  await secrets?.stop();
});

function sandbox(): Sandbox {
  return makeSandbox({ env: { ...secrets.env, AWS_ENDPOINT_URL: emulator.url } });
}

function newUser(devices = 1): EmulatorUser {
  const user = makeUser();
  const first = user.mfaDevices[0]!;
  user.mfaDevices = Array.from({ length: devices }, (_, i) => ({
    ...first,
    serialNumber: `${first.serialNumber}-${i + 1}`,
  }));
  emulator.addUser(user);
  return user;
}

/** Every file under `dir`, recursively, as text: where a plaintext secret could hide. */
function allText(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(readFileSync(join(entry.parentPath, entry.name), 'latin1'));
  }
  return out;
}

function secretToolItems(): string {
  const r = execFileSync('secret-tool', ['search', '--all', 'service', 'mfa-env'], {
    env: { ...process.env, ...secrets.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return r;
}

function expectUsage(r: RunResult, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.length <= 2 && lines.every((l) => l.startsWith('mfa-env: ')), r.stderr);
}

describe('setup with flags', { ...requireTool('dbus-daemon', 'gnome-keyring-daemon', 'secret-tool') }, () => {
  test('stores the key in the Secret Service, writes mfa_serial/region, and leaves no plaintext copy', async () => {
    const s = sandbox();
    const user = newUser();
    writeFileSync(s.configFile, '# mine\n[profile other]\noutput = json\n');
    const r = await s.mfaEnv(
      [
        'setup',
        '-p',
        'dev',
        '--access-key-id',
        user.accessKeyId,
        '--secret-stdin',
        '--mfa-serial',
        user.mfaDevices[0]!.serialNumber,
        '--region',
        'eu-west-1',
      ],
      { input: user.secretAccessKey + '\n' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(
      readFileSync(s.configFile, 'utf8'),
      `# mine\n[profile other]\noutput = json\n\n[profile dev]\nmfa_serial = ${user.mfaDevices[0]!.serialNumber}\nregion = eu-west-1\n`,
    );
    // The item is in the real Secret Service, where other tools can see it.
    assert.match(secretToolItems(), /key:dev/);
    const status = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout);
    assert.equal(status.store.backend, 'keychain');
    assert.deepEqual(
      status.profiles.map((p: { profile: string; keyId: string }) => [p.profile, p.keyId]),
      [['dev', `${user.accessKeyId.slice(0, 4)}…${user.accessKeyId.slice(-4)}`]],
    );
    for (const text of allText(s.dir))
      assert.ok(!text.includes(user.secretAccessKey), 'no plaintext copy of the secret in HOME or the temp dir');
    // And it works: a session from the stored key.
    const exp = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(user.mfaDevices[0]!.serialNumber), '-s', 'bash']);
    assert.equal(exp.code, 0, exp.stderr);
    s.cleanup();
  });

  test('discovers the device: one is taken, none says how to assign one, several without a terminal ask for --mfa-serial', async () => {
    const s = sandbox();
    const one = newUser(1);
    const r1 = await s.mfaEnv(['setup', '-p', 'one', '--access-key-id', one.accessKeyId, '--secret-stdin'], {
      input: one.secretAccessKey,
    });
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stderr, new RegExp(`found MFA device ${one.mfaDevices[0]!.serialNumber}`));
    assert.match(
      readFileSync(s.configFile, 'utf8'),
      new RegExp(`\\[profile one\\]\\nmfa_serial = ${one.mfaDevices[0]!.serialNumber}\\n`),
    );

    const before = readFileSync(s.configFile, 'utf8');
    const none = newUser(0);
    const r0 = await s.mfaEnv(['setup', '-p', 'none', '--access-key-id', none.accessKeyId, '--secret-stdin'], {
      input: none.secretAccessKey,
    });
    expectUsage(r0, /no MFA device[\s\S]*Assign MFA device[\s\S]*nothing was stored/);
    const two = newUser(2);
    const r2 = await s.mfaEnv(['setup', '-p', 'two', '--access-key-id', two.accessKeyId, '--secret-stdin'], {
      input: two.secretAccessKey,
    });
    expectUsage(r2, /2 MFA devices[\s\S]*--mfa-serial/);
    assert.equal(readFileSync(s.configFile, 'utf8'), before, 'nothing written for a failed setup');
    assert.doesNotMatch(secretToolItems(), /key:(none|two)\b/);
    s.cleanup();
  });

  test('every bad input: exit 2, one clean line, nothing stored or written', async () => {
    const s = sandbox();
    const user = newUser();
    const serial = user.mfaDevices[0]!.serialNumber;
    const cases: [string[], string, RegExp][] = [
      [
        ['--access-key-id', 'AKIA123', '--secret-stdin', '--mfa-serial', serial],
        user.secretAccessKey,
        /AKIA followed by 16/,
      ],
      [
        ['--access-key-id', 'ASIA' + user.accessKeyId.slice(4), '--secret-stdin', '--mfa-serial', serial],
        user.secretAccessKey,
        /temporary \(ASIA…\) key/,
      ],
      [['--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial], 'short', /40 characters/],
      [
        ['--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', 'arn:aws:iam::1:mfa/x'],
        user.secretAccessKey,
        /not an MFA device ARN/,
      ],
      [
        ['--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial, '--region', 'mars'],
        user.secretAccessKey,
        /not an AWS region/,
      ],
      [['--secret-stdin', '--mfa-serial', serial], user.secretAccessKey, /--secret-stdin needs --access-key-id/],
      [['--access-key-id', user.accessKeyId, '--mfa-serial', serial], '', /no terminal/],
      [['--remove-plaintext'], '', /--remove-plaintext goes with --import/],
      [['--import'], '', /no aws_access_key_id/],
      [['--bogus'], '', /bogus[\s\S]*--help/],
    ];
    for (const [args, input, pattern] of cases) {
      expectUsage(await s.mfaEnv(['setup', '-p', 'bad', ...args], { input }), pattern);
    }
    assert.equal(existsSync(s.configFile), false, 'no config file was created');
    assert.doesNotMatch(secretToolItems(), /key:bad\b/);
    s.cleanup();
  });

  test('--import then --remove-plaintext: exactly two lines go, the backup has the secret redacted', async () => {
    const s = sandbox();
    const user = newUser();
    const original = [
      '# my credentials',
      '[default]',
      'aws_access_key_id = AKIAOTHEROTHEROTHER1',
      'aws_secret_access_key = keep/this/one/for/the/default/profile00',
      '',
      '; work account',
      '[dev]',
      `aws_access_key_id = ${user.accessKeyId}`,
      `aws_secret_access_key = ${user.secretAccessKey}`,
      'region = us-west-2',
      '',
      '[zzz]',
      'aws_access_key_id = AKIAZZZZZZZZZZZZZZZZ',
      '',
    ].join('\n');
    writeFileSync(s.credentialsFile, original, { mode: 0o600 });
    const imported = await s.mfaEnv([
      'setup',
      '-p',
      'dev',
      '--import',
      '--mfa-serial',
      user.mfaDevices[0]!.serialNumber,
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /--remove-plaintext deletes it/);
    assert.equal(readFileSync(s.credentialsFile, 'utf8'), original, '--import alone changes nothing');

    const removed = await s.mfaEnv([
      'setup',
      '-p',
      'dev',
      '--import',
      '--remove-plaintext',
      '--mfa-serial',
      user.mfaDevices[0]!.serialNumber,
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    const after = readFileSync(s.credentialsFile, 'utf8');
    assert.equal(
      after,
      original.replace(
        `aws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
        '',
      ),
    );
    assert.equal(statSync(s.credentialsFile).mode & 0o777, 0o600);
    const backupPath = `${s.credentialsFile}.mfa-env-backup`;
    const backup = readFileSync(backupPath, 'utf8');
    assert.equal(statSync(backupPath).mode & 0o777, 0o600);
    assert.ok(backup.includes(`aws_access_key_id = ${user.accessKeyId}`), 'the backup keeps the structure');
    for (const text of allText(s.dir))
      assert.ok(!text.includes(user.secretAccessKey), 'the secret is nowhere in plaintext');
    // The key in the store is the one that was in the file.
    const exp = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(user.mfaDevices[0]!.serialNumber), '-s', 'bash']);
    assert.equal(exp.code, 0, exp.stderr);
    s.cleanup();
  });

  test('remove deletes the key and the session; removing again is exit 2', async () => {
    const s = sandbox();
    const user = newUser();
    const serial = user.mfaDevices[0]!.serialNumber;
    assert.equal(
      (
        await s.mfaEnv(
          ['setup', '-p', 'gone', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial],
          { input: user.secretAccessKey },
        )
      ).code,
      0,
    );
    assert.equal((await s.mfaEnv(['-p', 'gone', '-c', emulator.codeFor(serial), '-f', 'json'])).code, 0);
    assert.match(secretToolItems(), /session:gone/);
    const r = await s.mfaEnv(['remove', '-p', 'gone']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed the long-term key and cached session of 'gone'/);
    assert.doesNotMatch(secretToolItems(), /:gone\b/);
    expectUsage(await s.mfaEnv(['remove', '-p', 'gone']), /nothing is stored for profile 'gone'/);
    expectUsage(
      await s.mfaEnv(['-p', 'gone', '-c', '123456', '-s', 'bash']),
      /no long-term key[\s\S]*mfa-env setup --profile gone/,
    );
    s.cleanup();
  });
});

describe('setup on a terminal', { ...requireTool('tmux', 'dbus-daemon', 'gnome-keyring-daemon') }, () => {
  test('asks for the key id and the hidden secret, lets the user pick one of two devices', async () => {
    const s = sandbox();
    const user = newUser(2);
    const dir = tempDir('setup-tty');
    const env = Object.fromEntries(
      Object.entries(s.env).filter(([k, v]) => v !== undefined && k !== 'PATH' && k !== 'HOME'),
    ) as Record<string, string>;
    const sh = TmuxShell.start(dir, 'bash', process.env.PATH ?? '/usr/bin:/bin', { ...env, HOME: s.home });
    try {
      sh.type(`${shq(process.execPath)} ${shq(MFA_ENV)} setup -p dev; echo $? > ${shq(join(dir, 'rc'))}`);
      await sh.waitForScreen((screen) => /access key id/i.test(screen)); // (a new one, when an earlier test stored dev in this keychain)
      sh.type(user.accessKeyId);
      await sh.waitForScreen((screen) => /Secret access key/.test(screen));
      sh.type(user.secretAccessKey);
      await sh.waitForScreen((screen) => /Region/.test(screen));
      sh.typeKeys('', 'Enter'); // the default
      await sh.waitForScreen((screen) => /Which MFA device/.test(screen));
      const screen = sh.capture();
      assert.ok(!screen.includes(user.secretAccessKey), 'the secret is not echoed');
      sh.typeKeys('', 'Down', 'Enter'); // the second device
      await sh.waitForFile(join(dir, 'rc'));
      assert.equal(sh.read('rc').trim(), '0', sh.capture());
      assert.match(
        readFileSync(s.configFile, 'utf8'),
        new RegExp(`mfa_serial = ${user.mfaDevices[1]!.serialNumber}\\n`),
      );
      const exp = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(user.mfaDevices[1]!.serialNumber), '-s', 'bash']);
      assert.equal(exp.code, 0, exp.stderr);
    } finally {
      sh.close();
      cleanup(dir);
      s.cleanup();
    }
  });
  test('the file store’s passphrase is asked once per run, though --write-profile looks at the store before the session does', async () => {
    const s = sandbox();
    Object.assign(s.env, fileStoreEnv(s.dir, 'open sesame'));
    const user = newUser();
    const serial = user.mfaDevices[0]!.serialNumber;
    // A store that exists already (made with the passphrase in the environment).
    const first = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial],
      { input: user.secretAccessKey },
    );
    assert.equal(first.code, 0, first.stderr);
    const dir = tempDir('store-pass');
    const env = Object.fromEntries(
      Object.entries(s.env).filter(
        ([k, v]) => v !== undefined && !['PATH', 'HOME', 'MFA_ENV_FILE_PASSPHRASE'].includes(k),
      ),
    ) as Record<string, string>;
    const sh = TmuxShell.start(dir, 'bash', process.env.PATH ?? '/usr/bin:/bin', { ...env, HOME: s.home });
    try {
      sh.type(
        `${shq(process.execPath)} ${shq(MFA_ENV)} -p dev -c ${emulator.codeFor(serial)} --write-profile dev-mfa; echo $? > ${shq(join(dir, 'rc'))}`,
      );
      await sh.waitForScreen((screen) => /file store passphrase/.test(screen));
      sh.type('open sesame');
      await sh.waitForFile(join(dir, 'rc'));
      assert.equal(sh.read('rc').trim(), '0', sh.capture());
      assert.equal(sh.capture().split('file store passphrase').length - 1, 1, `asked once:\n${sh.capture()}`);
      assert.match(readFileSync(s.credentialsFile, 'utf8'), /^\[dev-mfa\]$/m);
    } finally {
      sh.close();
      cleanup(dir);
      s.cleanup();
    }
  });
});
