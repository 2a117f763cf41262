// The whole flow against moto_server, an AWS emulator nobody here wrote:
// an IAM user with a virtual MFA device made with the AWS CLI, then
// `mfa-env setup` → export → `aws sts get-caller-identity` with the session.
//
// What moto 5.2 does and does not do (checked by this test, see the report):
// GetSessionToken ignores the serial number and the code (any 6 digits) and
// returns the same documented example credentials to everyone, with an
// Expiration of now + DurationSeconds (microseconds included); it checks no
// signatures. IAM ListMFADevices without UserName fails with NoSuchEntity
// ("The user with name None cannot be found"), where AWS uses the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MFA_ENV, runCommand } from '../helpers/cli.js';
import { assertOk, exportsOf, lines } from '../helpers/dev-profile.js';
import { withMotoUser } from '../helpers/moto-user.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('moto_server: setup (device discovery, else --mfa-serial) → export → aws sts get-caller-identity with the session', async (t) => {
  await withMotoUser(t, async ({ cli, sandbox, endpoint, aws, user, key, device }) => {
    const setupArgs = ['setup', '--profile', 'dev', '--access-key-id', key.AccessKeyId!, '--secret-stdin'];
    const discovered = await sandbox.mfaEnv(setupArgs, { input: key.SecretAccessKey });
    if (discovered.code === 0) {
      assert.match(discovered.stderr, new RegExp(`found MFA device ${device.SerialNumber!.replace(/[/.]/g, '\\$&')}`));
    } else {
      // moto needs UserName in ListMFADevices: the refusal must be clean and store nothing.
      assert.deepEqual(lines(discovered.stderr), [
        'mfa-env: could not discover the MFA device: IAM error NoSuchEntityException: The user with name None cannot be found.',
        'mfa-env: pass --mfa-serial ARN (IAM console → Users → Security credentials); nothing was stored',
      ]);
      assert.ok(!discovered.stderr.includes(key.SecretAccessKey!));
      const notStored = await sandbox.mfaEnv(['-p', 'dev', '-c', '123456', '-s', 'bash']);
      assert.equal(notStored.code, 2);
      assert.match(notStored.stderr, /profile 'dev' is not set up/);
      assertOk(
        await sandbox.mfaEnv([...setupArgs, '--mfa-serial', device.SerialNumber!], { input: key.SecretAccessKey }),
        'setup --mfa-serial',
      );
    }

    const before = Date.now();
    const exported = await sandbox.mfaEnv(['-p', 'dev', '-c', '123456', '-d', '1h', '-s', 'bash']);
    const after = Date.now();
    assertOk(exported, 'mfa-env export against moto');
    const env = exportsOf(exported.stdout);
    assert.notEqual(env.AWS_ACCESS_KEY_ID, key.AccessKeyId, 'a session, not the long-term key');
    assert.ok(env.AWS_SESSION_TOKEN);
    // moto issues now + 1h with microseconds; the export is the same instant in whole seconds.
    assert.match(env.AWS_CREDENTIAL_EXPIRATION!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = Date.parse(env.AWS_CREDENTIAL_EXPIRATION!);
    assert.ok(
      expires >= before + 3600_000 - 1000 && expires <= after + 3600_000,
      `${env.AWS_CREDENTIAL_EXPIRATION} is an hour from the call`,
    );

    // The long-term key is alice; the shell that evaluated the exports has no other credentials at all.
    const longTerm = await aws(['sts', 'get-caller-identity'], {
      ...sandbox.env,
      AWS_ACCESS_KEY_ID: key.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
    });
    assert.equal(longTerm.Arn as unknown as string, user.Arn);
    const endpointFlag = endpoint.map(q).join(' ');
    const r = await runCommand(
      'bash',
      [
        '-c',
        `eval "$(${q(process.execPath)} ${q(MFA_ENV)} -p dev -s bash)" && ${q(cli!.bin)} sts get-caller-identity ${endpointFlag} --region us-east-1 --output json && ${q(cli!.bin)} configure list`,
      ],
      sandbox.env,
    );
    assertOk(r, 'eval + aws sts get-caller-identity against moto');
    const identity = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('}') + 1)) as { Account: string };
    assert.equal(identity.Account, user.Arn!.split(':')[4]);
    assert.match(
      r.stdout,
      new RegExp(`^\\s*access_key\\s+\\*+${env.AWS_ACCESS_KEY_ID!.slice(-4)}\\s+env\\b`, 'm'),
      'signed with the exported session',
    );
  });
});
