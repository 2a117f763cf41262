// The happy path of a role profile against moto_server, an AWS emulator
// nobody here wrote. moto's AssumeRole accepts anything: it checks no trust
// policy, no MFA condition and no external id, and no signature; so this
// shows only that what mfa-env sends and reads is what a third party speaks.
// The refusals, the 1-hour cap and the MFA context are tested against our
// emulator (roles.test.ts), which enforces them as AWS does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MFA_ENV, runCommand } from '../helpers/cli.js';
import { assertOk, exportsOf } from '../helpers/dev-profile.js';
import { withMotoUser } from '../helpers/moto-user.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('moto_server: a role profile from an MFA session → export → aws sts get-caller-identity as the assumed role', async (t) => {
  await withMotoUser(t, async ({ cli, sandbox, endpoint, aws, user, key, device }) => {
    const account = user.Arn!.split(':')[4]!;
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account}:root` },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    const role = (await aws(['iam', 'create-role', '--role-name', 'admin', '--assume-role-policy-document', trust]))
      .Role!;

    assertOk(
      await sandbox.mfaEnv(
        [
          'setup',
          '--profile',
          'dev',
          '--access-key-id',
          key.AccessKeyId!,
          '--secret-stdin',
          '--mfa-serial',
          device.SerialNumber!,
        ],
        { input: key.SecretAccessKey },
      ),
      'setup dev',
    );
    assertOk(
      await sandbox.mfaEnv(['setup', '--profile', 'prod', '--role-arn', role.Arn!, '--source-profile', 'dev']),
      'setup prod',
    );

    const exported = await sandbox.mfaEnv(['-p', 'prod', '-c', '123456', '-s', 'bash']);
    assertOk(exported, 'mfa-env -p prod against moto');
    const env = exportsOf(exported.stdout);
    assert.equal(env.MFA_ENV_PROFILE, 'prod');
    assert.notEqual(env.AWS_ACCESS_KEY_ID, key.AccessKeyId);
    const r = await runCommand(
      'bash',
      [
        '-c',
        `eval "$(${q(process.execPath)} ${q(MFA_ENV)} -p prod -s bash)" && ${q(cli!.bin)} sts get-caller-identity ${endpoint.map(q).join(' ')} --region us-east-1 --output json`,
      ],
      sandbox.env,
    );
    assertOk(r, 'eval + aws sts get-caller-identity against moto');
    assert.equal(
      (JSON.parse(r.stdout) as { Arn: string }).Arn,
      `arn:aws:sts::${account}:assumed-role/admin/mfa-env-dev`,
    );
  });
});
