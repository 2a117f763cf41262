// The AWS SDK for JavaScript v3's own credential providers, each in a child
// process the way an application would meet them: fromEnv after eval of the
// exports, fromIni on the written profile and on the credential_process
// profile (which runs the line through /bin/sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MFA_ENV, ROOT, runCommand } from '../helpers/cli.js';
import { assertOk, devProfile, exportsOf } from '../helpers/dev-profile.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Seen {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: string;
}

/** Node code that prints what one provider returns, as JSON; run with cwd ROOT so the SDK resolves. */
const printCredentials = (provider: string) =>
  `const c = await (${provider})(); ` +
  'console.log(JSON.stringify({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration?.toISOString() }));';

function node(script: string) {
  return `${q(process.execPath)} --input-type=module -e ${q(script)}`;
}

test('fromEnv reads the exported session, including AWS_CREDENTIAL_EXPIRATION', async () => {
  const dev = await devProfile();
  try {
    const exported = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-d', '90m', '-s', 'bash']);
    assertOk(exported, 'mfa-env export');
    const env = exportsOf(exported.stdout);
    const script = `const { fromEnv } = await import('@aws-sdk/credential-provider-env'); ${printCredentials('fromEnv()')}`;
    const r = await runCommand(
      'bash',
      ['-c', `eval "$(${q(process.execPath)} ${q(MFA_ENV)} -p dev -s bash)" && ${node(script)}`],
      dev.sandbox.env,
      { cwd: ROOT },
    );
    assertOk(r, 'fromEnv in a child');
    const seen = JSON.parse(r.stdout) as Seen;
    assert.deepEqual(seen, {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
      expiration: new Date(dev.expiryFor(5400)).toISOString(),
    });
  } finally {
    await dev.close();
  }
});

test('fromIni reads the written profile, and runs the credential_process profile through sh', async () => {
  const dev = await devProfile({ setupArgs: ['--credential-process', 'dev-mfa'] });
  try {
    const written = await dev.sandbox.mfaEnv([
      '-p',
      'dev',
      '-c',
      dev.code(),
      '-s',
      'bash',
      '--write-profile',
      'mfa-session',
    ]);
    assertOk(written, 'mfa-env --write-profile');
    const env = exportsOf(written.stdout);
    const session = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    };

    const fromIni = (profile: string) =>
      `const { fromIni } = await import('@aws-sdk/credential-provider-ini'); ${printCredentials(`fromIni({ profile: '${profile}' })`)}`;
    const fromFile = await runCommand(
      process.execPath,
      ['--input-type=module', '-e', fromIni('mfa-session')],
      dev.sandbox.env,
      { cwd: ROOT },
    );
    assertOk(fromFile, 'fromIni mfa-session');
    const fileSeen = JSON.parse(fromFile.stdout) as Seen;
    // (The SDK keeps no expiry for a static profile; aws_credential_expiration is for people and prompts.)
    assert.deepEqual(
      {
        accessKeyId: fileSeen.accessKeyId,
        secretAccessKey: fileSeen.secretAccessKey,
        sessionToken: fileSeen.sessionToken,
      },
      session,
    );

    const fromProcess = await runCommand(
      process.execPath,
      ['--input-type=module', '-e', fromIni('dev-mfa')],
      dev.sandbox.env,
      { cwd: ROOT },
    );
    assertOk(fromProcess, 'fromIni dev-mfa');
    assert.deepEqual(JSON.parse(fromProcess.stdout) as Seen, {
      ...session,
      expiration: new Date(dev.expiryFor(43_200)).toISOString(),
    });
    assert.equal(dev.emulator.count('GetSessionToken'), 1, 'the SDK got the cached session');
  } finally {
    await dev.close();
  }
});
