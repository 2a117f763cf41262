// The emulator's IAM users and access keys (src/demo/emulator/iam-keys.ts),
// driven by the real AWS SDK clients: GetUser, ListUsers, ListAccessKeys,
// CreateAccessKey, DeleteAccessKey as AWS answers them, on a clock the test
// moves.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListUsersCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { iam, keyOf, rejectsWith, sts, type Creds } from '../helpers/emulator-clients.js';

describe('emulator IAM access keys', () => {
  // Whole seconds, as IAM reports dates; near real time, because the SDK signs with the real clock.
  const started = Math.floor(Date.now() / 1000) * 1000;
  let clock = started;
  let emu: Emulator;
  let user: EmulatorUser;

  beforeEach(async () => {
    clock = started;
    user = makeUser('alice');
    user.accessKeyCreatedAt = started - 100 * 86_400_000;
    emu = await startEmulator({ users: [user], now: () => clock, keyPropagationMs: 4000 });
  });
  afterEach(async () => {
    await emu.close();
  });

  const mfaSession = async (u: EmulatorUser): Promise<Creds> => {
    const out = await sts(emu, keyOf(u)).send(
      new GetSessionTokenCommand({
        SerialNumber: u.mfaDevices[0]!.serialNumber,
        TokenCode: emu.codeFor(u.mfaDevices[0]!.serialNumber),
      }),
    );
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  };

  test('GetUser and ListAccessKeys: the caller, its one key and the key’s CreateDate', async () => {
    const got = await iam(emu, keyOf(user)).send(new GetUserCommand({}));
    assert.equal(got.User?.UserName, 'alice');
    assert.equal(got.User?.Arn, `arn:aws:iam::${user.accountId}:user/alice`);
    const listed = await iam(emu, keyOf(user)).send(new ListAccessKeysCommand({}));
    assert.deepEqual(
      listed.AccessKeyMetadata?.map((k) => [k.UserName, k.AccessKeyId, k.Status, k.CreateDate?.toISOString()]),
      [['alice', user.accessKeyId, 'Active', new Date(user.accessKeyCreatedAt!).toISOString()]],
    );
    await rejectsWith(
      iam(emu, keyOf(user)).send(new GetUserCommand({ UserName: 'bob' })),
      'NoSuchEntityException',
      'The user with name bob cannot be found.',
      404,
    );
  });

  test('CreateAccessKey: a new key, refused while it propagates, then signing as the same user', async () => {
    const made = (await iam(emu, keyOf(user)).send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    assert.match(made.AccessKeyId!, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(made.SecretAccessKey!.length, 40);
    assert.equal(made.CreateDate?.getTime(), clock);
    const fresh = { accessKeyId: made.AccessKeyId!, secretAccessKey: made.SecretAccessKey! };
    await rejectsWith(
      sts(emu, fresh).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
    clock += 3999;
    await rejectsWith(sts(emu, fresh).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', /invalid/, 403);
    clock += 1;
    assert.equal(
      (await sts(emu, fresh).send(new GetCallerIdentityCommand({}))).Arn,
      `arn:aws:iam::${user.accountId}:user/alice`,
    );
    // Both keys are listed, and both sign.
    assert.deepEqual(
      emu.accessKeysOf(user).map((k) => k.accessKeyId),
      [user.accessKeyId, made.AccessKeyId],
    );
    assert.equal((await sts(emu, keyOf(user)).send(new GetCallerIdentityCommand({}))).Account, user.accountId);
  });

  test('a third key: LimitExceeded (409), and nothing made', async () => {
    emu.addAccessKey(user);
    await rejectsWith(
      iam(emu, keyOf(user)).send(new CreateAccessKeyCommand({})),
      'LimitExceededException',
      'Cannot exceed quota for AccessKeysPerUser: 2',
      409,
    );
    assert.equal(emu.accessKeysOf(user).length, 2);
  });

  test('DeleteAccessKey: the key is refused from then on; deleting it again is NoSuchEntity', async () => {
    const second = emu.addAccessKey(user);
    const session = await mfaSession(user);
    await iam(emu, session).send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: user.accessKeyId }));
    await rejectsWith(
      sts(emu, keyOf(user)).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      /invalid/,
      403,
    );
    await rejectsWith(
      iam(emu, second).send(new DeleteAccessKeyCommand({ AccessKeyId: user.accessKeyId })),
      'NoSuchEntityException',
      `The Access Key with id ${user.accessKeyId} cannot be found.`,
      404,
    );
    assert.deepEqual(
      emu.accessKeysOf(user).map((k) => k.accessKeyId),
      [second.accessKeyId],
    );
    // With one key left, another can be made.
    assert.ok((await iam(emu, second).send(new CreateAccessKeyCommand({}))).AccessKey?.AccessKeyId);
  });

  test('a policy that wants MFA: the long-term key is denied explicitly, the MFA session is let through', async () => {
    user.iamPolicy = { requireMfa: true };
    const arn = `arn:aws:iam::${user.accountId}:user/alice`;
    await rejectsWith(
      iam(emu, keyOf(user)).send(new CreateAccessKeyCommand({})),
      'AccessDenied',
      `User: ${arn} is not authorized to perform: iam:CreateAccessKey on resource: ${arn} with an explicit deny in an identity-based policy`,
      403,
    );
    assert.equal(emu.accessKeysOf(user).length, 1);
    const session = await mfaSession(user);
    assert.equal((await iam(emu, session).send(new GetUserCommand({}))).User?.UserName, 'alice');
    assert.ok((await iam(emu, session).send(new CreateAccessKeyCommand({}))).AccessKey?.AccessKeyId);
    // A session minted without MFA is no credential for IAM at all.
    const plain = (await sts(emu, keyOf(user)).send(new GetSessionTokenCommand({}))).Credentials!;
    await rejectsWith(
      iam(emu, {
        accessKeyId: plain.AccessKeyId!,
        secretAccessKey: plain.SecretAccessKey!,
        sessionToken: plain.SessionToken!,
      }).send(new ListAccessKeysCommand({})),
      'InvalidClientTokenId',
      /invalid/,
      403,
    );
  });

  test('a policy that does not allow DeleteAccessKey: AccessDenied naming the action, the key stays', async () => {
    user.iamPolicy = { deny: ['DeleteAccessKey'] };
    const second = emu.addAccessKey(user);
    await rejectsWith(
      iam(emu, keyOf(user)).send(new DeleteAccessKeyCommand({ AccessKeyId: second.accessKeyId })),
      'AccessDenied',
      /is not authorized to perform: iam:DeleteAccessKey on resource: .* because no identity-based policy allows the iam:DeleteAccessKey action$/,
      403,
    );
    assert.equal(emu.accessKeysOf(user).length, 2);
  });

  test('ListUsers: the caller account’s users by name, a page at a time, as the SDK paginator follows them', async () => {
    for (const name of ['carol', 'bob', 'dave']) emu.addUser({ ...makeUser(name), accountId: user.accountId });
    emu.addUser(makeUser('elsewhere'));
    const pages: string[][] = [];
    for await (const page of paginateListUsers({ client: iam(emu, keyOf(user)), pageSize: 1 }, {}))
      pages.push((page.Users ?? []).map((u) => u.UserName!));
    assert.deepEqual(pages, [['alice'], ['bob'], ['carol'], ['dave']]);
    assert.equal(emu.count('ListUsers', 'ok'), 4, 'one request per page');
    const all = await iam(emu, keyOf(user)).send(new ListUsersCommand({}));
    assert.deepEqual([all.IsTruncated, all.Marker, all.Users?.length], [false, undefined, 4]);
    assert.equal(all.Users?.[0]?.Arn, `arn:aws:iam::${user.accountId}:user/alice`);
    await rejectsWith(
      iam(emu, keyOf(user)).send(new ListUsersCommand({ MaxItems: 0 })),
      'ValidationError',
      /Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      400,
    );
    await rejectsWith(
      iam(emu, keyOf(user)).send(new ListUsersCommand({ Marker: 'not-a-marker' })),
      'ValidationError',
      /Marker/,
      400,
    );
  });
});
