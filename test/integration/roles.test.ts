// Role profiles through the built CLI against the emulator: one MFA code for
// every role, hop by hop, longer than an hour with its own code, the errors
// that cost no code, the locks, the margins, status and logout.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { roleArn, type EmulatorRole } from '../../src/demo/emulator/server.js';
import { randomAccountId } from '../../src/demo/emulator/users.js';
import { assertOk, devProfile, exportsOf, lines, type Dev } from '../helpers/dev-profile.js';
import { MFA_ENV, ROOT, runCommand } from '../helpers/cli.js';
import { findTool } from '../helpers/require-tool.js';
import { requireTool } from '../helpers/tools.js';

let dev: Dev | undefined;
afterEach(async () => {
  await dev?.close();
  dev = undefined;
});

interface Roles {
  dev: Dev;
  /** In another account, trusts the user's account, wants MFA, allows 12 h. */
  prod: EmulatorRole;
  /** In a third account. */
  audit: EmulatorRole;
  /** Reached from prod's role only. */
  deep: EmulatorRole;
}

/** dev (a user with a key), and role profiles prod, audit, deep (deep → prod → dev). */
async function withRoles(extraConfig: (prod: EmulatorRole) => string = () => ''): Promise<Roles> {
  dev = await devProfile();
  const account = dev.user.accountId;
  const prod: EmulatorRole = {
    accountId: randomAccountId(),
    roleName: 'admin',
    trust: [account],
    requireMfa: true,
    maxSessionDuration: 43_200,
  };
  const audit: EmulatorRole = { accountId: randomAccountId(), roleName: 'audit', trust: [account], requireMfa: true };
  const deep: EmulatorRole = { accountId: prod.accountId, roleName: 'deep', trust: [roleArn(prod)] };
  for (const r of [prod, audit, deep]) dev.emulator.addRole(r);
  appendFileSync(
    dev.sandbox.configFile,
    `\n[profile prod]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\nregion = eu-west-1\n` +
      `\n[profile audit]\nrole_arn = ${roleArn(audit)}\nsource_profile = dev\nrole_session_name = auditor\n` +
      `\n[profile deep]\nrole_arn = ${roleArn(deep)}\nsource_profile = prod\n` +
      extraConfig(prod),
  );
  return { dev, prod, audit, deep };
}

async function whoAmI(d: Dev, vars: Record<string, string>): Promise<string> {
  const client = new STSClient({
    endpoint: d.emulator.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID!,
      secretAccessKey: vars.AWS_SECRET_ACCESS_KEY!,
      sessionToken: vars.AWS_SESSION_TOKEN!,
    },
  });
  try {
    return (await client.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    client.destroy();
  }
}

const epoch = (iso: string) => String(Date.parse(iso) / 1000);

