// An MFA serial of a FIDO security key (…:u2f/…): IAM lists it as an MFA
// device, but GetSessionToken takes a 6-digit code, so it cannot start a
// session. setup, export and doctor each say why in one line, and what to do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk, lines } from '../helpers/dev-profile.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const fidoOf = (u: EmulatorUser) =>
  `arn:aws:iam::${u.accountId}:u2f/user/${u.userName}/yubikey-ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

/** A user whose devices are a FIDO key, and a TOTP device when `totp`. */
function fidoUser(totp: boolean): EmulatorUser {
  const user = makeUser();
  const fido = { serialNumber: fidoOf(user), secret: Buffer.alloc(20) };
  user.mfaDevices = totp ? [fido, user.mfaDevices[0]!] : [fido];
  emulator.addUser(user);
  return user;
}

function expectFidoRefusal(r: RunResult, serial: string, profile: string): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(lines(r.stderr), [
    `mfa-env: '${serial}' is a FIDO security key: GetSessionToken takes a 6-digit code, so only a TOTP device (virtual or hardware) can start an MFA session`,
    `mfa-env: assign a virtual or hardware TOTP device to the IAM user (IAM console → Users → Security credentials → Assign MFA device), then run: mfa-env setup --profile ${profile} --mfa-serial ARN`,
  ]);
}

const setupArgs = (u: EmulatorUser) => [
  'setup',
  '--profile',
  'dev',
  '--access-key-id',
  u.accessKeyId,
  '--secret-stdin',
];

test('setup --mfa-serial with a FIDO ARN: exit 2 with the reason, nothing stored, no AWS call', async () => {
  const user = fidoUser(false);
  const s: Sandbox = emulatorSandbox(emulator.url);
  try {
    emulator.resetCalls();
    const r = await s.mfaEnv([...setupArgs(user), '--mfa-serial', fidoOf(user)], { input: user.secretAccessKey });
    expectFidoRefusal(r, fidoOf(user), 'dev');
    assert.equal(emulator.calls.length, 0);
    const notStored = await s.mfaEnv(['-p', 'dev', '-c', '123456', '-s', 'bash']);
    assert.equal(notStored.code, 2);
    assert.match(notStored.stderr, /profile 'dev' is not set up/);
  } finally {
    s.cleanup();
  }
});

test('setup discovering devices: a FIDO key alone is refused with the reason; next to a TOTP device, the TOTP one is taken', async () => {
  const only = fidoUser(false);
  const s = emulatorSandbox(emulator.url);
  try {
    expectFidoRefusal(await s.mfaEnv(setupArgs(only), { input: only.secretAccessKey }), fidoOf(only), 'dev');

    const both = fidoUser(true);
    const r = await s.mfaEnv(setupArgs(both), { input: both.secretAccessKey });
    assertOk(r, 'setup with a FIDO key and a TOTP device');
    const totpSerial = both.mfaDevices[1]!.serialNumber;
    assert.match(r.stderr, new RegExp(`found MFA device ${totpSerial.replace(/[/.]/g, '\\$&')}`));
    assert.match(
      readFileSync(s.configFile, 'utf8'),
      new RegExp(`mfa_serial = ${totpSerial.replace(/[/.]/g, '\\$&')}\n`),
    );
  } finally {
    s.cleanup();
  }
});

test('export and credential-process with a FIDO mfa_serial in the profile: exit 2 with the reason, before any code is asked or sent', async () => {
  const user = fidoUser(true);
  const s = emulatorSandbox(emulator.url);
  try {
    assertOk(
      await s.mfaEnv([...setupArgs(user), '--mfa-serial', user.mfaDevices[1]!.serialNumber], {
        input: user.secretAccessKey,
      }),
      'setup',
    );
    // The user (or a tool) points the profile at the security key.
    writeFileSync(s.configFile, `[profile dev]\nmfa_serial = ${fidoOf(user)}\n`);
    emulator.resetCalls();
    expectFidoRefusal(await s.mfaEnv(['-p', 'dev', '-s', 'bash']), fidoOf(user), 'dev');
    expectFidoRefusal(await s.mfaEnv(['credential-process', '-p', 'dev', '-c', '123456']), fidoOf(user), 'dev');
    assert.equal(emulator.calls.length, 0);

    const doctor = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    assert.equal(doctor.code, 1, doctor.stdout);
    assert.match(
      doctor.stdout,
      new RegExp(
        `^problem  profile dev: '${fidoOf(user).replace(/[/.]/g, '\\$&')}' is a FIDO security key: GetSessionToken takes a 6-digit code.*\n         fix: assign a virtual or hardware TOTP device to the IAM user .*mfa-env setup --profile dev --mfa-serial ARN$`,
        'm',
      ),
    );
  } finally {
    s.cleanup();
  }
});
