// The STS/IAM emulator, driven by the real AWS SDK clients so that what passes
// here is what the SDK inside mfa-env will accept.
//   node --import tsx --test test/unit/emulator.test.ts
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { makeUser, startEmulator } from '../../src/demo/emulator/server.js';
import type { Emulator, EmulatorUser } from '../../src/demo/emulator/server.js';
import { base32Decode, base32Encode, totp } from '../../src/demo/emulator/totp.js';
import { iam, keyOf, rejectsWith, sts, type Creds } from '../helpers/emulator-clients.js';

const serialOf = (u: EmulatorUser) => u.mfaDevices[0]!.serialNumber;

/** Signs a request with @smithy/signature-v4 and sends it with fetch, for what the SDK cannot send. */
async function signedFetch(
  emu: Emulator,
  creds: Creds,
  init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: string; service?: string },
) {
  const signer = new SignatureV4({
    credentials: creds,
    region: 'us-east-1',
    service: init.service ?? 'sts',
    sha256: Sha256,
  });
  const headers: Record<string, string> = { host: `127.0.0.1:${emu.port}` };
  if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  const signed = await signer.sign({
    method: init.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: emu.port,
    path: '/',
    query: init.query ?? {},
    headers,
    body: init.body,
  });
  const qs = Object.entries(init.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const { host: _host, ...sendHeaders } = signed.headers;
  const res = await fetch(`${emu.url}/${qs ? `?${qs}` : ''}`, {
    method: init.method,
    headers: sendHeaders,
    body: init.body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The decoded text of the first <tag>, enough for these flat documents. */
const xmlText = (xml: string, tag: string) =>
  new RegExp(`<${tag}>([^<]*)</${tag}>`)
    .exec(xml)?.[1]
    ?.replace(/&(\w+);/g, (_, name: string) => ENTITY[name] ?? `&${name};`);

describe('totp', () => {
  // RFC 6238 appendix B, SHA-1 rows: (time in seconds, 8-digit TOTP).
  const secret = Buffer.from('12345678901234567890', 'ascii');
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  test('matches the RFC 6238 SHA-1 vectors at 8 digits, and their last 6 at 6 digits', () => {
    for (const [seconds, expected] of vectors) {
      assert.equal(totp(secret, seconds * 1000, 30, 8), expected, `t=${seconds}`);
      assert.equal(totp(secret, seconds * 1000), expected.slice(2), `t=${seconds}`);
    }
  });

  test('base32 follows RFC 4648 and round-trips arbitrary bytes', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.equal(base32Decode('mzxw 6ytb-oi======').toString(), 'foobar');
    assert.equal(base32Encode(secret), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (let n = 0; n < 24; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
    }
    assert.throws(() => base32Decode('ABC1'), /not a base32 character/);
  });
});

describe('makeUser', () => {
  test('makes AWS-shaped identifiers and one virtual MFA device', () => {
    const u = makeUser('alice');
    assert.match(u.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(u.secretAccessKey.length, 40);
    assert.match(u.accountId, /^\d{12}$/);
    assert.equal(u.mfaDevices.length, 1);
    assert.equal(serialOf(u), `arn:aws:iam::${u.accountId}:mfa/alice`);
    assert.equal(u.mfaDevices[0]!.secret.length, 20);
    assert.notEqual(makeUser('alice').accessKeyId, u.accessKeyId);
  });
});

describe('emulator via the AWS SDK', () => {
  let emu: Emulator;
  let user: EmulatorUser;
  let other: EmulatorUser;

  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  // Fresh users per test: a device only has three acceptable codes per 30 s
  // (one step either side), and tests must not depend on each other's spending.
  beforeEach(() => {
    user = makeUser('alice');
    other = makeUser('bob');
    emu.addUser(user);
    emu.addUser(other);
  });
  afterEach(() => emu.resetCalls());

  test('GetSessionToken with MFA returns a session that expires after DurationSeconds', async () => {
    const before = Date.now();
    const out = await sts(emu, keyOf(user)).send(
      new GetSessionTokenCommand({
        SerialNumber: serialOf(user),
        TokenCode: emu.codeFor(serialOf(user)),
        DurationSeconds: 3600,
      }),
    );
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(c.SecretAccessKey!.length, 40);
    assert.ok(c.SessionToken!.length > 300);
    const expires = c.Expiration!.getTime();
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 3600_000, `expires ${c.Expiration!.toISOString()}`);
    assert.ok(expires <= Date.now() + 3600_000);
    assert.match(out.$metadata.requestId!, /^[0-9a-f-]{36}$/);
    assert.equal(emu.count('GetSessionToken', 'ok'), 1);
    assert.deepEqual(
      emu.calls.map(({ action, service, accessKeyId, ok }) => ({ action, service, accessKeyId, ok })),
      [{ action: 'GetSessionToken', service: 'sts', accessKeyId: user.accessKeyId, ok: true }],
    );
  });

  test('DurationSeconds defaults to 43200', async () => {
    const out = await sts(emu, keyOf(user)).send(
      new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: emu.codeFor(serialOf(user)) }),
    );
    const left = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(left > 43_200_000 - 5_000 && left <= 43_200_000, `left ${left}`);
  });

  test('the session signs GetCallerIdentity as the same user, and cannot mint another session', async () => {
    const out = await sts(emu, keyOf(user)).send(
      new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: emu.codeFor(serialOf(user)) }),
    );
    const session: Creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const asUser = await sts(emu, keyOf(user)).send(new GetCallerIdentityCommand({}));
    const asSession = await sts(emu, session).send(new GetCallerIdentityCommand({}));
    assert.equal(asUser.Arn, `arn:aws:iam::${user.accountId}:user/alice`);
    assert.equal(asUser.Account, user.accountId);
    assert.match(asUser.UserId!, /^AIDA[A-Z0-9]{17}$/);
    assert.deepEqual(
      { Arn: asSession.Arn, UserId: asSession.UserId, Account: asSession.Account },
      { Arn: asUser.Arn, UserId: asUser.UserId, Account: asUser.Account },
    );
    assert.equal(emu.calls.at(-1)!.accessKeyId, session.accessKeyId);

    await rejectsWith(
      sts(emu, session).send(
        new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: emu.codeFor(serialOf(user)) }),
      ),
      'AccessDenied',
      'Cannot call GetSessionToken with session credentials',
      403,
    );
    await rejectsWith(
      sts(emu, { ...session, sessionToken: `${session.sessionToken}x` }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
    await rejectsWith(
      sts(emu, { ...keyOf(user), sessionToken: session.sessionToken }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
  });

  test('ListMFADevices lists the caller’s devices, or a named user’s in the same account', async () => {
    const empty = makeUser('nodevice');
    empty.mfaDevices = [];
    const two = makeUser('twodevices');
    two.mfaDevices.push({ serialNumber: 'GAHT12345678', secret: Buffer.alloc(20, 7) });
    const colleague = { ...makeUser('colleague'), accountId: two.accountId };
    emu.addUser(empty);
    emu.addUser(two);
    emu.addUser(colleague);

    const none = await iam(emu, keyOf(empty)).send(new ListMFADevicesCommand({}));
    assert.deepEqual(none.MFADevices, []);
    assert.equal(none.IsTruncated, false);

    const one = await iam(emu, keyOf(user)).send(new ListMFADevicesCommand({}));
    assert.deepEqual(
      one.MFADevices!.map((d) => [d.UserName, d.SerialNumber]),
      [['alice', serialOf(user)]],
    );
    assert.ok(one.MFADevices![0]!.EnableDate instanceof Date);

    const both = await iam(emu, keyOf(two)).send(new ListMFADevicesCommand({}));
    assert.deepEqual(
      both.MFADevices!.map((d) => d.SerialNumber),
      [serialOf(two), 'GAHT12345678'],
    );

    const named = await iam(emu, keyOf(colleague)).send(new ListMFADevicesCommand({ UserName: 'twodevices' }));
    assert.equal(named.MFADevices!.length, 2);
    await rejectsWith(
      iam(emu, keyOf(user)).send(new ListMFADevicesCommand({ UserName: 'twodevices' })),
      // IAM sends Code NoSuchEntity; the SDK maps it to its modelled exception.
      'NoSuchEntityException',
      'The user with name twodevices cannot be found.',
      404,
    );
    assert.deepEqual(
      emu.calls.map((c) => [c.service, c.action, c.ok]),
      [
        ['iam', 'ListMFADevices', true],
        ['iam', 'ListMFADevices', true],
        ['iam', 'ListMFADevices', true],
        ['iam', 'ListMFADevices', true],
        ['iam', 'ListMFADevices', false],
      ],
    );
  });

  test('IAM accepts a session minted with MFA and refuses one minted without', async () => {
    const client = sts(emu, keyOf(user));
    const toCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Creds => ({
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    });
    const withMfa = await client.send(
      new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: emu.codeFor(serialOf(user)) }),
    );
    const withoutMfa = await client.send(new GetSessionTokenCommand({}));
    const listed = await iam(emu, toCreds(withMfa.Credentials!)).send(new ListMFADevicesCommand({}));
    assert.equal(listed.MFADevices![0]!.SerialNumber, serialOf(user));
    await rejectsWith(
      iam(emu, toCreds(withoutMfa.Credentials!)).send(new ListMFADevicesCommand({})),
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
  });

  test('credential errors: unknown key, wrong secret', async () => {
    await rejectsWith(
      sts(emu, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: user.secretAccessKey }).send(
        new GetCallerIdentityCommand({}),
      ),
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
    await rejectsWith(
      sts(emu, { ...keyOf(user), secretAccessKey: `${user.secretAccessKey.slice(1)}x` }).send(
        new GetCallerIdentityCommand({}),
      ),
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
    assert.deepEqual(
      emu.calls.map((c) => [c.ok, c.errorCode]),
      [
        [false, 'InvalidClientTokenId'],
        [false, 'SignatureDoesNotMatch'],
      ],
    );
    assert.equal(emu.count(undefined, 'error'), 2);
    assert.equal(emu.count('GetCallerIdentity'), 2);
    assert.equal(emu.count('GetCallerIdentity', 'ok'), 0);
  });

  test('MFA errors: wrong code, reused code, someone else’s serial', async () => {
    const client = sts(emu, keyOf(user));
    const code = emu.codeFor(serialOf(user));
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    const invalidCode = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: wrong })),
      'AccessDenied',
      invalidCode,
      403,
    );
    await client.send(new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: code }));
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: code })),
      'AccessDenied',
      invalidCode,
      403,
    );
    await rejectsWith(
      client.send(
        new GetSessionTokenCommand({ SerialNumber: serialOf(other), TokenCode: emu.codeFor(serialOf(other)) }),
      ),
      'AccessDenied',
      'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      403,
    );
    assert.equal(emu.count('GetSessionToken', 'ok'), 1);
    assert.equal(emu.count('GetSessionToken', 'error'), 3);
  });

  test('validation errors: duration bounds, lone serial, malformed code and serial', async () => {
    const client = sts(emu, keyOf(user));
    const serial = serialOf(user);
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '123456', DurationSeconds: 100 })),
      'ValidationError',
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      400,
    );
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ DurationSeconds: 129_601 })),
      'ValidationError',
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
      400,
    );
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serial })),
      'ValidationError',
      "1 validation error detected: Value null at 'tokenCode' failed to satisfy constraint: Member must not be null",
      400,
    );
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ TokenCode: '123456' })),
      'ValidationError',
      "1 validation error detected: Value null at 'serialNumber' failed to satisfy constraint: Member must not be null",
      400,
    );
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '12a45' })),
      'ValidationError',
      "2 validation errors detected: Value '12a45' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6; Value '12a45' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
      400,
    );
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: 'arn with spaces', TokenCode: '123456' })),
      'ValidationError',
      /^1 validation error detected: Value 'arn with spaces' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      400,
    );
    // Validation happens before the code is checked, so no code was spent.
    assert.equal(emu.count('GetSessionToken', 'error'), 6);
    await client.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    await client.send(new GetSessionTokenCommand({ DurationSeconds: 129_600 }));
  });

  test('codeFor hands out the unspent neighbouring code when the current one is used', async () => {
    const client = sts(emu, keyOf(user));
    const codes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const code = emu.codeFor(serialOf(user));
      codes.add(code);
      await client.send(new GetSessionTokenCommand({ SerialNumber: serialOf(user), TokenCode: code }));
    }
    // Three steps (now, next, previous) give three distinct codes; after that the window is spent.
    assert.equal(codes.size, 3);
    assert.throws(() => emu.codeFor(serialOf(user)), /spent/);
    assert.throws(() => emu.codeFor('arn:aws:iam::000000000000:mfa/nobody'), /no MFA device/);
  });

  test('hostile credential values survive the XML round trip through the SDK exactly', async () => {
    const hostile = {
      accessKeyId: `ASIA"'$\`\\<&>]]>`,
      secretAccessKey: ` $(id) \`id\` $HOME \${X} \\ \\\\ "dq" 'sq' ; | && # * ? ~ % ! `,
      sessionToken: `a\nb\r\nc\rd\te  é 日本 🔐 \u202e rtl &amp; &#10; <![CDATA[x]]> </SessionToken> \u0001 end `,
    };
    const h = await startEmulator({ users: [user], issueCredentials: () => hostile });
    try {
      const out = await sts(h, keyOf(user)).send(new GetSessionTokenCommand({}));
      assert.deepEqual(
        {
          accessKeyId: out.Credentials!.AccessKeyId,
          secretAccessKey: out.Credentials!.SecretAccessKey,
          sessionToken: out.Credentials!.SessionToken,
        },
        hostile,
      );
    } finally {
      await h.close();
    }
  });
});

