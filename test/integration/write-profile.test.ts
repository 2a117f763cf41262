// `mfa-env --write-profile NAME`: the session written into the shared
// credentials file the way a careful person would do it by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { harnessEnv, MFA_ENV, runCommand } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { assertOk, devProfile, exportsOf, lines } from '../helpers/dev-profile.js';
import { runOnTerminal } from '../helpers/tools.js';

const EXISTING = [
  '# my credentials — hand-written, keep every byte',
  '[default]',
  'aws_access_key_id = AKIAAAAAAAAAAAAAAAAA',
  'aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '',
  '; the build robot',
  '[robot]   # comment after a header',
  'aws_access_key_id=AKIABBBBBBBBBBBBBBBB',
  'aws_secret_access_key=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  'region = eu-west-1',
  '',
  '',
].join('\n');

const mode = (path: string) => statSync(path).mode & 0o777;

/** The [name] block of an ini text, header to the line before the next header. */
function block(text: string, name: string): string[] {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.startsWith(`[${name}]`));
  assert.ok(start >= 0, `no [${name}] in:\n${text}`);
  let end = start + 1;
  while (end < all.length && !all[end]!.startsWith('[')) end++;
  return all.slice(start, end).filter((l) => l.trim() !== '');
}

test('writes the session into [NAME], appended after every untouched byte, and says so without secrets', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    const r = await dev.sandbox.mfaEnv([
      '-p',
      'dev',
      '-c',
      dev.code(),
      '-d',
      '1h',
      '-s',
      'bash',
      '--write-profile',
      'mfa-session',
    ]);
    assertOk(r, 'export --write-profile');
    const env = exportsOf(r.stdout);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, dev.expiryFor(3600), 'the export lines are printed too');

    const after = readFileSync(dev.sandbox.credentialsFile, 'utf8');
    assert.ok(after.startsWith(EXISTING), 'every existing byte kept, in place');
    assert.deepEqual(after.slice(EXISTING.length).split('\n'), [
      '[mfa-session]',
      `aws_access_key_id = ${env.AWS_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${env.AWS_SECRET_ACCESS_KEY}`,
      `aws_session_token = ${env.AWS_SESSION_TOKEN}`,
      `aws_credential_expiration = ${dev.expiryFor(3600)}`,
      `x_security_token_expires = ${dev.expiryFor(3600)}`,
      '',
    ]);
    assert.equal(mode(dev.sandbox.credentialsFile), 0o600);

    assert.match(r.stderr, /wrote the session of 'dev' to \[mfa-session\] in .*credentials \(expires /);
    assert.equal(lines(r.stderr).length, 1, 'a 0600 file: no warning');
    for (const secret of [env.AWS_SECRET_ACCESS_KEY!, env.AWS_SESSION_TOKEN!, dev.user.secretAccessKey]) {
      assert.ok(!r.stderr.includes(secret), 'no secret on stderr');
    }
    assert.deepEqual(
      readdirSync(dirname(dev.sandbox.credentialsFile)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')),
      [],
    );
  } finally {
    await dev.close();
  }
});

test('rewriting the same NAME updates its lines in place and drops keys that would shadow ours', async () => {
  const dev = await devProfile();
  try {
    const old = [
      '[mfa-session]',
      '# minted by some older tool',
      'aws_access_key_id = ASIAOLDOLDOLDOLDOLDO',
      'aws_secret_access_key = old',
      'aws_security_token = OLDTOKEN',
      'aws_session_token = OLDTOKEN',
      'expiration = 2001-01-01T00:00:00Z',
      'region = us-west-2',
      '',
      '[other]',
      'region = eu-west-1',
      '',
    ].join('\n');
    writeFileSync(dev.sandbox.credentialsFile, old, { mode: 0o600 });
    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa-session']);
    assertOk(r, 'export --write-profile');
    const env = exportsOf(r.stdout);
    const after = readFileSync(dev.sandbox.credentialsFile, 'utf8');
    assert.deepEqual(after.split('\n'), [
      '[mfa-session]',
      '# minted by some older tool',
      `aws_access_key_id = ${env.AWS_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${env.AWS_SECRET_ACCESS_KEY}`,
      `aws_session_token = ${env.AWS_SESSION_TOKEN}`,
      'region = us-west-2',
      `aws_credential_expiration = ${dev.expiryFor(43_200)}`,
      `x_security_token_expires = ${dev.expiryFor(43_200)}`,
      '',
      '[other]',
      'region = eu-west-1',
      '',
    ]);
  } finally {
    await dev.close();
  }
});

