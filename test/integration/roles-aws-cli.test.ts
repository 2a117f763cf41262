// The AWS CLI, v1 (botocore) and v2, using role credentials made by mfa-env
// in each of the three ways: evaluated exports, a written profile, and a
// credential_process profile; and a long job under `mfa-exec --server` whose
// role credentials run out several times while it calls AWS. v2 2.9 ignores
// AWS_ENDPOINT_URL: --endpoint-url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { MFA_ENV, runCommand, type RunResult } from '../helpers/cli.js';
import { assertOk, devProfile, exportsOf, type Dev } from '../helpers/dev-profile.js';
import { findAwsCli, requireTool, type AwsCli } from '../helpers/tools.js';
import { roleArn, type EmulatorRole } from '../../src/demo/emulator/server.js';
import { randomAccountId } from '../../src/demo/emulator/users.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const iso = (s: string) => new Date(s).toISOString().replace(/\.\d{3}Z$/, 'Z');

function aws(cli: AwsCli, dev: Dev, args: string[]): Promise<RunResult> {
  const endpoint = cli.major === 2 ? ['--endpoint-url', dev.emulator.url] : [];
  return runCommand(cli.bin, [...args, ...endpoint, '--region', 'us-east-1', '--output', 'json'], dev.sandbox.env);
}

async function callerArn(cli: AwsCli, dev: Dev, args: string[]): Promise<string> {
  const r = await aws(cli, dev, ['sts', 'get-caller-identity', ...args]);
  assertOk(r, `aws v${cli.major} sts get-caller-identity ${args.join(' ')}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

/** dev set up, and [profile prod] a role in another account that wants MFA. */
async function withProd(setupArgs: string[] = [], runningClock = false): Promise<{ dev: Dev; assumed: string }> {
  const dev = await devProfile({ runningClock });
  const prod: EmulatorRole = {
    accountId: randomAccountId(),
    roleName: 'admin',
    trust: [dev.user.accountId],
    requireMfa: true,
  };
  dev.emulator.addRole(prod);
  appendFileSync(dev.sandbox.configFile, `\n[profile prod]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\n`);
  if (setupArgs.length) assertOk(await dev.sandbox.mfaEnv(['setup', '--profile', 'prod', ...setupArgs]), 'setup');
  return { dev, assumed: `arn:aws:sts::${prod.accountId}:assumed-role/admin/mfa-env-dev` };
}

for (const major of [1, 2] as const) {
  const cli = findAwsCli(major);

  test(`AWS CLI v${major}: a role's exported variables (eval "$(mfa-env -p prod)")`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const { dev, assumed } = await withProd();
    try {
      const endpoint = cli!.major === 2 ? `--endpoint-url ${q(dev.emulator.url)}` : '';
      const script = [
        `eval "$(${q(process.execPath)} ${q(MFA_ENV)} -p prod -c ${dev.code()} -s bash)"`,
        `${q(cli!.bin)} sts get-caller-identity ${endpoint} --region us-east-1 --output json`,
      ];
      if (cli!.major === 2) script.push(`${q(cli!.bin)} configure export-credentials --format process`);
      const r = await runCommand('bash', ['-c', script.join(' && ')], { ...dev.sandbox.env, AWS_PROFILE: 'prod' });
      assertOk(r, 'eval + aws');
      assert.equal((JSON.parse(r.stdout.slice(0, r.stdout.indexOf('}') + 1)) as { Arn: string }).Arn, assumed);
      if (cli!.major === 2) {
        const exported = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{'))) as { Expiration: string };
        assert.equal(
          iso(exported.Expiration),
          dev.expiryFor(3600),
          "the role's expiry, from AWS_CREDENTIAL_EXPIRATION",
        );
      }
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: a role written by --write-profile`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const { dev, assumed } = await withProd();
    try {
      const r = await dev.sandbox.mfaEnv([
        '-p',
        'prod',
        '-c',
        dev.code(),
        '-s',
        'bash',
        '--write-profile',
        'prod-session',
      ]);
      assertOk(r, 'mfa-env --write-profile');
      assert.equal(await callerArn(cli!, dev, ['--profile', 'prod-session']), assumed);
      const file = readFileSync(dev.sandbox.credentialsFile, 'utf8');
      assert.ok(
        file.includes(`aws_session_token = ${exportsOf(r.stdout).AWS_SESSION_TOKEN}\n`),
        'the role session is in the file',
      );
      assert.ok(file.includes(`aws_credential_expiration = ${dev.expiryFor(3600)}\n`));
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: a role through credential_process (setup --profile prod --credential-process prod-cp), from the cached MFA session`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const { dev, assumed } = await withProd(['--credential-process', 'prod-cp']);
    try {
      // The MFA session of dev, made once with a code; the role then needs none.
      assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'export dev');
      assert.equal(await callerArn(cli!, dev, ['--profile', 'prod-cp']), assumed);
      assert.equal(await callerArn(cli!, dev, ['--profile', 'prod-cp']), assumed);
      assert.equal(dev.emulator.count('GetSessionToken'), 1);
      assert.equal(dev.emulator.count('AssumeRole'), 1, 'the second CLI run got the cached role credentials');
      if (cli!.major === 2) {
        const r = await runCommand(
          cli!.bin,
          ['configure', 'export-credentials', '--format', 'process', '--profile', 'prod-cp'],
          dev.sandbox.env,
        );
        assertOk(r, 'export-credentials');
        assert.equal(iso((JSON.parse(r.stdout) as { Expiration: string }).Expiration), dev.expiryFor(3600));
      }
    } finally {
      await dev.close();
    }
  });
}

