// `mfa-env setup --credential-process NAME` and the `credential-process`
// command it points at. Driving it through the AWS CLI and SDKs is in
// aws-cli.test.ts and sdk.test.ts; here: what gets written, and the command's
// own contract (cache, mfa_process, failing cleanly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MFA_ENV, ROOT, runCommand } from '../helpers/cli.js';
import { assertOk, devProfile, lines } from '../helpers/dev-profile.js';

const ABSOLUTE = `${process.execPath} ${MFA_ENV} credential-process --profile dev`;

const HAND_WRITTEN = [
  '# my config',
  '[default]',
  'region = us-east-1',
  '',
  '; work account',
  '[profile work] # sso',
  'sso_session = corp',
  '',
].join('\n');

/** Runs a credential_process line the way the JS SDK and the Go SDK do: through sh. */
function viaSh(line: string, env: Record<string, string | undefined>) {
  return runCommand('sh', ['-c', line], env);
}

test('setup with a key and --credential-process writes both profiles; every other byte stays', async () => {
  const dev = await devProfile({
    config: HAND_WRITTEN,
    setupArgs: ['--region', 'eu-west-1', '--credential-process', 'dev-mfa'],
  });
  try {
    const serial = dev.serial;
    assert.equal(
      readFileSync(dev.sandbox.configFile, 'utf8'),
      HAND_WRITTEN +
        [
          '',
          '[profile dev]',
          `mfa_serial = ${serial}`,
          'region = eu-west-1',
          '',
          '[profile dev-mfa]',
          `credential_process = ${ABSOLUTE}`,
          'region = eu-west-1',
          '',
        ].join('\n'),
    );
  } finally {
    await dev.close();
  }
});

test('alone, after setup: writes only [profile NAME], asks for no key (there is no terminal), and the line runs', async () => {
  const dev = await devProfile({ config: HAND_WRITTEN });
  try {
    const before = readFileSync(dev.sandbox.configFile, 'utf8');
    const r = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev-mfa']);
    assertOk(r, 'setup --credential-process');
    assert.equal(
      readFileSync(dev.sandbox.configFile, 'utf8'),
      before + `\n[profile dev-mfa]\ncredential_process = ${ABSOLUTE}\n`,
    );
    assert.match(r.stderr, /\[profile dev-mfa\] in .*config written with: credential_process = /);

    // Fill the cache, then run the written line as an SDK would: it answers from the cache.
    const first = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev', '-c', dev.code()]);
    assertOk(first, 'credential-process with a code');
    const viaLine = await viaSh(ABSOLUTE, dev.sandbox.env);
    assertOk(viaLine, 'the credential_process line');
    assert.equal(viaLine.stdout, first.stdout);
    const json = JSON.parse(viaLine.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    assert.equal(json.Version, 1);
    assert.equal(json.Expiration, dev.expiryFor(43_200));
    assert.equal(dev.emulator.count('GetSessionToken'), 1);

    // Running setup again changes nothing.
    const again = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev-mfa']);
    assertOk(again, 'setup --credential-process again');
    assert.match(again.stderr, /already has: credential_process = /);
    assert.equal(
      readFileSync(dev.sandbox.configFile, 'utf8'),
      before + `\n[profile dev-mfa]\ncredential_process = ${ABSOLUTE}\n`,
    );
  } finally {
    await dev.close();
  }
});

test('the line names the mfa-env on PATH by its absolute path when it is this mfa-env, and node and the script when it is another; it runs without PATH', async () => {
  const dev = await devProfile();
  try {
    const bin = join(dev.sandbox.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(MFA_ENV, join(bin, 'mfa-env'));
    const onPath = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'a'], {
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    assertOk(onPath, 'setup with mfa-env on PATH');

    const other = join(dev.sandbox.dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'mfa-env'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(other, 'mfa-env'), 0o755);
    const shadowed = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'b'], {
      env: { PATH: `${other}:${bin}:${process.env.PATH}` },
    });
    assertOk(shadowed, 'setup with another mfa-env first on PATH');

    // What install.sh links: the launcher next to the bundle (scripts/build.mjs).
    const launcherBin = join(dev.sandbox.dir, 'launcher-bin');
    mkdirSync(launcherBin);
    symlinkSync(join(ROOT, 'dist', 'mfa-env'), join(launcherBin, 'mfa-env'));
    const viaLauncher = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'c'], {
      env: { PATH: `${launcherBin}:${process.env.PATH}` },
    });
    assertOk(viaLauncher, 'setup with the launcher on PATH');

    const config = readFileSync(dev.sandbox.configFile, 'utf8');
    // The mfa-env on PATH, by its absolute name: an IDE or cron has no ~/.local/bin on its PATH.
    assert.ok(
      config.includes(`[profile a]\ncredential_process = ${join(bin, 'mfa-env')} credential-process --profile dev\n`),
    );
    assert.ok(
      config.includes(
        `[profile c]\ncredential_process = ${join(launcherBin, 'mfa-env')} credential-process --profile dev\n`,
      ),
    );
    assert.match(
      config,
      new RegExp(`\\[profile b\\]\\ncredential_process = ${ABSOLUTE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n`),
    );

    // The written line runs with a PATH that has no mfa-env on it (only node's directory, for the launcher's env).
    assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'export (fills the cache)');
    for (const profile of ['a', 'c']) {
      const line = new RegExp(`\\[profile ${profile}\\]\\ncredential_process = (.*)`).exec(config)![1]!;
      const run = await viaSh(line, { ...dev.sandbox.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });
      assertOk(run, `[profile ${profile}]'s line without mfa-env on PATH`);
      assert.equal(JSON.parse(run.stdout).Version, 1);
    }
  } finally {
    await dev.close();
  }
});