test('creates a missing credentials file 0600 in a new 0700 directory', async () => {
  const dev = await devProfile();
  try {
    const path = join(dev.sandbox.dir, 'elsewhere', '.aws', 'credentials');
    const r = await dev.sandbox.mfaEnv(
      ['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa-session'],
      {
        env: { AWS_SHARED_CREDENTIALS_FILE: path },
      },
    );
    assertOk(r, 'export --write-profile');
    assert.equal(mode(path), 0o600);
    assert.equal(mode(dirname(path)), 0o700);
    assert.match(readFileSync(path, 'utf8'), /^\[mfa-session\]\naws_access_key_id = ASIA/);
  } finally {
    await dev.close();
  }
});

test('keeps a 0640 file 0640, even when run under umask 077', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING);
    chmodSync(dev.sandbox.credentialsFile, 0o640);
    const r = await runCommand(
      'bash',
      [
        '-c',
        'umask 077 && exec "$@"',
        'bash',
        process.execPath,
        MFA_ENV,
        '-p',
        'dev',
        '-c',
        dev.code(),
        '-s',
        'bash',
        '--write-profile',
        'mfa-session',
      ],
      dev.sandbox.env,
    );
    assertOk(r, 'export --write-profile');
    assert.equal(mode(dev.sandbox.credentialsFile), 0o640);
    assert.ok(readFileSync(dev.sandbox.credentialsFile, 'utf8').startsWith(EXISTING));
    assert.match(r.stderr, /^mfa-env: warning: .* is readable by other users \(mode 0640\)/m);
  } finally {
    await dev.close();
  }
});

test('a group- or world-readable file keeps its mode, with a one-line warning whose chmod fixes it', async () => {
  const dev = await devProfile();
  try {
    const path = join(dev.sandbox.dir, 'my aws', 'credentials'); // a space: the chmod must quote it
    mkdirSync(dirname(path));
    const env = { env: { AWS_SHARED_CREDENTIALS_FILE: path } };
    assertOk(
      await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash'], env),
      'first export (fills the cache)',
    );
    for (const m of [0o644, 0o604, 0o640]) {
      writeFileSync(path, EXISTING);
      chmodSync(path, m);
      const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', 'mfa-session'], env);
      assertOk(r, 'export --write-profile');
      assert.equal(mode(path), m, 'the mode is kept');
      const warnings = lines(r.stderr).filter((l) => l.includes('warning'));
      assert.deepEqual(warnings, [
        `mfa-env: warning: ${path} is readable by other users (mode 0${m.toString(8)}) and now holds session credentials; to fix: chmod 600 '${path}'`,
      ]);
      assert.equal(lines(r.stderr).length, 2, r.stderr);
    }
    // The printed fix, run as printed, fixes it; then there is nothing to warn about.
    const fix = lines(
      (await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', 'mfa-session'], env)).stderr,
    )
      .find((l) => l.includes('warning'))!
      .split('to fix: ')[1]!;
    assertOk(await runCommand('sh', ['-c', fix], dev.sandbox.env), fix);
    assert.equal(mode(path), 0o600);
    const quiet = await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', 'mfa-session'], env);
    assertOk(quiet, 'export --write-profile on a 0600 file');
    assert.doesNotMatch(quiet.stderr, /warning/);
  } finally {
    await dev.close();
  }
});

test('a symlinked credentials file (a dotfiles checkout) stays a symlink; its target gets the section', async () => {
  const dev = await devProfile();
  try {
    const real = join(dev.sandbox.dir, 'dotfiles', 'aws-credentials');
    mkdirSync(dirname(real));
    writeFileSync(real, EXISTING, { mode: 0o600 });
    symlinkSync(real, dev.sandbox.credentialsFile);
    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa-session']);
    assertOk(r, 'export --write-profile');
    assert.ok(lstatSync(dev.sandbox.credentialsFile).isSymbolicLink());
    const text = readFileSync(real, 'utf8');
    assert.ok(text.startsWith(EXISTING));
    assert.equal(block(text, 'mfa-session').length, 6);
  } finally {
    await dev.close();
  }
});

test('refuses to overwrite a section holding a long-term key (exit 2, one line, file unchanged, no code spent); --force does it', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    const calls = dev.emulator.count('GetSessionToken');
    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'robot']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^mfa-env: \[robot\] in .*credentials holds a long-term key; not overwriting it \(.*--force.*\)\n$/,
    );
    assert.equal(readFileSync(dev.sandbox.credentialsFile, 'utf8'), EXISTING);
    assert.equal(dev.emulator.count('GetSessionToken'), calls, 'refused before an MFA code was spent');

    const forced = await dev.sandbox.mfaEnv([
      '-p',
      'dev',
      '-c',
      dev.code(),
      '-s',
      'bash',
      '--write-profile',
      'robot',
      '--force',
    ]);
    assertOk(forced, 'export --write-profile --force');
    const env = exportsOf(forced.stdout);
    const robot = block(readFileSync(dev.sandbox.credentialsFile, 'utf8'), 'robot');
    assert.deepEqual(robot, [
      '[robot]   # comment after a header',
      `aws_access_key_id = ${env.AWS_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${env.AWS_SECRET_ACCESS_KEY}`,
      'region = eu-west-1',
      `aws_session_token = ${env.AWS_SESSION_TOKEN}`,
      `aws_credential_expiration = ${dev.expiryFor(43_200)}`,
      `x_security_token_expires = ${dev.expiryFor(43_200)}`,
    ]);
  } finally {
    await dev.close();
  }
});