/** How long the role credentials of the long job live, and how long it runs (seconds). */
const ROLE_LIFE = 15;
const JOB = 32;

test('a long job under mfa-exec --server: the AWS CLI v1 and v2 call STS for twice the role credentials’ life, never failing, with one code', async (t) => {
  const v1 = findAwsCli(1);
  const v2 = findAwsCli(2);
  if (!requireTool(t, v1, 'AWS CLI v1') || !requireTool(t, v2, 'AWS CLI v2')) return;
  // The emulator's clock runs and it refuses expired credentials (ExpiredToken).
  const { dev, assumed } = await withProd([], true);
  try {
    dev.emulator.setLifetime(({ action, durationSeconds }) => (action === 'AssumeRole' ? ROLE_LIFE : durationSeconds));
    const job = [
      'end=$((SECONDS + JOB)); while [ "$SECONDS" -lt "$end" ]; do',
      '  "$AWS1" sts get-caller-identity --region us-east-1 --output text --query Arn || exit 11',
      '  "$AWS2" sts get-caller-identity --endpoint-url "$EMULATOR" --region us-east-1 --output text --query Arn || exit 12',
      '  sleep 1',
      'done',
    ].join('\n');
    // No terminal and no mfa_process: a renewal that wanted a second code would fail the job.
    const r = await dev.sandbox.mfaExec(['--server', '-p', 'prod', '-c', dev.code(), '--', 'bash', '-c', job], {
      env: { AWS1: v1!.bin, AWS2: v2!.bin, EMULATOR: dev.emulator.url, JOB: String(JOB) },
    });
    assertOk(r, 'the job under mfa-exec --server');
    const arns = r.stdout.trim().split('\n');
    assert.ok(arns.length >= 6, `${arns.length} calls in ${JOB} s`);
    assert.deepEqual(new Set(arns), new Set([assumed]), 'every call was the role');
    assert.equal(dev.emulator.count('GetSessionToken'), 1, 'one MFA session, one code');
    const renewals = dev.emulator.count('AssumeRole', 'ok');
    assert.ok(
      renewals >= JOB / ROLE_LIFE + 1,
      `${renewals} AssumeRole calls for ${JOB} s of ${ROLE_LIFE} s credentials`,
    );
    assert.deepEqual(
      dev.emulator.calls.filter((c) => !c.ok).map((c) => `${c.action}: ${c.errorCode}`),
      [],
      'no expired credential reached AWS',
    );
  } finally {
    await dev.close();
  }
});