test('a path with spaces and quotes is quoted so that sh runs it', async () => {
  const dev = await devProfile();
  try {
    const spaced = join(dev.sandbox.dir, 'Program Files', "it's here");
    cpSync(join(ROOT, 'dist'), join(spaced, 'dist'), { recursive: true });
    const r = await runCommand(
      process.execPath,
      [join(spaced, 'dist', 'mfa-env.js'), 'setup', '--profile', 'dev', '--credential-process', 'dev-mfa'],
      dev.sandbox.env,
    );
    assertOk(r, 'setup from a spaced path');
    const line = /credential_process = (.*)/.exec(readFileSync(dev.sandbox.configFile, 'utf8'))![1]!;
    assert.equal(
      line,
      `${process.execPath} '${spaced.replace(/'/g, `'\\''`)}/dist/mfa-env.js' credential-process --profile dev`,
    );
    assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'export (fills the cache)');
    const out = await viaSh(line, dev.sandbox.env);
    assertOk(out, 'the quoted line');
    assert.equal(JSON.parse(out.stdout).Expiration, dev.expiryFor(43_200));
  } finally {
    await dev.close();
  }
});

test('refuses an existing, different [profile NAME] before storing anything (exit 2, one line); --force replaces it whole', async () => {
  const existing =
    HAND_WRITTEN +
    '\n[profile dev-mfa]\n# assumes a role\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n';
  const dev = await devProfile({ config: existing });
  try {
    const before = readFileSync(dev.sandbox.configFile, 'utf8');
    const refused = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev-mfa']);
    assert.equal(refused.code, 2);
    assert.deepEqual(lines(refused.stderr).length, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /^mfa-env: \[profile dev-mfa\] already exists in .*config with other settings; left it alone \(.*--force.*\)\n$/,
    );
    assert.equal(readFileSync(dev.sandbox.configFile, 'utf8'), before);

    // With a key to store too: still refused first, so nothing is stored.
    const other = await dev.sandbox.mfaEnv(
      [
        'setup',
        '--profile',
        'fresh',
        '--access-key-id',
        dev.user.accessKeyId,
        '--secret-stdin',
        '--mfa-serial',
        dev.serial,
        '--credential-process',
        'dev-mfa',
      ],
      { input: dev.user.secretAccessKey },
    );
    assert.equal(other.code, 2);
    assert.equal(readFileSync(dev.sandbox.configFile, 'utf8'), before);
    const notStored = await dev.sandbox.mfaEnv(['-p', 'fresh', '-c', dev.code(), '-s', 'bash']);
    assert.equal(notStored.code, 2);
    assert.match(notStored.stderr, /profile 'fresh' is not set up/);

    const forced = await dev.sandbox.mfaEnv([
      'setup',
      '--profile',
      'dev',
      '--credential-process',
      'dev-mfa',
      '--force',
    ]);
    assertOk(forced, 'setup --credential-process --force');
    assert.match(forced.stderr, /replaced; now has: credential_process = /);
    const after = readFileSync(dev.sandbox.configFile, 'utf8');
    assert.ok(after.startsWith(HAND_WRITTEN));
    assert.ok(
      after.includes(`\n[profile dev-mfa]\ncredential_process = ${ABSOLUTE}\n# assumes a role\n\n[profile dev]\n`),
      after,
    );
    assert.doesNotMatch(after, /role_arn|source_profile/);
  } finally {
    await dev.close();
  }
});