test('refuses NAME equal to the source profile, even with --force (exit 2, one line, file unchanged)', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    for (const extra of [[], ['--force']]) {
      const r = await dev.sandbox.mfaEnv([
        '-p',
        'dev',
        '-c',
        dev.code(),
        '-s',
        'bash',
        '--write-profile',
        'dev',
        ...extra,
      ]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.deepEqual(lines(r.stderr), [
        'mfa-env: --write-profile dev is the profile the session comes from; name another profile (for example dev-mfa)',
      ]);
    }
    assert.equal(readFileSync(dev.sandbox.credentialsFile, 'utf8'), EXISTING);
    assert.equal(dev.emulator.count('GetSessionToken'), 0);
  } finally {
    await dev.close();
  }
});

test('refuses NAME whose long-term key mfa-env keeps (another source profile), even with --force', async () => {
  const dev = await devProfile();
  try {
    // A second source profile, its key in the store and gone from the credentials file.
    const setup = await dev.sandbox.mfaEnv(
      [
        'setup',
        '--profile',
        'ops',
        '--access-key-id',
        dev.user.accessKeyId,
        '--secret-stdin',
        '--mfa-serial',
        dev.serial,
      ],
      { input: dev.user.secretAccessKey },
    );
    assertOk(setup, 'setup ops');
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    for (const extra of [[], ['--force']]) {
      const r = await dev.sandbox.mfaEnv([
        '-p',
        'dev',
        '-c',
        dev.code(),
        '-s',
        'bash',
        '--write-profile',
        'ops',
        ...extra,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(lines(r.stderr), [
        "mfa-env: --write-profile ops: mfa-env keeps the long-term key of profile 'ops'; a session written there would shadow it",
        'mfa-env: name another profile (for example ops-mfa)',
      ]);
    }
    assert.equal(readFileSync(dev.sandbox.credentialsFile, 'utf8'), EXISTING);
    assert.equal(dev.emulator.count('GetSessionToken'), 0, 'refused before an MFA code was spent');
  } finally {
    await dev.close();
  }
});

test('a NAME that is no profile name, and --force without --write-profile, are usage errors', async () => {
  const dev = await devProfile();
  try {
    const bad = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'a]b']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'a\]b' is not a usable profile name/);
    const force = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--force']);
    assert.equal(force.code, 2);
    assert.match(force.stderr, /--force goes with --write-profile/);
    assert.equal(existsSync(dev.sandbox.credentialsFile), false);
  } finally {
    await dev.close();
  }
});

test('a crash between write and rename leaves the old file byte-identical; the next run writes the new one', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    const crashed = await dev.sandbox.mfaEnv(
      ['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa-session'],
      {
        env: harnessEnv({ crashBeforeRename: 'credentials' }),
      },
    );
    assert.equal(crashed.signal, 'SIGKILL', 'the harness killed it mid-write');
    assert.equal(readFileSync(dev.sandbox.credentialsFile, 'utf8'), EXISTING);
    const awsDir = dirname(dev.sandbox.credentialsFile);
    const leftovers = () => readdirSync(awsDir).filter((f) => f.startsWith('.credentials.') && f.endsWith('.tmp'));
    assert.equal(leftovers().length, 1, 'the dead writer left its temp file');

    // The dead writer's lock is taken over at once; the session comes from the cache.
    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', 'mfa-session']);
    assertOk(r, 'export --write-profile after the crash');
    const text = readFileSync(dev.sandbox.credentialsFile, 'utf8');
    assert.ok(text.startsWith(EXISTING));
    assert.equal(block(text, 'mfa-session')[1], `aws_access_key_id = ${exportsOf(r.stdout).AWS_ACCESS_KEY_ID}`);
    assert.deepEqual(leftovers(), [], 'and the next writer removed it (it held the session in plaintext)');
  } finally {
    await dev.close();
  }
});