describe('role profiles', () => {
  test('one code for two roles in two accounts and a role reached through a role; role expiry and MFA expiry exported', async () => {
    const { dev: d, prod, audit, deep } = await withRoles();
    const s = d.sandbox;
    const first = await s.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(d.emulator.count('GetSessionToken', 'ok'), 1);
    assert.equal(d.emulator.count('AssumeRole', 'ok'), 1);
    const vars = exportsOf(first.stdout);
    assert.equal(vars.MFA_ENV_PROFILE, 'prod');
    assert.equal(vars.AWS_REGION, 'eu-west-1');
    assert.equal(vars.AWS_CREDENTIAL_EXPIRATION, d.expiryFor(3600), 'a role lasts 1 hour by default');
    assert.equal(vars.MFA_ENV_EXPIRES, epoch(d.expiryFor(3600)));
    assert.equal(vars.MFA_ENV_MFA_EXPIRES, epoch(d.expiryFor(43_200)), 'the MFA session behind it');
    assert.equal(await whoAmI(d, vars), `arn:aws:sts::${prod.accountId}:assumed-role/admin/mfa-env-dev`);

    // No code and no terminal: works only because nothing asks for one.
    const second = await s.mfaEnv(['-p', 'audit', '-s', 'bash']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(
      await whoAmI(d, exportsOf(second.stdout)),
      `arn:aws:sts::${audit.accountId}:assumed-role/audit/auditor`,
    );
    const third = await s.mfaEnv(['-p', 'deep', '-s', 'bash']);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(
      await whoAmI(d, exportsOf(third.stdout)),
      `arn:aws:sts::${deep.accountId}:assumed-role/deep/mfa-env-dev`,
    );
    assert.equal(d.emulator.count('GetSessionToken'), 1, 'one MFA session for every role');
    assert.equal(d.emulator.count('AssumeRole', 'ok'), 3, 'deep reused the cached prod credentials');

    // Cached: the same credentials, no call, in another "terminal" (another process).
    d.emulator.resetCalls();
    const again = await s.mfaEnv(['-p', 'prod', '-s', 'bash']);
    assert.equal(again.stdout, first.stdout);
    assert.equal(d.emulator.calls.length, 0);
    // mfa-exec and credential-process take the role profile too.
    const exec = await s.mfaExec([
      '-p',
      'prod',
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.MFA_ENV_PROFILE, process.env.AWS_ACCESS_KEY_ID)',
    ]);
    assert.equal(exec.stdout.trim(), `prod ${vars.AWS_ACCESS_KEY_ID}`, exec.stderr);
  });

  test('more than 1 hour: assumed with the long-term key and its own code, saying why; a chained role cannot', async () => {
    const { dev: d } = await withRoles();
    const s = d.sandbox;
    await s.mfaEnv(['-p', 'dev', '-s', 'bash', '-c', d.code()]);
    d.emulator.resetCalls();
    const noCode = await s.mfaEnv(['-p', 'prod', '-d', '2h', '-s', 'bash']);
    assert.equal(noCode.code, 2, noCode.stderr);
    assert.match(
      noCode.stderr,
      /role profile 'prod' asks for 7200 s; AWS limits a role assumed from an MFA session to 1 hour, so it is assumed with the key of 'dev' and needs its own MFA code/,
    );
    assert.equal(d.emulator.calls.length, 0);

    const r = await s.mfaEnv(['-p', 'prod', '-d', '2h', '-s', 'bash', '-c', d.code()]);
    assert.equal(r.code, 0, r.stderr);
    // The reason for the code, and the line a mint says (src/commands/export.ts).
    assert.equal(lines(r.stderr).length, 2, r.stderr);
    assert.match(lines(r.stderr)[1]!, /^mfa-env: profile prod, .*\(minted\)$/);
    assert.equal(exportsOf(r.stdout).AWS_CREDENTIAL_EXPIRATION, d.expiryFor(7200));
    assert.deepEqual(
      d.emulator.calls.map((c) => [c.action, c.accessKeyId, c.ok]),
      [['AssumeRole', d.user.accessKeyId, true]],
      'signed with the long-term key, no GetSessionToken',
    );
    // status: no MFA session is behind them, though dev may have one.
    assertOk(await s.mfaEnv(['-p', 'dev', '-s', 'bash', '-c', d.code()]), 'export dev');
    const status = await s.mfaEnv(['status']);
    assert.match(status.stdout, /^prod +role of dev +\S+ +(1h59m|2h00m) left \(with its own code\)$/m);
    const json = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { profile: string; role?: { mfaSession: unknown; ownCode?: boolean } }[];
    };
    const row = json.profiles.find((p) => p.profile === 'prod')!;
    assert.deepEqual([row.role?.mfaSession, row.role?.ownCode], [null, true]);

    const chained = await s.mfaEnv(['-p', 'deep', '-d', '2h', '-s', 'bash']);
    assert.equal(chained.code, 2);
    assert.match(
      lines(chained.stderr)[0]!,
      /role profile 'deep' is assumed with the credentials of role profile 'prod', and AWS limits such a role to 1 hour/,
    );
  });

  test("a role's MaxSessionDuration refusal is explained, not raw", async () => {
    // Only AWS knows a role's maximum: asked 2 h of a 1-hour role, with the long-term key and a code.
    const { dev: d, audit } = await withRoles();
    const r = await d.sandbox.mfaEnv(['-p', 'audit', '-d', '7200', '-s', 'bash', '-c', d.code()]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`${roleArn(audit).replace(/[/]/g, '\\/')} allows shorter sessions than the 7200 s asked for`),
    );
    assert.doesNotMatch(r.stderr, /MaxSessionDuration set for this role/);
  });

  test('bad role profiles: exit 2 before any AWS call, naming the problem', async () => {
    const { dev: d } = await withRoles(
      (prod) =>
        `\n[profile badarn]\nrole_arn = arn:aws:iam::123:user/x\nsource_profile = dev\n` +
        `\n[profile nosource]\nrole_arn = ${roleArn(prod)}\n` +
        `\n[profile missing]\nrole_arn = ${roleArn(prod)}\nsource_profile = nobody\n` +
        `\n[profile loop1]\nrole_arn = ${roleArn(prod)}\nsource_profile = loop2\n` +
        `\n[profile loop2]\nrole_arn = ${roleArn(prod)}\nsource_profile = loop1\n` +
        `\n[profile ec2]\nrole_arn = ${roleArn(prod)}\ncredential_source = Ec2InstanceMetadata\n` +
        `\n[profile badname]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\nrole_session_name = a b\n`,
    );
    const expected: [string, RegExp][] = [
      ['badarn', /profile 'badarn' in .*: 'arn:aws:iam::123:user\/x' is not an IAM role ARN/],
      ['nosource', /profile 'nosource' in .* has role_arn but no source_profile/],
      ['missing', /source_profile 'nobody' of profile 'missing' in .* does not exist/],
      ['loop1', /source_profile loops: loop1 → loop2 → loop1/],
      ['ec2', /uses credential_source = Ec2InstanceMetadata, which mfa-env does not support/],
      ['badname', /role_session_name 'a b' must be 2–64/],
    ];
    d.emulator.resetCalls(); // setup checked the key with STS
    for (const [profile, message] of expected) {
      const r = await d.sandbox.mfaEnv(['-p', profile, '-s', 'bash', '-c', d.code()]);
      assert.equal(r.code, 2, `${profile}: ${r.stderr}`);
      assert.match(lines(r.stderr)[0]!, message);
      assert.ok(lines(r.stderr).length <= 2, r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.equal(d.emulator.calls.length, 0);
  });

  test('AssumeRole refused: exit 3 naming the role and who asked, nothing cached', async () => {
    const { dev: d } = await withRoles();
    const closed: EmulatorRole = { accountId: randomAccountId(), roleName: 'closed', trust: ['999999999999'] };
    d.emulator.addRole(closed);
    appendFileSync(d.sandbox.configFile, `\n[profile closed]\nrole_arn = ${roleArn(closed)}\nsource_profile = dev\n`);
    const r = await d.sandbox.mfaEnv(['-p', 'closed', '-s', 'bash', '-c', d.code()]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    const [message, hint] = lines(r.stderr);
    assert.equal(message, `mfa-env: AWS refused to let ${d.arn} (for profile 'closed') assume ${roleArn(closed)}`);
    assert.match(hint!, /trust policy.*MFA condition.*ExternalId/);
    d.emulator.resetCalls();
    // The MFA session was kept (it is good), the role was not: the next try assumes again, with no code.
    const again = await d.sandbox.mfaEnv(['-p', 'closed', '-s', 'bash']);
    assert.equal(again.code, 3);
    assert.deepEqual(
      d.emulator.calls.map((c) => c.action),
      ['AssumeRole'],
    );
    const status = JSON.parse((await d.sandbox.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { profile: string; role?: { credentials: unknown } }[];
    };
    assert.equal(status.profiles.find((p) => p.profile === 'closed')?.role?.credentials, null);
  });

  test('external_id goes to AssumeRole', async () => {
    const { dev: d } = await withRoles();
    const vendor: EmulatorRole = {
      accountId: randomAccountId(),
      roleName: 'vendor',
      trust: [d.user.accountId],
      externalId: 'ext-4711',
    };
    d.emulator.addRole(vendor);
    appendFileSync(
      d.sandbox.configFile,
      `\n[profile vendor]\nrole_arn = ${roleArn(vendor)}\nsource_profile = dev\nexternal_id = ext-4711\n`,
    );
    const r = await d.sandbox.mfaEnv(['-p', 'vendor', '-s', 'bash', '-c', d.code()]);
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(
      d.sandbox.configFile,
      readFileSync(d.sandbox.configFile, 'utf8').replace('external_id = ext-4711', 'external_id = ext-0000'),
    );
    const refused = await d.sandbox.mfaEnv(['-p', 'vendor', '-s', 'bash', '--refresh']);
    assert.equal(refused.code, 3, refused.stderr);
  });

  test('concurrent cold calls: one GetSessionToken and one AssumeRole; two roles at once still one GetSessionToken', async () => {
    const { dev: d } = await withRoles();
    const code = d.code();
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', code])),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(new Set(runs.map((r) => r.stdout)).size, 1);
    assert.equal(d.emulator.count('GetSessionToken'), 1);
    assert.equal(d.emulator.count('AssumeRole'), 1);

    await d.sandbox.mfaEnv(['logout', '-p', 'dev', '-s', 'bash']);
    d.emulator.resetCalls();
    const code2 = d.code();
    const both = await Promise.all([
      d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', code2]),
      d.sandbox.mfaEnv(['-p', 'audit', '-s', 'bash', '-c', code2]),
      d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', code2]),
      d.sandbox.mfaEnv(['-p', 'audit', '-s', 'bash', '-c', code2]),
    ]);
    for (const r of both) assert.equal(r.code, 0, r.stderr);
    assert.equal(d.emulator.count('GetSessionToken'), 1);
    assert.equal(d.emulator.count('AssumeRole'), 2);
  });

  test('margins: credentials with 10 minutes left serve a shell, not an SDK, which gets fresh ones as they are; plain profiles too', async () => {
    const { dev: d } = await withRoles();
    const s = d.sandbox;
    d.emulator.setLifetime(({ action, durationSeconds }) => (action === 'AssumeRole' ? 600 : durationSeconds));
    const first = await s.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    assert.equal(exportsOf(first.stdout).AWS_CREDENTIAL_EXPIRATION, d.expiryFor(600));
    const shell = await s.mfaEnv(['-p', 'prod', '-s', 'bash']);
    assert.equal(shell.stdout, first.stdout, 'more than 5 minutes left: reused for a shell');
    assert.equal(d.emulator.count('AssumeRole'), 1);
    for (const args of [
      ['credential-process', '--profile', 'prod'],
      ['-p', 'prod', '-f', 'credential-process'],
    ]) {
      const cp = await s.mfaEnv(args);
      assert.equal(cp.code, 0, cp.stderr);
      const out = JSON.parse(cp.stdout) as { AccessKeyId: string; Expiration: string };
      assert.notEqual(out.AccessKeyId, exportsOf(first.stdout).AWS_ACCESS_KEY_ID);
      assert.equal(out.Expiration, d.expiryFor(600), 'fresh credentials handed out as they are');
    }
    assert.equal(
      d.emulator.count('AssumeRole'),
      3,
      'an SDK gets new credentials each time: 15 minutes is more than they have',
    );
    assert.equal(d.emulator.count('GetSessionToken'), 1, 'from the cached MFA session, no code');

    // A plain profile: its session with 10 minutes left serves a shell, and an SDK needs a new one (a code).
    d.emulator.setLifetime(() => 600);
    const plain = await s.mfaEnv(['-p', 'dev', '-s', 'bash', '--refresh', '-c', d.code()]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal((await s.mfaEnv(['-p', 'dev', '-s', 'bash'])).stdout, plain.stdout);
    const cp = await s.mfaEnv(['credential-process', '--profile', 'dev']);
    assert.equal(cp.code, 2, 'a new session needs a code, and there is no terminal');
    assert.match(cp.stderr, /an MFA code is needed and there is no terminal/);
  });

  test('status shows the role row; logout forgets a role, the base forgets its roles, --all everything', async () => {
    const { dev: d, prod } = await withRoles();
    const s = d.sandbox;
    await s.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    await s.mfaEnv(['-p', 'audit', '-s', 'bash']);
    const status = await s.mfaEnv(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^PROFILE +KEY +MFA DEVICE \/ ROLE +SESSION$/m);
    const row = status.stdout.split('\n').find((l) => l.startsWith('prod '));
    // Whole seconds, as the prompt counts: 1h00m within the second the emulator issued them.
    assert.match(
      row ?? '',
      new RegExp(
        `^prod +role of dev +${roleArn(prod).replace(/\//g, '\\/')} +(59m|1h00m) left \\(MFA (11h59m|12h00m)\\)$`,
      ),
    );
    type Left = { expiration: string; secondsLeft: number } | null;
    const json = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout) as {
      profiles: {
        profile: string;
        role?: { arn: string; sourceProfile: string; baseProfile: string; credentials: Left; mfaSession: Left };
      }[];
    };
    const role = json.profiles.find((p) => p.profile === 'prod')!.role!;
    assert.deepEqual(
      { ...role, credentials: role.credentials?.expiration, mfaSession: role.mfaSession?.expiration },
      {
        arn: roleArn(prod),
        sourceProfile: 'dev',
        baseProfile: 'dev',
        credentials: d.expiryFor(3600),
        mfaSession: d.expiryFor(43_200),
      },
    );

    const out = await s.mfaEnv(['logout', '-p', 'prod', '-s', 'bash']);
    assert.match(out.stderr, /deleted the cached credentials of 'prod'/);
    assert.match(out.stdout, /^unset MFA_ENV_MFA_EXPIRES$/m);
    d.emulator.resetCalls();
    assert.equal((await s.mfaEnv(['-p', 'prod', '-s', 'bash'])).code, 0);
    assert.deepEqual(
      d.emulator.calls.map((c) => c.action),
      ['AssumeRole'],
      'the MFA session stayed',
    );

    const base = await s.mfaEnv(['logout', '-p', 'dev', '-s', 'bash']);
    assert.match(
      base.stderr,
      /deleted the cached session of 'dev' and the role credentials made from 'dev': 'audit', 'prod'/,
    );
    d.emulator.resetCalls();
    const after = await s.mfaEnv(['-p', 'audit', '-s', 'bash']);
    assert.equal(after.code, 2, 'a code is needed again');
    assert.equal(d.emulator.calls.length, 0);

    await s.mfaEnv(['-p', 'audit', '-s', 'bash', '-c', d.code()]);
    const all = await s.mfaEnv(['logout', '--all', '-s', 'bash']);
    assert.match(all.stderr, /'audit'/);
    assert.match(all.stderr, /'dev'/);
    const empty = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { session: unknown; role?: { credentials: unknown } }[];
    };
    for (const p of empty.profiles) {
      assert.equal(p.session, null);
      assert.equal(p.role?.credentials ?? null, null);
    }
  });
});

describe('setup of a role profile', () => {
  test('writes the role profile, everything else in the file byte for byte; no key stored; the profile then works', async () => {
    const d = (dev = await devProfile());
    const prod: EmulatorRole = {
      accountId: randomAccountId(),
      roleName: 'admin',
      trust: [d.user.accountId],
      requireMfa: true,
      maxSessionDuration: 7200,
    };
    d.emulator.addRole(prod);
    const s = d.sandbox;
    appendFileSync(s.configFile, '\n# keep me\n[profile other]\nregion = us-east-2 ; odd   spacing\n');
    const before = readFileSync(s.configFile, 'utf8');
    const r = await s.mfaEnv([
      'setup',
      '--profile',
      'prod',
      '--role-arn',
      roleArn(prod),
      '--source-profile',
      'dev',
      '--external-id',
      'x-42',
      '--region',
      'eu-central-1',
      '--duration',
      '2h',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /wrote role_arn, source_profile, external_id, region, duration_seconds to \[profile prod\] in .*; a role profile stores no key/,
    );
    assert.match(
      r.stderr,
      /next: eval "\$\(mfa-env -p prod\)" {2}\(the key of 'dev' and its own MFA code sign it: AWS allows more than 1 hour only so\)/,
    );
    const after = readFileSync(s.configFile, 'utf8');
    assert.ok(after.startsWith(before), 'the rest of the file is untouched');
    assert.equal(
      after.slice(before.length),
      `\n[profile prod]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\nexternal_id = x-42\nregion = eu-central-1\nduration_seconds = 7200\n`,
    );
    const status = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { profile: string; keyId: string | null; role?: { arn: string } }[];
    };
    const row = status.profiles.find((p) => p.profile === 'prod')!;
    assert.equal(row.keyId, null);
    assert.equal(row.role?.arn, roleArn(prod));

    // 2 h: the long-term path, with its code.
    const use = await s.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    assert.equal(use.code, 0, use.stderr);
    assert.equal(exportsOf(use.stdout).AWS_CREDENTIAL_EXPIRATION, d.expiryFor(7200));
    assert.equal(exportsOf(use.stdout).AWS_REGION, 'eu-central-1');
  });

  test('setup --role-arn without --region writes the source’s region (the AWS CLI reads only the role’s own); one already there stays', async () => {
    const d = (dev = await devProfile({ setupArgs: ['--region', 'eu-west-2'] }));
    const s = d.sandbox;
    const arn = `arn:aws:iam::${randomAccountId()}:role/admin`;
    appendFileSync(s.configFile, '\n[profile kept]\nregion = ap-south-1\n');
    const r = await s.mfaEnv(['setup', '--profile', 'prod', '--role-arn', arn, '--source-profile', 'dev']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote role_arn, source_profile, region \(eu-west-2, as in dev\) to \[profile prod\]/);
    assert.match(r.stderr, /next: eval "\$\(mfa-env -p prod\)" {2}\(the MFA session of 'dev' signs it\)/);
    const chained = await s.mfaEnv(['setup', '--profile', 'deep', '--role-arn', arn, '--source-profile', 'prod']);
    assert.equal(chained.code, 0, chained.stderr);
    assertOk(
      await s.mfaEnv(['setup', '--profile', 'kept', '--role-arn', arn, '--source-profile', 'dev']),
      'setup kept',
    );
    const config = readFileSync(s.configFile, 'utf8');
    assert.match(config, /\[profile prod\]\nrole_arn = \S+\nsource_profile = dev\nregion = eu-west-2\n/);
    assert.match(config, /\[profile deep\]\nrole_arn = \S+\nsource_profile = prod\nregion = eu-west-2\n/);
    assert.match(config, /\[profile kept\]\nregion = ap-south-1\nrole_arn = \S+\nsource_profile = dev\n/);
    // A source without a region: nothing to copy.
    writeFileSync(s.configFile, config.replace(/^region = eu-west-2\n/gm, ''));
    const fromDev = await s.mfaEnv(['setup', '--profile', 'other', '--role-arn', arn, '--source-profile', 'dev']);
    assert.equal(fromDev.code, 0, fromDev.stderr);
    assert.match(fromDev.stderr, /wrote role_arn, source_profile to \[profile other\]/);
  });

  test('bad role setups change nothing: exit 2', async () => {
    const d = (dev = await devProfile());
    const s = d.sandbox;
    appendFileSync(s.configFile, '\n[profile other]\nregion = eu-west-1\n');
    const before = readFileSync(s.configFile, 'utf8');
    const arn = 'arn:aws:iam::123456789012:role/admin';
    const cases: [string[], RegExp][] = [
      [['--role-arn', arn], /needs both --role-arn and --source-profile \(--source-profile is missing\)/],
      [['--role-arn', 'arn:aws:iam::123456789012:user/x', '--source-profile', 'dev'], /is not an IAM role ARN/],
      [['--role-arn', arn, '--source-profile', 'nobody'], /--source-profile nobody does not exist/],
      [['--role-arn', arn, '--source-profile', 'prod'], /is the role profile itself/],
      [['--role-arn', arn, '--source-profile', 'dev', '--duration', '13h'], /a role lasts at most 12h/],
      [
        ['--role-arn', arn, '--source-profile', 'dev', '--access-key-id', d.user.accessKeyId],
        /--access-key-id does not go with --role-arn/,
      ],
      [['--external-id', 'x-42'], /--external-id goes with --role-arn/],
    ];
    for (const [args, message] of cases) {
      const r = await s.mfaEnv(['setup', '--profile', 'prod', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines(r.stderr)[0]!, message);
    }
    const onKey = await s.mfaEnv(['setup', '--profile', 'dev', '--role-arn', arn, '--source-profile', 'other']);
    assert.equal(onKey.code, 2);
    assert.match(onKey.stderr, /profile 'dev' holds a long-term key in the secret store; a role profile has none/);
    assert.equal(readFileSync(s.configFile, 'utf8'), before);
  });
});

describe('doctor with a role profile', () => {
  test('checks the chain and the base; a loop is a problem', async () => {
    const { dev: d } = await withRoles(
      (prod) =>
        `\n[profile loop1]\nrole_arn = ${roleArn(prod)}\nsource_profile = loop2\n\n[profile loop2]\nrole_arn = ${roleArn(prod)}\nsource_profile = loop1\n`,
    );
    const ok = await d.sandbox.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'deep' } });
    assert.match(ok.stdout, /^ok +profile deep: role arn:aws:iam::\d{12}:role\/deep \(deep → prod → dev\)$/m);
    assert.match(ok.stdout, /^ok +profile dev: mfa_serial arn:aws:iam::/m);
    assert.match(ok.stdout, /^ok +key dev: stored \(AKIA…\w{4}\)$/m);
    assert.equal(
      ok.stdout.match(/^ok +key dev: /gm)?.length,
      1,
      'the base is checked once, though it is also a profile set up',
    );
    const bad = await d.sandbox.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'loop1' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^problem +profile loop1: source_profile loops: loop1 → loop2 → loop1$/m);
  });
});