describe('emulator over raw HTTP', () => {
  let emu: Emulator;
  let user: EmulatorUser;

  before(async () => {
    user = makeUser('carol');
    emu = await startEmulator({ users: [user] });
  });
  after(() => emu.close());

  test('a GET query signed by @smithy/signature-v4 verifies, with awkward characters in the query', async () => {
    const res = await signedFetch(emu, keyOf(user), {
      method: 'GET',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15', Note: "a b+c/d~e*f!g'h(i)j=k&l é" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(xmlText(res.text, 'Arn'), `arn:aws:iam::${user.accountId}:user/carol`);
    assert.match(res.text, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    assert.equal(res.headers.get('x-amzn-requestid'), xmlText(res.text, 'RequestId'));
  });

  test('a request signed for IAM is answered by IAM', async () => {
    const res = await signedFetch(emu, keyOf(user), {
      method: 'POST',
      service: 'iam',
      body: 'Action=ListMFADevices&Version=2010-05-08',
    });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<ListMFADevicesResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">/);
    assert.equal(xmlText(res.text, 'SerialNumber'), serialOf(user));
  });

  test('a body changed after signing is refused', async () => {
    const signer = new SignatureV4({ credentials: keyOf(user), region: 'us-east-1', service: 'sts', sha256: Sha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: emu.port,
      path: '/',
      query: {},
      headers: { host: `127.0.0.1:${emu.port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const { host: _host, ...headers } = signed.headers;
    const res = await fetch(emu.url, { method: 'POST', headers, body: 'Action=GetSessionToken&Version=2011-06-15' });
    assert.equal(res.status, 403);
    assert.equal(xmlText(await res.text(), 'Code'), 'SignatureDoesNotMatch');
  });

  test('no Authorization header: MissingAuthenticationToken in AWS error XML', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const text = await res.text();
    assert.equal(res.status, 403);
    assert.match(text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    assert.equal(xmlText(text, 'Type'), 'Sender');
    assert.equal(xmlText(text, 'Code'), 'MissingAuthenticationToken');
    assert.equal(res.headers.get('x-amzn-requestid'), xmlText(text, 'RequestId'));
  });

  test('unknown Action: InvalidAction, with the name XML-escaped; no Action: MissingAction', async () => {
    const res = await signedFetch(emu, keyOf(user), {
      method: 'POST',
      body: `Action=${encodeURIComponent('Get<Evil>&"x"')}&Version=2011-06-15`,
    });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.text, 'Code'), 'InvalidAction');
    assert.match(
      res.text,
      /<Message>Could not find operation Get&lt;Evil&gt;&amp;&quot;x&quot; for version 2011-06-15<\/Message>/,
    );
    assert.equal(xmlText(res.text, 'Message'), 'Could not find operation Get<Evil>&"x" for version 2011-06-15');
    assert.equal(emu.calls.at(-1)!.action, 'Get<Evil>&"x"');

    const none = await signedFetch(emu, keyOf(user), { method: 'POST', body: 'Version=2011-06-15' });
    assert.equal(none.status, 400);
    assert.equal(xmlText(none.text, 'Code'), 'MissingAction');
  });

  test('malformed Authorization: IncompleteSignature', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/sts/aws4_request',
        'x-amz-date': '20260101T000000Z',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.equal(xmlText(text, 'Code'), 'IncompleteSignature');
    assert.match(xmlText(text, 'Message')!, /requires 'Signature' parameter/);
  });

  test('close() resolves while an SDK client still holds a keep-alive socket', async () => {
    const e = await startEmulator({ users: [user] });
    const client = sts(e, keyOf(user));
    await client.send(new GetCallerIdentityCommand({}));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('close() hung')), 3000).unref());
    await Promise.race([e.close(), timeout]);
    await assert.rejects(fetch(e.url), /fetch failed/);
  });
});

describe('emulator clock', () => {
  // Kept within 15 minutes of real time, because the SDK signs with the real clock.
  let clock = Date.now();
  let emu: Emulator;
  let user: EmulatorUser;
  const MIN = 60_000;

  before(async () => {
    user = makeUser('dave');
    emu = await startEmulator({ users: [user], now: () => clock });
  });
  after(() => emu.close());

  test('accepts the codes of one step either side of now, not two', async () => {
    clock = Date.now();
    const client = sts(emu, keyOf(user));
    const serial = serialOf(user);
    const stale = emu.codeFor(serial, clock - 60_000);
    await rejectsWith(
      client.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: stale })),
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
      403,
    );
    await client.send(
      new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: emu.codeFor(serial, clock - 30_000) }),
    );
    await client.send(
      new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: emu.codeFor(serial, clock + 30_000) }),
    );
    assert.equal(emu.count('GetSessionToken', 'ok'), 2);
  });

  test('a session past its Expiration is refused with ExpiredToken', async () => {
    clock = Date.now() - 10 * MIN;
    const out = await sts(emu, keyOf(user)).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const session: Creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(clock / 1000) * 1000 + 900_000);
    await sts(emu, session).send(new GetCallerIdentityCommand({}));
    clock = Date.now() + 6 * MIN;
    await rejectsWith(
      sts(emu, session).send(new GetCallerIdentityCommand({})),
      'ExpiredToken',
      'The security token included in the request is expired',
      403,
    );
  });

  test('a signature older than 15 minutes is refused as expired', async () => {
    clock = Date.now() + 20 * MIN;
    const res = await signedFetch(emu, keyOf(user), {
      method: 'POST',
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.text, 'Code'), 'SignatureDoesNotMatch');
    assert.match(
      xmlText(res.text, 'Message')!,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
    // The Date header carries the emulator's clock, which is what lets SDKs correct their skew.
    assert.ok(Math.abs(Date.parse(res.headers.get('date')!) - clock) < 2000);
  });
});