test('concurrent writers (same and different NAMEs) leave a valid file with each section exactly once', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'first export (fills the cache)');
    const targets = ['s1', 's2', 's3', 's4', 's1', 's2', 's3', 's4'];
    // Each writer holds the file for 150 ms between reading and renaming: without the lock they would overlap and lose sections.
    const slow = { env: harnessEnv({ delayBeforeRenameMs: 150 }) };
    const runs = await Promise.all(
      targets.map((t) => dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', t], slow)),
    );
    runs.forEach((r, i) => assertOk(r, `writer ${i}`));
    const key = exportsOf(runs[0]!.stdout).AWS_ACCESS_KEY_ID;
    const text = readFileSync(dev.sandbox.credentialsFile, 'utf8');
    assert.ok(text.startsWith(EXISTING));
    for (const t of ['s1', 's2', 's3', 's4']) {
      assert.equal(text.split('\n').filter((l) => l === `[${t}]`).length, 1, `[${t}] exactly once`);
      assert.deepEqual(
        block(text, t).map((l) => l.split(' = ')[0]),
        [
          '[' + t + ']',
          'aws_access_key_id',
          'aws_secret_access_key',
          'aws_session_token',
          'aws_credential_expiration',
          'x_security_token_expires',
        ],
      );
      assert.equal(block(text, t)[1], `aws_access_key_id = ${key}`);
    }
    assert.equal(text.split('\n').filter((l) => l.startsWith('[')).length, 6);
  } finally {
    await dev.close();
  }
});

test('a credentials file another live mfa-env keeps locked: exit 4 after 20 s naming the lock, its owner and what to do; the file untouched', async () => {
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, EXISTING, { mode: 0o600 });
    assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'first export (fills the cache)');
    // The owner is this test process, alive, and it keeps its lock fresh the way mfa-env does while it holds one.
    const lock = `${dev.sandbox.credentialsFile}.mfa-env.lock`;
    writeFileSync(lock, `${process.pid}\nnot-yours\n`);
    const keepFresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 1000);
    let r: RunResult;
    try {
      r = await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '--write-profile', 'mfa-session']);
    } finally {
      clearInterval(keepFresh);
    }
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(lines(r.stderr), [
      `mfa-env: ${lock} is locked by another mfa-env (pid ${process.pid}), editing credentials; gave up waiting after 20 s`,
      `mfa-env: let that one finish or stop it (kill ${process.pid}), then run this again`,
    ]);
    assert.equal(readFileSync(dev.sandbox.credentialsFile, 'utf8'), EXISTING);
    assert.equal(readFileSync(lock, 'utf8'), `${process.pid}\nnot-yours\n`, 'the live owner kept its lock');
  } finally {
    await dev.close();
  }
});

test('at a terminal, --write-profile alone writes the profile and prints no credentials', async () => {
  const dev = await devProfile();
  try {
    // script(1) gives the command a terminal as stdout, like a person typing it.
    const cmd = [process.execPath, MFA_ENV, '-p', 'dev', '-c', dev.code(), '--write-profile', 'mfa-session']
      .map((a) => `'${a}'`)
      .join(' ');
    const r = await runOnTerminal(cmd, dev.sandbox.env);
    assert.equal(r.code, 0, r.output);
    const section = block(readFileSync(dev.sandbox.credentialsFile, 'utf8'), 'mfa-session');
    const secret = section[2]!.split(' = ')[1]!;
    const token = section[3]!.split(' = ')[1]!;
    assert.ok(!r.output.includes(secret) && !r.output.includes(token), 'nothing secret reached the terminal');
    assert.doesNotMatch(r.output, /export /);
    assert.match(r.output, /wrote the session of 'dev' to \[mfa-session\]/);
  } finally {
    await dev.close();
  }
});