test('a section already running mfa-env for the same profile (started another way) is updated, its other keys kept', async () => {
  const dev = await devProfile({
    config: '[profile dev-mfa]\ncredential_process = mfa-env credential-process --profile dev\noutput = json\n',
  });
  try {
    const r = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev-mfa']);
    assertOk(r, 'setup --credential-process');
    assert.match(r.stderr, /updated to: credential_process = /);
    assert.match(
      readFileSync(dev.sandbox.configFile, 'utf8'),
      /^\[profile dev-mfa\]\ncredential_process = .*\/dist\/mfa-env\.js credential-process --profile dev\noutput = json\n/,
    );
  } finally {
    await dev.close();
  }
});

test('refuses NAME equal to the source profile, and --force without --credential-process', async () => {
  const dev = await devProfile();
  try {
    const before = readFileSync(dev.sandbox.configFile, 'utf8');
    const same = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev', '--force']);
    assert.equal(same.code, 2);
    assert.deepEqual(lines(same.stderr), [
      'mfa-env: --credential-process dev is the profile that holds the MFA settings; name another profile (for example dev-mfa)',
    ]);
    const force = await dev.sandbox.mfaEnv(['setup', '--profile', 'dev', '--force']);
    assert.equal(force.code, 2);
    assert.match(force.stderr, /--force goes with --credential-process/);
    assert.equal(readFileSync(dev.sandbox.configFile, 'utf8'), before);
  } finally {
    await dev.close();
  }
});

test('credential-process: mints with mfa_process when nothing is cached; with no code and no terminal it fails on stderr, nothing on stdout', async () => {
  const dev = await devProfile();
  try {
    const fail = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev']);
    assert.equal(fail.code, 2);
    assert.equal(fail.stdout, '');
    assert.deepEqual(lines(fail.stderr), [
      'mfa-env: an MFA code is needed and there is no terminal to ask on',
      'mfa-env: mint a session from a terminal once (mfa-env credential-process -p dev >/dev/null; tools then use it), or set mfa_process in [profile dev]',
    ]);

    writeFileSync(
      dev.sandbox.configFile,
      readFileSync(dev.sandbox.configFile, 'utf8') + `mfa_process = echo ${dev.code()}\n`,
    );
    const minted = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev', '-d', '2h']);
    assertOk(minted, 'credential-process with mfa_process');
    assert.equal(JSON.parse(minted.stdout).Expiration, dev.expiryFor(7200));
    assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 1);
  } finally {
    await dev.close();
  }
});