describe('the cached role path stays light', () => {
  test('a cached role export opens no chunk of the AWS SDK, yargs or prompts (strace)', async (t) => {
    const strace = findTool('strace');
    if (!requireTool(t, strace, 'strace')) return;
    const { dev: d } = await withRoles();
    assertOk(await d.sandbox.mfaEnv(['-p', 'deep', '-s', 'bash', '-c', d.code()]), 'first export');
    const trace = join(d.sandbox.dir, 'trace');
    const r = await runCommand(
      strace!,
      ['-f', '-e', 'trace=openat', '-o', trace, process.execPath, MFA_ENV, '-p', 'deep', '-s', 'bash'],
      d.sandbox.env,
    );
    assertOk(r, 'cached export under strace');
    const opened = new Set(
      [...readFileSync(trace, 'utf8').matchAll(/openat\([^"]*"([^"]*\/dist\/[^"]+\.m?js)"/g)].map((m) => m[1]!),
    );
    const heavy = readdirSync(join(ROOT, 'dist'))
      .filter((f) => /\.m?js$/.test(f) && !/^mfa-e(nv|xec)\.js$/.test(f))
      .filter((f) => /STSClient|YError|yargs-parser|sisteransi/.test(readFileSync(join(ROOT, 'dist', f), 'utf8')));
    assert.ok(heavy.length >= 2, `the heavy chunks were found: ${heavy.join(' ')}`);
    assert.ok(opened.size > 0, 'the trace saw the chunks the export did open');
    assert.deepEqual(
      [...opened].filter((p) => heavy.some((h) => p.endsWith(`/${h}`))),
      [],
    );
    assert.equal(d.emulator.count('AssumeRole'), 2, 'the first export assumed prod and deep; the traced one nothing');
  });
});

describe('remove and the roles of a key', () => {
  test('remove --profile BASE also forgets the role credentials made from its key', async () => {
    const { dev: d } = await withRoles();
    assertOk(await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]), 'export prod');
    const r = await d.sandbox.mfaEnv(['remove', '--profile', 'dev']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /removed the long-term key and cached session of 'dev', and the role credentials made from it \('prod'\) from the /,
    );
    const after = await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash']);
    assert.equal(after.code, 2);
    assert.match(after.stderr, /no long-term key is stored for profile 'dev'/);
  });
});

/** Role credentials that live `seconds` from now (the emulator's clock stands still at d.now). */
function rolesLive(d: Dev, seconds: number): void {
  d.emulator.setLifetime(({ action, durationSeconds }) =>
    action === 'AssumeRole' ? Math.ceil((Date.now() - d.now) / 1000) + seconds : durationSeconds,
  );
}

/**
 * A command under `mfa-exec --server ARGS` that fetches the credentials
 * `times` times, 4.5 s apart: their AccessKeyIds, and the credential
 * variables it was given (none, as it should be).
 */
async function fetchesUnderServer(
  d: Dev,
  args: string[],
  times: number,
): Promise<{ keys: string[]; leaked: string[] }> {
  const script = [
    'const get = async () => (await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } })).json();',
    `const keys = []; for (let i = 0; i < ${times}; i++) { if (i) await new Promise((r) => setTimeout(r, 4500)); keys.push((await get()).AccessKeyId); }`,
    'console.log(JSON.stringify({ keys, leaked: Object.keys(process.env).filter((n) => /^AWS_(ACCESS|SECRET|SESSION)/.test(n)) }));',
  ].join('\n');
  const r = await d.sandbox.mfaExec(['--server', ...args, '--', process.execPath, '--input-type=module', '-e', script]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { keys: string[]; leaked: string[] };
}

describe('role profiles with --follow and mfa-exec --server', () => {
  test("--follow prints a role profile's cached credentials only when newer than the shell's", async () => {
    const { dev: d } = await withRoles();
    const first = await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    assertOk(first, 'export prod');
    const expires = Number(exportsOf(first.stdout).MFA_ENV_EXPIRES);
    d.emulator.resetCalls();
    const same = await d.sandbox.mfaEnv(['--follow', '-p', 'prod', '-s', 'bash'], {
      env: { MFA_ENV_EXPIRES: String(expires) },
    });
    assert.deepEqual([same.code, same.stdout, same.stderr], [0, '', '']);
    const older = await d.sandbox.mfaEnv(['--follow', '-p', 'prod', '-s', 'bash'], {
      env: { MFA_ENV_EXPIRES: String(expires - 600) },
    });
    assert.equal(older.stdout, first.stdout, 'the role credentials, as the export printed them');
    assert.equal(d.emulator.calls.length, 0);
  });

  test('mfa-exec --server renews role credentials from the cached MFA session, with no code', async () => {
    const { dev: d } = await withRoles();
    rolesLive(d, 6);
    const seen = await fetchesUnderServer(d, ['-p', 'prod', '-c', d.code()], 2);
    assert.notEqual(seen.keys[0], seen.keys[1], 'renewed before they ran out');
    assert.deepEqual(seen.leaked, []);
    assert.equal(d.emulator.count('GetSessionToken'), 1, 'one MFA session, one code');
    assert.ok(d.emulator.count('AssumeRole', 'ok') >= 2);
    assert.ok(
      d.emulator.calls.filter((c) => c.action === 'AssumeRole').every((c) => c.accessKeyId !== d.user.accessKeyId),
      'from the MFA session, not the key',
    );
  });
});

describe('mfa-exec --server --no-cache', () => {
  test('role renewals come from the MFA session kept in memory: one code, and nothing cached anywhere', async () => {
    const { dev: d } = await withRoles();
    rolesLive(d, 6);
    const { keys } = await fetchesUnderServer(d, ['--no-cache', '-p', 'prod', '-c', d.code()], 3);
    assert.equal(new Set(keys).size, 3, 'renewed twice');
    assert.equal(d.emulator.count('GetSessionToken'), 1, 'one MFA session, one code');
    assert.equal(d.emulator.count('AssumeRole', 'ok'), 3);
    const status = JSON.parse((await d.sandbox.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { profile: string; session: unknown; role?: { credentials: unknown; mfaSession: unknown } }[];
    };
    for (const p of status.profiles) {
      assert.equal(p.session ?? null, null, `${p.profile}: a session was cached`);
      assert.equal(p.role?.credentials ?? null, null, `${p.profile}: role credentials were cached`);
    }
  });
});

describe('mfa-exec --server and cached role credentials', () => {
  test('credentials cached with just over 15 minutes left are handed out only until 15 minutes are left, then replaced (no code)', async () => {
    const { dev: d } = await withRoles();
    // Role credentials that have 906 s left now (the emulator's clock stands still at d.now).
    d.emulator.setLifetime(({ action, durationSeconds }) =>
      action === 'AssumeRole' ? Math.ceil((Date.now() - d.now) / 1000) + 906 : durationSeconds,
    );
    assertOk(await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]), 'export prod');
    d.emulator.setLifetime(undefined);
    const out = join(d.sandbox.dir, 'poll.json');
    const probe = join(ROOT, 'test/integration/fixtures/server-probe.mjs');
    const r = await d.sandbox.mfaExec([
      '--server',
      '-p',
      'prod',
      '--',
      process.execPath,
      probe,
      'poll',
      out,
      '9',
      '0.5',
    ]);
    assertOk(r, 'mfa-exec --server poll');
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { status: number; body: string; at: string }[];
    const keys = new Set<string>();
    for (const s of seen) {
      assert.equal(s.status, 200, s.body);
      const c = JSON.parse(s.body) as { AccessKeyId: string; Expiration: string };
      keys.add(c.AccessKeyId);
      const left = (Date.parse(c.Expiration) - Date.parse(s.at)) / 1000;
      assert.ok(left > 900, `handed out with ${left} s left`);
    }
    assert.equal(keys.size, 2, 'the cached credentials, then new ones');
    assert.equal(d.emulator.count('GetSessionToken'), 1, 'no new MFA session');
    assert.equal(d.emulator.count('AssumeRole', 'ok'), 2);
  });
});

describe('a cached MFA session AWS no longer takes', () => {
  test('ExpiredToken on AssumeRole with the cached MFA session: a new session with a code, then the role; with no code, exit 3 saying so', async () => {
    const { dev: d } = await withRoles();
    assertOk(await d.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '-c', d.code()]), 'export dev');
    d.emulator.expire(); // cached by mfa-env for 12 h, ended on AWS's side
    const r = await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash']);
    assert.equal(r.code, 3, r.stderr);
    const refused =
      "mfa-env: AWS refused the cached MFA session of 'dev' (ExpiredToken) when assuming the role of 'prod'";
    assert.deepEqual(lines(r.stderr), [
      `${refused}; starting a new one`,
      "mfa-env: could not start a new MFA session of 'dev': an MFA code is needed and there is no terminal to ask on",
      'mfa-env: pass --code 123456, or set mfa_process in [profile prod]',
    ]);
    assert.equal(r.stdout, '');
    // With a code: one command, as it would be at a terminal.
    d.emulator.resetCalls();
    const again = await d.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', d.code()]);
    assertOk(again, 'the role, with a code for the new MFA session');
    assert.equal(lines(again.stderr)[0], `${refused}; starting a new one`);
    assert.match(lines(again.stderr)[1] ?? '', /^mfa-env: profile prod, eu-west-1, (59m|1h00m) left \(minted\)$/);
    assert.equal(lines(again.stderr).length, 2);
    assert.deepEqual(
      d.emulator.calls.map((c) => `${c.action} ${c.ok ? 'ok' : c.errorCode}`),
      ['AssumeRole ExpiredToken', 'GetSessionToken ok', 'AssumeRole ok'],
    );
    assertOk(await d.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash']), 'dev, from the new cached session');
  });
});
