// Issue 17, the AWS files: what mfa-env refuses to write through, what it
// keeps (bytes, owner), what it will not edit (a section that appears
// twice), and that a write that went nowhere (stdout on a full device) is
// not reported as success. Device files are made here with mknod, in a
// temporary directory: the system's own /dev/null is never touched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { fileStoreEnv, makeSandbox, MFA_ENV, runCommand, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk, devProfile, lines } from '../helpers/dev-profile.js';

const isRoot = process.getuid?.() === 0;

/** A character device like /dev/null (1,3), /dev/zero (1,5) or /dev/full (1,7), made in `dir`. */
function mknod(dir: string, name: string, minor: 3 | 5 | 7): string {
  const path = join(dir, name);
  execFileSync('mknod', ['-m', '666', path, 'c', '1', String(minor)]);
  assert.ok(statSync(path).isCharacterDevice());
  return path;
}

// setup checks a key with STS: the users of these tests are known to an emulator.
let shared: Emulator;
before(async () => {
  shared = await startEmulator();
});
after(() => shared.close());

function knownUser(emulator: Emulator) {
  const user = makeUser();
  emulator.addUser(user);
  return user;
}

function fileSandbox(): Sandbox {
  const s = makeSandbox();
  Object.assign(s.env, fileStoreEnv(s.dir), { AWS_ENDPOINT_URL: shared.url });
  return s;
}

const SERIAL = 'arn:aws:iam::123456789012:mfa/me';

test('--write-profile never writes through a device: the device stays a device, exit 2 naming the file, no chown hint', async () => {
  const dev = await devProfile();
  try {
    const devices = join(dev.sandbox.dir, 'dev');
    mkdirSync(devices);
    const devnull = mknod(devices, 'null', 3);
    symlinkSync(devnull, dev.sandbox.credentialsFile); // ln -s /dev/null ~/.aws/credentials
    // Reading it as an empty file stays fine.
    assertOk(
      await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-f', 'json']),
      'export with credentials -> a device',
    );

    for (const env of [{}, { AWS_SHARED_CREDENTIALS_FILE: devnull }]) {
      const r = await dev.sandbox.mfaEnv(
        ['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa', '--refresh'],
        { env },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '', 'refused before anything is printed');
      const named =
        (env as { AWS_SHARED_CREDENTIALS_FILE?: string }).AWS_SHARED_CREDENTIALS_FILE ?? dev.sandbox.credentialsFile;
      assert.match(lines(r.stderr)[0]!, new RegExp(`^mfa-env: ${named}.* is a character device, not a regular file`));
      assert.doesNotMatch(r.stderr, /chown|sudo/, 'the fix is another file, not /dev');
      assert.ok(lines(r.stderr).length <= 2);
      assert.ok(statSync(devnull).isCharacterDevice(), 'the device is still a device');
      assert.deepEqual(readdirSync(devices), ['null'], 'no temp or lock file next to the device');
    }
    assert.equal(readlinkSync(dev.sandbox.credentialsFile), devnull, 'the link is kept');
  } finally {
    await dev.close();
  }
});

