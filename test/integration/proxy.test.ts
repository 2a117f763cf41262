// Issue 17 item 5: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and lower case) for
// STS and IAM, as the AWS CLI reads them. The endpoint's host name does not
// resolve (.invalid): only the proxy this file runs on 127.0.0.1 can reach
// the emulator behind it, over plain HTTP (absolute-form requests) and over
// HTTPS (CONNECT). Item 8: a user and password in a proxy or endpoint URL
// never reach the screen.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, type Sandbox } from '../helpers/cli.js';
import { exportsOf } from '../helpers/dev-profile.js';
import { requireTool } from '../helpers/require-tool.js';
import { makeServerCertificate } from '../helpers/tls.js';
import { serialOf, setUpUser } from '../helpers/users.js';

const HOST = 'sts.proxy-only.invalid';
const PROXY_USER = 'proxyuser';
const PROXY_PASSWORD = 'pr0xy-s3cret-pw';

interface Proxy {
  url: string;
  port: number;
  /** `CONNECT host:port` or `POST http://host:port/`, one per request that came through. */
  seen: string[];
  close(): Promise<void>;
}

/** Where the proxy sends HOST:port: to 127.0.0.1:port. Any other host is refused (502). */
const target = (host: string) => (host.split(':')[0] === HOST ? '127.0.0.1' : undefined);

async function startProxy(opts: { auth?: boolean } = {}): Promise<Proxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const authorized = (header: string | undefined) =>
    !opts.auth || header === `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/');
    seen.push(`${req.method} ${url.host}`);
    const to = target(url.hostname);
    if (!authorized(req.headers['proxy-authorization'])) return void res.writeHead(407).end();
    if (!to) return void res.writeHead(502).end();
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: to, port: url.port, method: req.method, path: url.pathname + url.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    seen.push(`CONNECT ${req.url}`);
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const to = target(host);
    if (!authorized(req.headers['proxy-authorization']))
      return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    if (!to) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const up = connect(Number(port), to, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let proxy: Proxy;
let emulator: Emulator;
const sandboxes: Sandbox[] = [];
before(async () => {
  proxy = await startProxy();
  emulator = await startEmulator();
});
after(async () => {
  await proxy.close();
  await emulator.close();
  sandboxes.forEach((s) => s.cleanup());
});
beforeEach(() => proxy.seen.splice(0));

/** A sandbox whose AWS endpoints are `endpoint` (the unresolvable name, unless told otherwise). */
function sandbox(endpoint = `http://${HOST}:${emulator.port}`, env: Record<string, string | undefined> = {}): Sandbox {
  const s = emulatorSandbox(endpoint, env);
  sandboxes.push(s);
  return s;
}

describe('plain HTTP through HTTP_PROXY', () => {
  test('without a proxy the endpoint cannot be reached (exit 5): the name does not resolve', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /could not reach/);
  });

  test('setup discovers the MFA device (IAM) and export mints (STS), both through the proxy', async () => {
    const s = sandbox(undefined, { HTTP_PROXY: proxy.url });
    const user = makeUser();
    emulator.addUser(user);
    const setup = await s.mfaEnv(['setup', '--profile', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin'], {
      input: user.secretAccessKey,
    });
    assert.equal(setup.code, 0, setup.stderr);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(exportsOf(r.stdout).AWS_SESSION_TOKEN);
    assert.deepEqual(
      [...new Set(proxy.seen)],
      [`POST ${HOST}:${emulator.port}`],
      'every call went through the proxy as absolute-form requests',
    );
    // setup: the key check (STS), device discovery and the key's age (IAM); then the mint.
    assert.equal(proxy.seen.length, 4);
  });

  test('a proxy that cannot be reached is named (without its password) in the exit-5 message', async () => {
    const s = sandbox(undefined, { HTTP_PROXY: 'http://someone:pw-123@127.0.0.1:9' });
    const user = await setUpUser(s, emulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `could not reach ${HOST.replaceAll('.', '\\.')} through the proxy http://\\*\\*\\*@127\\.0\\.0\\.1:9/ \\(HTTP_PROXY\\): ECONNREFUSED\nmfa-env: check HTTP_PROXY and NO_PROXY`,
      ),
    );
    assert.ok(!r.stderr.includes('pw-123'));
  });

  test('lower-case http_proxy is honoured too, and wins over HTTP_PROXY', async () => {
    const s = sandbox(undefined, { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
    const user = await setUpUser(s, emulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.seen.length, 1);
  });

  test('NO_PROXY naming the host (or a domain above it) bypasses the proxy', async () => {
    for (const noProxy of ['127.0.0.1', 'localhost,127.0.0.1:' + emulator.port, '*']) {
      const s = sandbox(emulator.url, { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: noProxy });
      const user = await setUpUser(s, emulator);
      const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
      assert.equal(r.code, 0, `NO_PROXY=${noProxy}: ${r.stderr}`);
    }
    // And a domain: the unresolvable host with NO_PROXY=.invalid goes direct, and so fails to resolve.
    const s = sandbox(undefined, { HTTP_PROXY: proxy.url, no_proxy: '.invalid' });
    const user = await setUpUser(s, emulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 5, r.stderr);
    assert.deepEqual(proxy.seen, []);
  });
});

