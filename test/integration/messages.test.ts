// Issue 17 item 7: messages that point the right way. A `[profile
// __proto__]` section is named with its fix (the SDK drops the whole file
// for it); terminal escapes in profile names, serials and AWS answers are
// never printed raw (status, doctor, errors); a serial from ListMFADevices
// is checked before it is printed or stored, and a setup that fails stores
// nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorSandbox, makeSandbox, type Sandbox } from '../helpers/cli.js';
import { seedProfile } from '../helpers/seed.js';

/** Any raw control character but the newline: what must never reach a terminal. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const ESC = '\u001b';
const CSI = '\u009b';

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

describe('[profile __proto__] in an AWS file', () => {
  let s: Sandbox;
  before(async () => {
    s = makeSandbox();
    sandboxes.push(s);
    const seeded = await seedProfile({ dir: s.dir, configFile: s.configFile });
    Object.assign(s.env, seeded.env);
  });

  test('the profile works before the section is added (the control)', async () => {
    const r = await s.mfaEnv(['-p', 'dev']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('export names the section and the fix instead of "not set up" (exit 2)', async () => {
    writeFileSync(s.configFile, readFileSync(s.configFile, 'utf8') + '\n[profile __proto__]\nregion = eu-west-1\n');
    const r = await s.mfaEnv(['-p', 'dev']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /has a section \[profile __proto__\], which makes the AWS SDKs ignore the whole file\nmfa-env: rename or delete \[profile __proto__\] in .*config/,
    );
    assert.doesNotMatch(r.stderr, /setup/);
  });

  test('status says the same', async () => {
    const r = await s.mfaEnv(['status']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[profile __proto__\]/);
  });

  test('doctor names it as a problem with the fix (not "all good")', async () => {
    const r = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    assert.match(
      r.stdout,
      /problem {2}aws config: .* has a section \[profile __proto__\], which makes the AWS SDKs ignore the whole file\n {9}fix: rename or delete \[profile __proto__\]/,
    );
    assert.notEqual(r.code, 0);
  });

  test('[__proto__] in the credentials file too', async () => {
    writeFileSync(s.configFile, readFileSync(s.configFile, 'utf8').replace(/\[profile __proto__\][^[]*/, ''));
    writeFileSync(s.credentialsFile, '[__proto__]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
    const r = await s.mfaEnv(['-p', 'nothere']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /credentials has a section \[__proto__\]/);
  });
});

describe('terminal escapes from the AWS files are never printed raw', () => {
  let s: Sandbox;
  before(async () => {
    s = makeSandbox();
    sandboxes.push(s);
    const seeded = await seedProfile({ dir: s.dir, configFile: s.configFile });
    Object.assign(s.env, seeded.env);
    writeFileSync(
      s.configFile,
      readFileSync(s.configFile, 'utf8') +
        `[profile evil]\nmfa_serial = arn:aws:iam::123456789012:mfa/x${ESC}]0;pwned\u0007${ESC}[2J${CSI}31m\n`,
    );
    writeFileSync(s.credentialsFile, `[odd${ESC}[8mhidden]\nmfa_serial = ${CSI}2Jserial\n`);
  });

  test('status shows them written out', async () => {
    const r = await s.mfaEnv(['status']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, RAW_CONTROL);
    assert.match(r.stdout, /mfa\/x\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m/);
    assert.match(r.stdout, /odd\\x1b\[8mhidden/);
  });

  test('status --json escapes C1 as well', async () => {
    const r = await s.mfaEnv(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    const parsed = JSON.parse(r.stdout) as { profiles: { profile: string; mfaSerial: string }[] };
    assert.ok(
      parsed.profiles.some((p) => p.mfaSerial?.includes(CSI)),
      'the value itself is kept in the JSON',
    );
  });

  test('doctor and the error for that profile show no raw escape', async () => {
    const doctor = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'evil' } });
    assert.doesNotMatch(doctor.stdout + doctor.stderr, RAW_CONTROL);
    assert.match(doctor.stdout, /\\x1b/);
    const r = await s.mfaEnv(['-p', 'evil', '-c', '123456']);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, RAW_CONTROL);
  });
});

describe('a serial from ListMFADevices is checked before it is printed or stored', () => {
  let server: Server;
  let serial = '';
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const xml = `<ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListMFADevicesResult><IsTruncated>false</IsTruncated><MFADevices><member><UserName>u</UserName><SerialNumber>${serial}</SerialNumber><EnableDate>2026-01-01T00:00:00Z</EnableDate></member></MFADevices></ListMFADevicesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListMFADevicesResponse>`;
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xml);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const setup = (s: Sandbox) =>
    s.mfaEnv(['setup', '--profile', 'dev', '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin'], {
      input: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });

  test('a serial with terminal escapes: exit 5, nothing printed raw, no key stored, no mfa_serial written', async () => {
    serial = `arn:aws:iam::123456789012:mfa/x&#27;]0;pwned&#7;&#27;[2J`;
    const s = emulatorSandbox(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    sandboxes.push(s);
    const r = await setup(s);
    assert.equal(r.code, 5, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, RAW_CONTROL);
    assert.match(r.stderr, /not an IAM response/);
    assert.ok(
      !existsSync(s.configFile) || !readFileSync(s.configFile, 'utf8').includes('mfa_serial'),
      'mfa_serial was written',
    );
    const status = await s.mfaEnv(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual((JSON.parse(status.stdout) as { profiles: unknown[] }).profiles, [], 'a key was stored');
  });

  test('a sane serial is taken (the control)', async () => {
    serial = 'arn:aws:iam::123456789012:mfa/dev-phone';
    const s = emulatorSandbox(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    sandboxes.push(s);
    const r = await setup(s);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(s.configFile, 'utf8'), /mfa_serial = arn:aws:iam::123456789012:mfa\/dev-phone/);
  });
});