test('AWS_PROFILE=dev-mfa, as setup suggests: mfa-env, mfa-exec and doctor take it for dev; a role cannot use it as its source', async () => {
  const dev = await devProfile();
  try {
    const s = dev.sandbox;
    assertOk(await s.mfaEnv(['setup', '--profile', 'dev', '--credential-process', 'dev-mfa']), 'setup');
    const env = { AWS_PROFILE: 'dev-mfa' };
    const exported = await s.mfaEnv(['-s', 'bash', '-c', dev.code()], { env });
    assertOk(exported, 'export with AWS_PROFILE=dev-mfa');
    assert.match(exported.stdout, /^export MFA_ENV_PROFILE='dev'$/m);
    const exec = await s.mfaExec(['--', process.execPath, '-e', 'console.log(process.env.MFA_ENV_PROFILE)'], { env });
    assert.equal(exec.stdout.trim(), 'dev', exec.stderr);
    assert.equal(dev.emulator.count('GetSessionToken'), 1, 'mfa-exec reused the session');

    const doctor = await s.mfaEnv(['doctor'], { env });
    assert.match(doctor.stdout, /^ok +profile dev-mfa: credential_process runs mfa-env for 'dev'$/m);
    assert.doesNotMatch(doctor.stdout, /^problem +\S+ dev-mfa/m);
    assert.match(doctor.stdout, /^ok +key dev: stored/m);

    const arn = `arn:aws:iam::${dev.user.accountId}:role/admin`;
    const role = await s.mfaEnv(['setup', '--profile', 'stage', '--role-arn', arn, '--source-profile', 'dev-mfa']);
    assert.equal(role.code, 2, role.stderr);
    assert.deepEqual(lines(role.stderr), [
      "mfa-env: --source-profile dev-mfa only runs mfa-env for 'dev' (credential_process); a role's source is the profile with the key or the role before it",
      'mfa-env: use --source-profile dev',
    ]);
    const typo = await s.mfaEnv(['setup', '--profile', 'stage', '--role-arn', arn, '--source-profile', 'dve']);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /^mfa-env: --source-profile dve does not exist; did you mean dev\?$/m);
    assert.doesNotMatch(readFileSync(s.configFile, 'utf8'), /\[profile stage\]/, 'nothing written');

    // Chained wrappers are followed; a loop is one line, not a hang; a line that only mentions mfa-env is not one.
    const bin = join(s.dir, 'bin', 'mfa-env');
    writeFileSync(
      s.configFile,
      readFileSync(s.configFile, 'utf8') +
        `\n[profile outer]\ncredential_process = ${bin} credential-process --profile dev-mfa\n` +
        `\n[profile a]\ncredential_process = ${bin} credential-process --profile b\n` +
        `\n[profile b]\ncredential_process = ${bin} credential-process --profile a\n` +
        `\n[profile mention]\ncredential_process = sh -c 'echo mfa-env credential-process --profile dev'\n`,
    );
    const outer = await s.mfaEnv(['-p', 'outer', '-s', 'bash']);
    assertOk(outer, 'outer → dev-mfa → dev');
    assert.match(outer.stdout, /^export MFA_ENV_PROFILE='dev'$/m);
    const loop = await s.mfaEnv(['-p', 'a', '-s', 'bash']);
    assert.equal(loop.code, 2, loop.stderr);
    assert.match(loop.stderr, /^mfa-env: profile 'a': credential_process runs mfa-env in a loop \(a → b → a\)$/m);
    const loopDoctor = await s.mfaEnv(['doctor', '-p', 'a']);
    assert.match(loopDoctor.stdout, /^problem +profile a: profile 'a': credential_process runs mfa-env in a loop/m);
    const mention = await s.mfaEnv(['-p', 'mention', '-s', 'bash']);
    assert.equal(mention.code, 2, mention.stderr);
    assert.match(mention.stderr, /profile 'mention' has no mfa_serial/);

    // logout of the wrapper forgets the session it hands out.
    const out = await s.mfaEnv(['logout', '-p', 'dev-mfa', '-s', 'bash']);
    assert.match(out.stderr, /deleted the cached session of 'dev'/);
  } finally {
    await dev.close();
  }
});
