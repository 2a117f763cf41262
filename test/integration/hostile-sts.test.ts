// Issue 17 items 4 and 7: answers STS could not have meant. A tiny HTTP
// server in this file plays STS (the SDK's request is answered, never
// checked); the built CLI must refuse what it says with exit 5 and one short
// line, and cache nothing.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeSandbox, type RunResult, type Sandbox } from '../helpers/cli.js';
import { exportsOf } from '../helpers/dev-profile.js';
import { seedProfile } from '../helpers/seed.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function credentialsXml(c: { expiration: string; token?: string; keyId?: string }): string {
  return `<GetSessionTokenResponse xmlns="${NS}"><GetSessionTokenResult><Credentials>
<AccessKeyId>${c.keyId ?? 'ASIAHOSTILESTS00001'}</AccessKeyId><SecretAccessKey>hostileSecretAccessKey0000000000000000000</SecretAccessKey>
<SessionToken>${c.token ?? 'IQoJb3JpZ2luX2VjHOSTILE'}</SessionToken><Expiration>${c.expiration}</Expiration>
</Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>`;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
}

/** `chunked`: no Content-Length, the body streamed in pieces (the cap must hold while it streams). */
type Answer = { status: number; body: string | Buffer; chunked?: boolean };
let answers: Answer[] = [];
let requests = 0;
let server: Server;
let sandbox: Sandbox;

function answerWith(...a: Answer[]): void {
  answers = a;
  requests = 0;
}

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const a = answers[Math.min(requests, answers.length - 1)]!;
      requests++;
      if (!a.chunked) {
        res.writeHead(a.status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(a.body) });
        return void res.end(a.body);
      }
      res.writeHead(a.status, { 'Content-Type': 'text/xml' });
      const body = Buffer.from(a.body);
      let at = 0;
      const more = () => {
        while (at < body.length && !res.destroyed) {
          const ok = res.write(body.subarray(at, (at += 64 * 1024)));
          if (!ok) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end();
      };
      res.on('error', () => {});
      more();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sandbox = makeSandbox();
  const seeded = await seedProfile({ dir: sandbox.dir, configFile: sandbox.configFile, session: null });
  Object.assign(sandbox.env, seeded.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  sandbox.cleanup();
});

const mint = () => sandbox.mfaEnv(['-p', 'dev', '-c', '123456']);

/** Exit 5, at most two short lines, no raw XML or parser text, nothing on stdout; and no session was cached. */
async function assertRefused(r: RunResult, message: RegExp): Promise<void> {
  assert.equal(r.code, 5, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length <= 2, `more than two lines: ${r.stderr}`);
  for (const l of lines) assert.ok(l.length <= 420, `a line of ${l.length} characters`);
  assert.doesNotMatch(r.stderr, /<|Deserialization|TypeError|run mfa-env setup/);
  // Nothing cached: without a code, the next run must mint (and cannot, with no terminal: exit 2).
  const next = await sandbox.mfaEnv(['-p', 'dev']);
  assert.equal(next.code, 2, `a session was cached: ${next.stdout}${next.stderr}`);
}

describe('expiry times STS could not have meant', () => {
  test('an Expiration in the past: exit 5 "is this machine\'s clock right?", nothing cached', async () => {
    answerWith({ status: 200, body: credentialsXml({ expiration: iso(Date.now() - 3600_000) }) });
    await assertRefused(await mint(), /expired at .*\n.*is this machine's clock right\?/);
  });

  test('an Expiration of 9999-12-31: exit 5, more than 36 h away, nothing cached', async () => {
    answerWith({ status: 200, body: credentialsXml({ expiration: '9999-12-31T23:59:59Z' }) });
    await assertRefused(await mint(), /9999-12-31T23:59:59Z, more than 36 h .*\n.*clock right\?/);
  });

  test('an Expiration that is not a time: exit 5 "not an STS response"', async () => {
    answerWith({ status: 200, body: credentialsXml({ expiration: 'tomorrow-ish' }) });
    await assertRefused(await mint(), /not an STS response/);
  });

  test('a sane answer is taken (the control: the same server, a 12 h session)', async () => {
    const expiration = iso(Date.now() + 12 * 3600_000);
    answerWith({ status: 200, body: credentialsXml({ expiration }) });
    const r = await mint();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(exportsOf(r.stdout).AWS_CREDENTIAL_EXPIRATION, expiration);
    assert.equal((await sandbox.mfaEnv(['-p', 'dev', 'logout'])).code, 0);
  });
});

describe('answers too big to be STS', () => {
  beforeEach(async () => {
    await sandbox.mfaEnv(['logout', '--all']);
  });

  test('a 1 MB SessionToken is refused (exit 5) and never reaches the shell', async () => {
    answerWith({
      status: 200,
      body: credentialsXml({ expiration: iso(Date.now() + 3600_000), token: 'A'.repeat(1 << 20) }),
    });
    await assertRefused(await mint(), /not an AWS response|not an STS response/);
  });

  test('a 100 KB SessionToken (a small answer, a huge field) is refused too', async () => {
    answerWith({
      status: 200,
      body: credentialsXml({ expiration: iso(Date.now() + 3600_000), token: 'A'.repeat(100_000) }),
    });
    await assertRefused(await mint(), /sessionToken of 100000 characters: not an STS response/);
  });

  test('a 30 MB error message is refused without reading it whole, in one short line', async () => {
    answerWith({ status: 400, body: errorXml('AccessDenied', 'x'.repeat(30 << 20)) });
    await assertRefused(await mint(), /not an AWS response/);
  });

  test('the same streamed without a Content-Length: cut off while it streams', async () => {
    answerWith({ status: 400, body: errorXml('AccessDenied', 'x'.repeat(30 << 20)), chunked: true });
    await assertRefused(await mint(), /more than 256 KB, far more than any AWS answer: not an AWS response/);
  });

  test('a long error message with terminal escapes is cut to one printable line', async () => {
    answerWith({
      status: 400,
      body: errorXml('WeirdError', `\u001b]0;pwned\u0007\u001b[2J${'y'.repeat(5000)}\n\u009b31mred`),
    });
    const r = await mint();
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'a control character reached stderr');
    for (const l of r.stderr.trim().split('\n')) assert.ok(l.length <= 420, `a line of ${l.length} characters`);
  });
});

describe('messages that point the right way', () => {
  test('clock skew (SignatureDoesNotMatch "Signature expired") says to check the clock, not to run setup', async () => {
    answerWith({
      status: 403,
      body: errorXml(
        'SignatureDoesNotMatch',
        'Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)',
      ),
    });
    await assertRefused(await mint(), /clock is off\n.*clock right\?/);
  });

  test('RequestExpired says the same', async () => {
    answerWith({ status: 400, body: errorXml('RequestExpired', 'Request has expired.') });
    await assertRefused(await mint(), /RequestExpired.*clock is off/);
  });

  test('Throttling is retried with backoff, and a later answer is taken', async () => {
    const throttled = { status: 400, body: errorXml('Throttling', 'Rate exceeded') };
    answerWith(throttled, throttled, { status: 200, body: credentialsXml({ expiration: iso(Date.now() + 3600_000) }) });
    const r = await mint();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(requests, 3);
    assert.equal((await sandbox.mfaEnv(['logout', '--all'])).code, 0);
  });

  test('Throttling that does not stop is named after the retries (exit 5)', async () => {
    answerWith({ status: 400, body: errorXml('Throttling', 'Rate exceeded') });
    const r = await mint();
    assert.equal(requests, 4, 'one try and three retries');
    await assertRefused(r, /STS is throttling requests \(Throttling\); gave up after 4 tries/);
  });
});
