// The emulator's AssumeRole, driven by the real AWS SDK client, checked
// against what AWS does: who may assume a role, for how long, with which MFA
// context, and who the caller is afterwards.
//   node --import tsx --test test/unit/emulator-roles.test.ts
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  type Credentials,
} from '@aws-sdk/client-sts';
import { makeUser, roleArn, startEmulator } from '../../src/demo/emulator/server.js';
import type { Emulator, EmulatorRole, EmulatorUser } from '../../src/demo/emulator/server.js';
import { randomAccountId } from '../../src/demo/emulator/users.js';
import { keyOf, rejectsWith, sts, type Creds } from '../helpers/emulator-clients.js';

const serialOf = (u: EmulatorUser) => u.mfaDevices[0]!.serialNumber;
const credsOf = (c: Credentials | undefined): Creds => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

const MIN = 60_000;

describe('emulator AssumeRole', () => {
  let clock = Date.now();
  let emu: Emulator;
  let user: EmulatorUser;
  let prod: EmulatorRole;
  let admin: EmulatorRole;

  before(async () => {
    emu = await startEmulator({ now: () => clock });
  });
  after(() => emu.close());
  beforeEach(() => {
    clock = Date.now();
    user = makeUser('alice');
    emu.addUser(user);
    // A role in another account that trusts the user's account, with MFA; and one it reaches from there.
    prod = {
      accountId: randomAccountId(),
      roleName: 'prod-admin',
      trust: [user.accountId],
      requireMfa: true,
      maxSessionDuration: 43_200,
    };
    admin = { accountId: prod.accountId, roleName: 'deep', trust: [roleArn(prod)] };
    emu.addRole(prod);
    emu.addRole(admin);
  });
  afterEach(() => {
    emu.resetCalls();
    emu.setLifetime(undefined);
  });

  async function mfaSession(): Promise<Creds> {
    const out = await sts(emu, keyOf(user)).send(
      new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: emu.codeFor(serialOf(user)) }),
    );
    return credsOf(out.Credentials);
  }

  test('an MFA session assumes a role across accounts; the role answers GetCallerIdentity as the assumed role', async () => {
    const out = await sts(emu, await mfaSession()).send(
      new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'mfa-env-dev' }),
    );
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${prod.accountId}:assumed-role/prod-admin/mfa-env-dev`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]{17}:mfa-env-dev$/);
    // Default 3600 s.
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(clock / 1000) * 1000 + 3600_000);
    const who = await sts(emu, credsOf(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { Arn: who.Arn, Account: who.Account, UserId: who.UserId },
      { Arn: out.AssumedRoleUser!.Arn, Account: prod.accountId, UserId: out.AssumedRoleUser!.AssumedRoleId },
    );
  });

  test('temporary credentials are capped at 1 hour (role chaining); the long-term key with a code is not', async () => {
    const session = await mfaSession();
    await rejectsWith(
      sts(emu, session).send(
        new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 's1', DurationSeconds: 3601 }),
      ),
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      400,
    );
    const out = await sts(emu, keyOf(user)).send(
      new AssumeRoleCommand({
        RoleArn: roleArn(prod),
        RoleSessionName: 's1',
        DurationSeconds: 7200,
        SerialNumber: serialOf(user),
        TokenCode: emu.codeFor(serialOf(user)),
      }),
    );
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(clock / 1000) * 1000 + 7200_000);
  });

  test("the role's MaxSessionDuration bounds the long-term path too", async () => {
    const short: EmulatorRole = { accountId: user.accountId, roleName: 'short' };
    emu.addRole(short);
    await rejectsWith(
      sts(emu, keyOf(user)).send(
        new AssumeRoleCommand({ RoleArn: roleArn(short), RoleSessionName: 's1', DurationSeconds: 7200 }),
      ),
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  });

  test('MFA condition: refused with the long-term key alone, or a session minted without MFA; a code on AssumeRole proves it', async () => {
    const denied = `User: arn:aws:iam::${user.accountId}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn(prod)}`;
    await rejectsWith(
      sts(emu, keyOf(user)).send(new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'x1' })),
      'AccessDenied',
      denied,
      403,
    );
    const noMfa = credsOf((await sts(emu, keyOf(user)).send(new GetSessionTokenCommand({}))).Credentials);
    await rejectsWith(
      sts(emu, noMfa).send(new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'x1' })),
      'AccessDenied',
      denied,
      403,
    );
    await rejectsWith(
      sts(emu, keyOf(user)).send(
        new AssumeRoleCommand({
          RoleArn: roleArn(prod),
          RoleSessionName: 'x1',
          SerialNumber: serialOf(user),
          TokenCode: '000000' === emu.codeFor(serialOf(user)) ? '111111' : '000000',
        }),
      ),
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
      403,
    );
    await sts(emu, keyOf(user)).send(
      new AssumeRoleCommand({
        RoleArn: roleArn(prod),
        RoleSessionName: 'x1',
        SerialNumber: serialOf(user),
        TokenCode: emu.codeFor(serialOf(user)),
      }),
    );
  });

  test('trust by account and by principal: another account, or a role not trusted, is refused', async () => {
    const stranger = makeUser('mallory');
    stranger.accountId = randomAccountId();
    emu.addUser(stranger);
    const code = emu.codeFor(serialOf(stranger));
    const out = await sts(emu, keyOf(stranger)).send(
      new GetSessionTokenCommand({ SerialNumber: serialOf(stranger), TokenCode: code }),
    );
    await rejectsWith(
      sts(emu, credsOf(out.Credentials)).send(new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'x1' })),
      'AccessDenied',
      /^User: arn:aws:iam::\d{12}:user\/mallory is not authorized to perform: sts:AssumeRole on resource: /,
      403,
    );
    // `deep` trusts the prod role only: not the user directly.
    await rejectsWith(
      sts(emu, await mfaSession()).send(new AssumeRoleCommand({ RoleArn: roleArn(admin), RoleSessionName: 'x1' })),
      'AccessDenied',
      /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/deep$/,
      403,
    );
    // A role that does not exist looks the same.
    await rejectsWith(
      sts(emu, await mfaSession()).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${prod.accountId}:role/nope`, RoleSessionName: 'x1' }),
      ),
      'AccessDenied',
      /is not authorized to perform: sts:AssumeRole/,
      403,
    );
  });

  test('role chaining: the role session assumes the next role, the MFA context carries, the caller is the assumed role', async () => {
    const first = await sts(emu, await mfaSession()).send(
      new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'hop1' }),
    );
    const mfaDeep: EmulatorRole = {
      accountId: prod.accountId,
      roleName: 'deep-mfa',
      trust: [roleArn(prod)],
      requireMfa: true,
    };
    emu.addRole(mfaDeep);
    const second = await sts(emu, credsOf(first.Credentials)).send(
      new AssumeRoleCommand({ RoleArn: roleArn(mfaDeep), RoleSessionName: 'hop2' }),
    );
    assert.equal(second.AssumedRoleUser!.Arn, `arn:aws:sts::${prod.accountId}:assumed-role/deep-mfa/hop2`);
    await rejectsWith(
      sts(emu, credsOf(second.Credentials)).send(
        new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'hop3' }),
      ),
      'AccessDenied',
      `User: arn:aws:sts::${prod.accountId}:assumed-role/deep-mfa/hop2 is not authorized to perform: sts:AssumeRole on resource: ${roleArn(prod)}`,
      403,
    );
  });

  test('ExternalId must match when the trust policy names one', async () => {
    const vendor: EmulatorRole = {
      accountId: randomAccountId(),
      roleName: 'vendor',
      trust: [user.accountId],
      externalId: 'ext-123',
    };
    emu.addRole(vendor);
    const session = await mfaSession();
    await rejectsWith(
      sts(emu, session).send(new AssumeRoleCommand({ RoleArn: roleArn(vendor), RoleSessionName: 'x1' })),
      'AccessDenied',
      /not authorized/,
      403,
    );
    await rejectsWith(
      sts(emu, session).send(
        new AssumeRoleCommand({ RoleArn: roleArn(vendor), RoleSessionName: 'x1', ExternalId: 'ext-999' }),
      ),
      'AccessDenied',
      /not authorized/,
      403,
    );
    await sts(emu, session).send(
      new AssumeRoleCommand({ RoleArn: roleArn(vendor), RoleSessionName: 'x1', ExternalId: 'ext-123' }),
    );
  });

  test('validation: session name, duration bounds', async () => {
    const session = await mfaSession();
    await rejectsWith(
      sts(emu, session).send(
        new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'a b', DurationSeconds: 600 }),
      ),
      'ValidationError',
      "2 validation errors detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      400,
    );
  });

  test('lifetime: credentials can be issued short, and are ExpiredToken once the clock passes them', async () => {
    emu.setLifetime(({ action, durationSeconds }) => (action === 'AssumeRole' ? 120 : durationSeconds));
    const out = await sts(emu, await mfaSession()).send(
      new AssumeRoleCommand({ RoleArn: roleArn(prod), RoleSessionName: 'short' }),
    );
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(clock / 1000) * 1000 + 120_000);
    const role = credsOf(out.Credentials);
    await sts(emu, role).send(new GetCallerIdentityCommand({}));
    clock += 3 * MIN;
    await rejectsWith(
      sts(emu, role).send(new GetCallerIdentityCommand({})),
      'ExpiredToken',
      'The security token included in the request is expired',
      403,
    );
  });
});