test('setup never writes the config through a device, and stores nothing', async () => {
  const s = fileSandbox();
  try {
    const devices = join(s.dir, 'dev');
    mkdirSync(devices);
    const devnull = mknod(devices, 'null', 3);
    const user = knownUser(shared);
    const r = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', SERIAL],
      {
        input: user.secretAccessKey,
        env: { AWS_CONFIG_FILE: devnull },
      },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^mfa-env: ${devnull} is a character device, not a regular file.*\nmfa-env: set AWS_CONFIG_FILE to a regular file`,
      ),
    );
    assert.ok(statSync(devnull).isCharacterDevice());
    assert.deepEqual(readdirSync(devices), ['null']);
    assert.equal(existsSync(join(s.dir, 'store')), false, 'nothing stored');
  } finally {
    s.cleanup();
  }
});

test('a dangling symlink keeps the link and creates its target', async () => {
  const dev = await devProfile();
  try {
    const dotfiles = join(dev.sandbox.dir, 'dotfiles');
    mkdirSync(dotfiles);
    const target = join(dotfiles, 'credentials');
    symlinkSync('../../dotfiles/credentials', dev.sandbox.credentialsFile);
    assertOk(
      await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa']),
      'write-profile',
    );
    assert.ok(lstatSync(dev.sandbox.credentialsFile).isSymbolicLink(), 'still a link');
    assert.match(readFileSync(target, 'utf8'), /^\[mfa\]\naws_access_key_id = ASIA/);
    assert.equal(statSync(target).mode & 0o777, 0o600);
  } finally {
    await dev.close();
  }
});

test('bytes that are not UTF-8 survive an edit byte for byte (credentials and config)', async () => {
  // Latin-1 "é", a lone continuation byte, a truncated sequence, an encoded surrogate, CRLF.
  const odd = Buffer.concat([
    Buffer.from('# caf'),
    Buffer.of(0xe9),
    Buffer.from(' \u00e9t\u00e9 (UTF-8) '),
    Buffer.of(0x80, 0x20, 0xe2, 0x82, 0x20, 0xed, 0xa0, 0x80, 0xff),
    Buffer.from('\r\n[robot]\r\naws_access_key_id = AKIABBBBBBBBBBBBBBBB\r\n; \u{1F511} '),
    Buffer.of(0xc0, 0xaf),
    Buffer.from('\r\n\r\n'),
  ]);
  const dev = await devProfile();
  try {
    writeFileSync(dev.sandbox.credentialsFile, odd, { mode: 0o600 });
    assertOk(
      await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa']),
      'write-profile',
    );
    const after = readFileSync(dev.sandbox.credentialsFile);
    assert.ok(after.subarray(0, odd.length).equals(odd), 'every byte before the new section is as it was');
    assert.match(after.subarray(odd.length).toString('utf8'), /^\[mfa\]\r\naws_access_key_id = ASIA/);

    const config = Buffer.concat([
      readFileSync(dev.sandbox.configFile),
      Buffer.from('# '),
      Buffer.of(0xfe, 0xfd),
      Buffer.from('\n'),
    ]);
    writeFileSync(dev.sandbox.configFile, config);
    const user = knownUser(dev.emulator);
    const r = await dev.sandbox.mfaEnv(
      ['setup', '-p', 'other', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', SERIAL],
      { input: user.secretAccessKey },
    );
    assertOk(r, 'setup');
    assert.ok(readFileSync(dev.sandbox.configFile).subarray(0, config.length).equals(config));
  } finally {
    await dev.close();
  }
});

test("root editing a user's AWS files leaves them the user's (owner and group)", {
  skip: !isRoot && 'needs root',
}, async () => {
  const dev = await devProfile();
  try {
    const [uid, gid] = [54321, 54322]; // no such user: only the numbers matter
    writeFileSync(dev.sandbox.credentialsFile, '[default]\nregion = eu-west-1\n', { mode: 0o600 });
    chownSync(dev.sandbox.credentialsFile, uid, gid);
    chownSync(dev.sandbox.configFile, uid, gid);
    assertOk(
      await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa']),
      'write-profile',
    );
    const user = knownUser(dev.emulator);
    assertOk(
      await dev.sandbox.mfaEnv(
        ['setup', '-p', 'other', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', SERIAL],
        { input: user.secretAccessKey },
      ),
      'setup',
    );
    for (const file of [dev.sandbox.credentialsFile, dev.sandbox.configFile]) {
      const st = statSync(file);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [uid, gid, 0o600], file);
    }
    assert.match(readFileSync(dev.sandbox.credentialsFile, 'utf8'), /\[mfa\]/);
    assert.match(readFileSync(dev.sandbox.configFile, 'utf8'), /\[profile other\]/);

    // Its directory not there yet: root makes it, and the file in it, the home's owner's.
    chownSync(dev.sandbox.home, uid, gid);
    const fresh = join(dev.sandbox.home, 'aws', 'credentials');
    const r = await dev.sandbox.mfaEnv(
      ['-p', 'dev', '-c', dev.code(), '-s', 'bash', '--write-profile', 'mfa', '--refresh'],
      { env: { AWS_SHARED_CREDENTIALS_FILE: fresh } },
    );
    assertOk(r, 'write-profile into a new directory');
    for (const path of [join(dev.sandbox.home, 'aws'), fresh]) {
      const st = statSync(path);
      assert.deepEqual([st.uid, st.gid], [uid, gid], path);
    }
  } finally {
    await dev.close();
  }
});

/**
 * `setup --import --remove-plaintext` on a credentials file holding `text`,
 * refused: exit 2, the file as it was, no backup written, nothing stored.
 * The message is the caller's to check.
 */
async function refusedRemovePlaintext(s: Sandbox, text: string): Promise<RunResult> {
  writeFileSync(s.credentialsFile, text, { mode: 0o600 });
  const r = await s.mfaEnv(['setup', '-p', 'dev', '--import', '--remove-plaintext', '--mfa-serial', SERIAL]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(readFileSync(s.credentialsFile, 'utf8'), text);
  assert.equal(existsSync(`${s.credentialsFile}.mfa-env-backup`), false);
  assert.equal(existsSync(join(s.dir, 'store')), false, 'nothing stored');
  return r;
}

test('--import --remove-plaintext with the key split over two [dev] sections: refused, nothing stored or removed', async () => {
  const s = fileSandbox();
  try {
    const user = knownUser(shared);
    // The SDKs merge the two sections, so the import would see the whole key.
    const text = [
      '[dev]',
      `aws_access_key_id = ${user.accessKeyId}`,
      '',
      '[other]',
      'region = eu-west-1',
      '',
      '[dev]',
      `aws_secret_access_key = ${user.secretAccessKey}`,
      '',
    ].join('\n');
    const r = await refusedRemovePlaintext(s, text);
    assert.deepEqual(lines(r.stderr), [
      `mfa-env: [dev] appears 2 times in ${s.credentialsFile} (lines 1, 7); the AWS CLI refuses such a file and the SDKs merge the copies`,
      'mfa-env: merge them into one section by hand, then run this again; nothing was changed',
    ]);
  } finally {
    s.cleanup();
  }
});

test('--remove-plaintext when the secret is also elsewhere in the file: refused, says where, nothing stored or removed', async () => {
  const s = fileSandbox();
  try {
    const user = knownUser(shared);
    const text = [
      '[dev]',
      `aws_access_key_id = ${user.accessKeyId}`,
      `aws_secret_access_key = ${user.secretAccessKey}`,
      '',
      '[dev-copy]',
      `aws_access_key_id = ${user.accessKeyId}`,
      `aws_secret_access_key = ${user.secretAccessKey}`,
      '',
    ].join('\n');
    const r = await refusedRemovePlaintext(s, text);
    assert.equal(
      lines(r.stderr)[0],
      `mfa-env: --remove-plaintext: the secret access key would still be in ${s.credentialsFile} at line 7 ([dev-copy]); removed nothing`,
    );
    assert.ok(!r.stderr.includes(user.secretAccessKey));
  } finally {
    s.cleanup();
  }
});

test('--remove-plaintext when the SDK reads an indented secret the line editor would keep: refused', async () => {
  const s = fileSandbox();
  try {
    const user = knownUser(shared);
    const text = [
      '[dev]',
      `aws_access_key_id = ${user.accessKeyId}`,
      `  aws_secret_access_key = ${user.secretAccessKey}`,
      '',
    ].join('\n');
    const r = await refusedRemovePlaintext(s, text);
    assert.match(lines(r.stderr)[0]!, /would still be in .* at line 3 \(\[dev\]\); removed nothing$/);
  } finally {
    s.cleanup();
  }
});

test('setup with [profile dev] twice in the config: refused before anything is stored', async () => {
  const s = fileSandbox();
  try {
    const config = [
      '[profile dev]',
      'region = eu-west-1',
      '',
      '[profile dev]',
      'mfa_serial = arn:aws:iam::123456789012:mfa/old',
      '',
    ].join('\n');
    writeFileSync(s.configFile, config);
    const user = knownUser(shared);
    const r = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', SERIAL],
      { input: user.secretAccessKey },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      lines(r.stderr)[0]!,
      new RegExp(`^mfa-env: \\[profile dev\\] appears 2 times in ${s.configFile} \\(lines 1, 4\\)`),
    );
    assert.equal(readFileSync(s.configFile, 'utf8'), config);
    assert.equal(existsSync(join(s.dir, 'store')), false, 'nothing stored');
  } finally {
    s.cleanup();
  }
});

test('-f json with stdout on a full device: exit 1 and a clear line, not success', async () => {
  const dev = await devProfile();
  try {
    const full = mknod(dev.sandbox.dir, 'full', 7);
    const fd = openSync(full, 'w');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [MFA_ENV, '-p', 'dev', '-c', dev.code(), '-f', 'json'], {
        env: Object.fromEntries(Object.entries(dev.sandbox.env).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
        stdio: ['ignore', fd, 'pipe'],
      });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    closeSync(fd);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(lines(r.stderr), ['mfa-env: could not write the output to stdout: no space left on device']);
  } finally {
    await dev.close();
  }
});

test('AWS files that are not regular files are read without hanging: a pipe with no writer and /dev/zero as empty, a <(…) pipe as its text', {
  timeout: 60_000,
}, async () => {
  const dev = await devProfile();
  try {
    const s = dev.sandbox;
    assertOk(await s.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'export (a cached session)');
    const fifo = join(s.dir, 'config-fifo');
    execFileSync('mkfifo', [fifo]);
    const zero = mknod(s.dir, 'zero', 5);
    for (const file of [fifo, zero]) {
      const r = await s.mfaEnv(['-p', 'dev', '-s', 'bash'], { env: { AWS_CONFIG_FILE: file } });
      assert.equal(r.code, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, /profile 'dev' is not set up/, 'read as an empty config');
      const doctor = await s.mfaEnv(['doctor', '-p', 'dev'], { env: { AWS_CONFIG_FILE: file } });
      assert.match(doctor.stdout, new RegExp(`^ok +aws config: ${file} readable$`, 'm'));
    }
    // The shell's process substitution: a pipe whose writer is there.
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    const r = await runCommand(
      'bash',
      ['-c', `AWS_CONFIG_FILE=<(cat ${q(s.configFile)}) ${q(process.execPath)} ${q(MFA_ENV)} -p dev -s bash`],
      s.env,
    );
    assertOk(r, 'mfa-env with AWS_CONFIG_FILE=<(cat config)');
    assert.match(r.stdout, /^export MFA_ENV_PROFILE='dev'$/m);
    // doctor reads the file more than once: the pipe's text is kept for the run.
    const doctor = await runCommand(
      'bash',
      ['-c', `AWS_CONFIG_FILE=<(cat ${q(s.configFile)}) ${q(process.execPath)} ${q(MFA_ENV)} doctor -p dev`],
      s.env,
    );
    assert.match(doctor.stdout, /^ok +profile dev: mfa_serial /m);
    // One whose writer never finishes: a one-line error, not a hang.
    const stuck = await runCommand(
      'bash',
      ['-c', `AWS_CONFIG_FILE=<(exec sleep 30 2>/dev/null) ${q(process.execPath)} ${q(MFA_ENV)} -p dev -s bash`],
      s.env,
    );
    assert.equal(stuck.code, 2, stuck.stderr);
    assert.match(stuck.stderr, /^mfa-env: \/dev\/fd\/\d+ is a pipe whose writer did not finish within 3 s\n/);
    assert.equal(stuck.stdout, '');
  } finally {
    await dev.close();
  }
});

test('a relative XDG_DATA_HOME is ignored (XDG spec): the store goes under ~/.local/share', async () => {
  const s = makeSandbox();
  try {
    Object.assign(s.env, {
      MFA_ENV_STORE: 'file',
      MFA_ENV_FILE_PASSPHRASE: 'pass phrase',
      XDG_DATA_HOME: 'data',
      AWS_ENDPOINT_URL: shared.url,
    });
    const user = knownUser(shared);
    const r = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', SERIAL],
      {
        input: user.secretAccessKey,
        cwd: s.dir,
      },
    );
    assertOk(r, 'setup');
    assert.ok(existsSync(join(s.home, '.local', 'share', 'mfa-env', 'store.enc')), r.stderr);
    assert.equal(existsSync(join(s.dir, 'data')), false, 'nothing where the command ran');
  } finally {
    s.cleanup();
  }
});