describe('HTTPS through HTTPS_PROXY (CONNECT)', requireTool('openssl'), () => {
  let certs: string;
  let tlsEmulator: Emulator;
  before(async () => {
    certs = mkdtempSync(join(tmpdir(), 'mfa-env-proxy-ca-'));
    const made = makeServerCertificate(certs, [HOST]);
    tlsEmulator = await startEmulator({ tls: { key: made.key, cert: made.cert } });
  });
  after(async () => {
    await tlsEmulator?.close();
    if (certs) rmSync(certs, { recursive: true, force: true });
  });

  test('https_proxy: a tunnel to the endpoint, with the certificate checked for its name', async () => {
    const s = sandbox(`https://${HOST}:${tlsEmulator.port}`, {
      https_proxy: proxy.url,
      NODE_EXTRA_CA_CERTS: join(certs, 'ca.pem'),
    });
    const user = await setUpUser(s, tlsEmulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', tlsEmulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(exportsOf(r.stdout).AWS_SESSION_TOKEN);
    assert.deepEqual(proxy.seen, [`CONNECT ${HOST}:${tlsEmulator.port}`]);
  });

  test('HTTP_PROXY alone is not used for an https endpoint (as the AWS CLI)', async () => {
    const s = sandbox(`https://${HOST}:${tlsEmulator.port}`, {
      HTTP_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: join(certs, 'ca.pem'),
    });
    const user = await setUpUser(s, tlsEmulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', tlsEmulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 5, r.stderr);
    assert.deepEqual(proxy.seen, []);
  });
});

describe('credentials in a proxy or endpoint URL', () => {
  let authProxy: Proxy;
  before(async () => {
    authProxy = await startProxy({ auth: true });
  });
  after(() => authProxy.close());

  test('a proxy with user:password in its URL authenticates, and a failure never shows the password', async () => {
    const withAuth = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${authProxy.port}`;
    const s = sandbox(undefined, { HTTP_PROXY: withAuth });
    const user = await setUpUser(s, emulator);
    const ok = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(authProxy.seen.length, 1);

    const doctor = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    assert.match(
      doctor.stdout,
      new RegExp(
        `ok +proxy: STS \\(${HOST}:${emulator.port}\\) through http://\\*\\*\\*@127\\.0\\.0\\.1:${authProxy.port}/`,
      ),
    );
    assert.ok(!doctor.stdout.includes(PROXY_PASSWORD), 'doctor printed the proxy password');

    const wrong = sandbox(`http://elsewhere.invalid:1`, { HTTP_PROXY: withAuth });
    const user2 = await setUpUser(wrong, emulator);
    const r = await wrong.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user2))]);
    assert.notEqual(r.code, 0);
    assert.ok(!r.stderr.includes(PROXY_PASSWORD), `the password reached stderr: ${r.stderr}`);
  });

  test('an endpoint URL with user:password: errors show the URL without them', async () => {
    const s = sandbox(`http://admin:hunter2-endpoint-pw@127.0.0.1:9`);
    const user = await setUpUser(s, emulator);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1:9/);
    assert.ok(
      !r.stderr.includes('hunter2-endpoint-pw') && !r.stderr.includes('admin:'),
      `credentials reached stderr: ${r.stderr}`,
    );
    const doctor = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    assert.ok(!(doctor.stdout + doctor.stderr).includes('hunter2-endpoint-pw'), 'doctor printed the password');
  });
});
