import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, exportedNames, type Sandbox } from '../helpers/cli.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const sandbox = (extra: Record<string, string> = {}): Sandbox => emulatorSandbox(emulator.url, extra);

function parseExports(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^export ([A-Z_]+)='((?:[^']|'\\'')*)'$/gm))
    out[m[1]!] = m[2]!.replaceAll("'\\''", "'");
  return out;
}

async function sessionCached(s: Sandbox, profile = 'dev'): Promise<boolean> {
  const r = await s.mfaEnv(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { profiles: { profile: string; session: unknown }[] };
  return status.profiles.some((p) => p.profile === profile && p.session !== null);
}

describe('export', () => {
  test('mints with the code, prints every SPEC variable, and the expiry is the server’s', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev', ['--region', 'eu-west-1']);
    const before = emulator.count('GetSessionToken', 'ok');
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash', '-d', '1h']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(emulator.count('GetSessionToken', 'ok'), before + 1);
    const vars = parseExports(r.stdout);
    assert.match(vars.AWS_ACCESS_KEY_ID!, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(vars.AWS_REGION, 'eu-west-1');
    assert.equal(vars.AWS_DEFAULT_REGION, 'eu-west-1');
    assert.equal(vars.MFA_ENV_PROFILE, 'dev');
    assert.match(vars.AWS_CREDENTIAL_EXPIRATION!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(vars.AWS_SESSION_EXPIRATION, vars.AWS_CREDENTIAL_EXPIRATION);
    assert.equal(Number(vars.MFA_ENV_EXPIRES) * 1000, Date.parse(vars.AWS_CREDENTIAL_EXPIRATION!));
    const left = Date.parse(vars.AWS_CREDENTIAL_EXPIRATION!) - Date.now();
    assert.ok(left > 3500_000 && left <= 3600_000, `expiry about one hour away, got ${left} ms`);
    assert.match(r.stdout, /^unset AWS_PROFILE$/m);
    assert.match(r.stdout, /^unset AWS_SECURITY_TOKEN$/m);
    assert.ok(!r.stdout.includes(user.secretAccessKey), 'the long-term secret is never printed');
    s.cleanup();
  });

  test('the second export reuses the cache (0 calls); --refresh makes exactly 1; --no-cache reads and writes nothing', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const first = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    assert.equal(first.code, 0, first.stderr);
    const calls = emulator.count('GetSessionToken');
    const second = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(emulator.count('GetSessionToken'), calls, 'no STS call for a cached session');
    assert.equal(second.stdout, first.stdout);
    const refreshed = await s.mfaEnv(['-p', 'dev', '-s', 'bash', '--refresh', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(emulator.count('GetSessionToken'), calls + 1);
    assert.notEqual(parseExports(refreshed.stdout).AWS_ACCESS_KEY_ID, parseExports(first.stdout).AWS_ACCESS_KEY_ID);
    const third = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(third.stdout, refreshed.stdout, 'the refreshed session replaced the cached one');
    const noCache = await s.mfaEnv(['-p', 'dev', '-s', 'bash', '--no-cache', '-c', emulator.codeFor(serialOf(user))]);
    assert.equal(noCache.code, 0, noCache.stderr);
    assert.equal(emulator.count('GetSessionToken'), calls + 2, '--no-cache ignores the cached session');
    const fourth = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(fourth.stdout, refreshed.stdout, '--no-cache did not overwrite the cache');
    s.cleanup();
  });

  test('six exports started together with no session make one STS call and print the same session', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const code = emulator.codeFor(serialOf(user));
    const calls = emulator.count('GetSessionToken');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => s.mfaEnv(['-p', 'dev', '-c', code, '-s', 'bash'])),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(emulator.count('GetSessionToken'), calls + 1);
    assert.equal(new Set(results.map((r) => r.stdout)).size, 1);
    s.cleanup();
  });

  test('a shell that holds an old session’s AWS_* variables still mints a new one with the long-term key', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const first = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    const old = parseExports(first.stdout);
    const r = await s.mfaEnv(['-p', 'dev', '--refresh', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: {
        AWS_ACCESS_KEY_ID: old.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: old.AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN: old.AWS_SESSION_TOKEN,
        AWS_PROFILE: 'dev',
      },
    });
    // The emulator refuses GetSessionToken signed with session credentials.
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(parseExports(r.stdout).AWS_ACCESS_KEY_ID, old.AWS_ACCESS_KEY_ID);
    assert.equal(emulator.calls.at(-1)!.accessKeyId, user.accessKeyId, 'signed with the stored long-term key');
    s.cleanup();
  });

  test('json and credential-process formats', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const shell = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    const vars = parseExports(shell.stdout);
    const json = await s.mfaEnv(['-p', 'dev', '-f', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      Credentials: {
        AccessKeyId: vars.AWS_ACCESS_KEY_ID,
        SecretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
        SessionToken: vars.AWS_SESSION_TOKEN,
        Expiration: vars.AWS_CREDENTIAL_EXPIRATION,
      },
    });
    for (const args of [
      ['-p', 'dev', '-f', 'credential-process'],
      ['credential-process', '--profile', 'dev'],
    ]) {
      const cp = await s.mfaEnv(args);
      assert.equal(cp.code, 0, cp.stderr);
      assert.deepEqual(JSON.parse(cp.stdout), {
        Version: 1,
        AccessKeyId: vars.AWS_ACCESS_KEY_ID,
        SecretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
        SessionToken: vars.AWS_SESSION_TOKEN,
        Expiration: vars.AWS_CREDENTIAL_EXPIRATION,
      });
    }
    s.cleanup();
  });

  test('detects the dialect from the parent shell', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    const { runCommand, MFA_ENV } = await import('../helpers/cli.js');
    const fromFish = await runCommand('fish', ['-c', `${process.execPath} ${MFA_ENV} -p dev`], s.env);
    assert.equal(fromFish.code, 0, fromFish.stderr);
    assert.match(fromFish.stdout, /^set -gx AWS_ACCESS_KEY_ID '/m);
    const fromBash = await runCommand('bash', ['-c', `${process.execPath} ${MFA_ENV} -p dev; true`], {
      ...s.env,
      SHELL: '/usr/bin/fish',
    });
    assert.deepEqual(
      exportedNames(fromBash.stdout).slice(0, 3),
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
      'the parent wins over $SHELL',
    );
    s.cleanup();
  });
});

describe('export errors: exit code, one clean message, empty stdout, nothing cached', () => {
  const expectFailure = (r: { code: number | null; stdout: string; stderr: string }, code: number, message: RegExp) => {
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stdout, '', 'stdout stays empty on failure');
    assert.match(r.stderr, message);
    const lines = r.stderr.trimEnd().split('\n');
    assert.ok(lines.length <= 2, `one or two lines, got:\n${r.stderr}`);
    assert.ok(
      lines.every((l) => l.startsWith('mfa-env: ')),
      r.stderr,
    );
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  };

  test('wrong code → 3 "wrong or already used"', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const good = emulator.codeFor(serialOf(user));
    const wrong = String((Number(good) + 500_000) % 1_000_000).padStart(6, '0');
    expectFailure(await s.mfaEnv(['-p', 'dev', '-c', wrong, '-s', 'bash']), 3, /wrong or already used/);
    assert.equal(await sessionCached(s), false);
    s.cleanup();
  });

  test('a code used once already → 3', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const code = emulator.codeFor(serialOf(user));
    assert.equal((await s.mfaEnv(['-p', 'dev', '-c', code, '-s', 'bash', '--no-cache'])).code, 0);
    expectFailure(await s.mfaEnv(['-p', 'dev', '-c', code, '-s', 'bash']), 3, /wrong or already used/);
    assert.equal(await sessionCached(s), false);
    s.cleanup();
  });

  test('a serial that is not the user’s device → 3 "check mfa_serial"', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const other = 'arn:aws:iam::123456789012:mfa/somebody-else';
    const fix = await s.mfaEnv(
      ['setup', '-p', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', other],
      { input: user.secretAccessKey },
    );
    assert.equal(fix.code, 0, fix.stderr);
    expectFailure(
      await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']),
      3,
      /check mfa_serial/,
    );
    s.cleanup();
  });

  test('a key AWS does not know (rotated) → 3 "invalid or was rotated"', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    user.accessKeyId = 'AKIA' + 'Z'.repeat(16); // the emulator's user now has a different key
    expectFailure(
      await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']),
      3,
      /invalid or was rotated; run mfa-env setup/,
    );
    s.cleanup();
  });

  test('a wrong secret (SignatureDoesNotMatch) → 3', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    user.secretAccessKey = 'x'.repeat(40);
    expectFailure(
      await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']),
      3,
      /SignatureDoesNotMatch/,
    );
    s.cleanup();
  });

  test('STS unreachable → 5', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expectFailure(
      await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
        env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
      }),
      5,
      /could not reach/,
    );
    s.cleanup();
  });

  test('STS that accepts and never answers → 5 after the 12 s the README names, saying the code may have been used', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
    });
    const took = Date.now() - started;
    for (const sock of sockets) sock.destroy();
    silent.close();
    expectFailure(
      r,
      5,
      /^mfa-env: no answer from http:\/\/127\.0\.0\.1:\d+ within 12 s after the request was sent; AWS may have used the MFA code\nmfa-env: wait for the next code, then try again\n$/,
    );
    assert.ok(took >= 11_500 && took < 16_000, `gave up after ${took} ms, not at 12 s`);
    s.cleanup();
  });

  /** A loopback HTTP server that answers every request with `respond`, counting them. */
  async function fakeSts(
    respond: (res: import('node:http').ServerResponse) => void,
  ): Promise<{ url: string; requests: () => number; close: () => void }> {
    let n = 0;
    const server: Server = createServer((req, res) => {
      n++;
      req.resume();
      req.on('end', () => respond(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      requests: () => n,
      close: () => server.close(),
    };
  }

  test('GetSessionToken is sent once: a connection reset is not retried with the same code → 5', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const sts = await fakeSts((res) => res.socket?.destroy());
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: { AWS_ENDPOINT_URL: sts.url },
    });
    sts.close();
    expectFailure(r, 5, /could not reach http:\/\/127\.0\.0\.1:\d+: \S/);
    assert.equal(sts.requests(), 1, 'a retry would burn the code: AWS refuses it the second time');
    s.cleanup();
  });

  test('a proxy’s HTML error page, a 200 that is not XML, or AWS’s own 503 → 5 naming the HTTP status', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const cases: [number, string, string][] = [
      [502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
      [404, 'text/html', '<html><body><h1>Not Found</h1></body></html>'],
      [403, 'text/html', '<html><body>Forbidden by the corporate proxy</body></html>'],
      [200, 'text/html', '<html><body>Please log in to the hotel Wi-Fi</body></html>'],
      [
        503,
        'text/xml',
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      ],
    ];
    for (const [status, type, body] of cases) {
      const sts = await fakeSts((res) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      });
      const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
        env: { AWS_ENDPOINT_URL: sts.url },
      });
      sts.close();
      expectFailure(r, 5, new RegExp(`answered HTTP ${status}`));
      assert.ok(!/<html|Deserialization/i.test(r.stderr), `no raw parser output: ${r.stderr}`);
    }
    s.cleanup();
  });

  test('any other AWS error → 1 with the AWS code and message', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const odd: Server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>RegionDisabledException</Code><Message>STS is not activated in this region for account:123456789012.</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      );
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    const port = (odd.address() as AddressInfo).port;
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
    });
    odd.close();
    expectFailure(r, 1, /RegionDisabledException: STS is not activated/);
    s.cleanup();
  });

  test('the file store with a wrong passphrase → 4, the store file byte for byte as it was', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const storeFile = `${s.env.MFA_ENV_STORE_DIR}/store.enc`;
    const before = readFileSync(storeFile);
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash'], {
      env: { MFA_ENV_FILE_PASSPHRASE: 'not the passphrase' },
    });
    expectFailure(r, 4, /wrong passphrase for .*store\.enc[\s\S]*MFA_ENV_FILE_PASSPHRASE/);
    assert.ok(readFileSync(storeFile).equals(before), 'the store file is untouched');
    s.cleanup();
  });

  test('a corrupted cached session is ignored and replaced by the next mint, never fatal', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const first = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    assert.equal(first.code, 0, first.stderr);
    // Overwrite the cached entry with garbage, through the store itself.
    const { createFileStore } = await import('../../src/store/file.js');
    const store = createFileStore(s.env.MFA_ENV_STORE_DIR!, async () => s.env.MFA_ENV_FILE_PASSPHRASE!);
    await store.set('session:dev', '{"v":1,"accessKeyId":');
    assert.equal(await sessionCached(s), false, 'a corrupted entry reads as no session');
    const calls = emulator.count('GetSessionToken', 'ok');
    // The next 30 s step's code (accepted: ±1 step), not the one just used.
    const again = await s.mfaEnv([
      '-p',
      'dev',
      '-c',
      emulator.codeFor(serialOf(user), Date.now() + 30_000),
      '-s',
      'bash',
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(emulator.count('GetSessionToken', 'ok'), calls + 1, 'minted anew');
    assert.equal(await sessionCached(s), true, 'and the new session replaced the corrupted entry');
    s.cleanup();
  });

  test('no code and no terminal → 2 at once, saying how to pass one', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const calls = emulator.count();
    expectFailure(await s.mfaEnv(['-p', 'dev', '-s', 'bash']), 2, /no terminal[\s\S]*--code/);
    assert.equal(emulator.count(), calls, 'nothing was sent');
    s.cleanup();
  });

  test('mfa_process: its code mints, its stderr reaches ours, and it never sees the file store passphrase', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const { appendFileSync } = await import('node:fs');
    const say = 'echo "mfa_process here: passphrase ${MFA_ENV_FILE_PASSPHRASE:-not given}, HOME ${HOME:+given}" >&2';
    appendFileSync(s.configFile, `mfa_process = ${say}; echo ${emulator.codeFor(serialOf(user))}\n`);
    const r = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^export AWS_SESSION_TOKEN=/m);
    assert.match(r.stderr, /^mfa_process here: passphrase not given, HOME given$/m);
    assert.ok(!r.stderr.includes(s.env.MFA_ENV_FILE_PASSPHRASE!), 'the passphrase reached mfa_process');
    s.cleanup();
  });

  test('mfa_process that fails, is killed or prints no code → 2, one line and a hint, nothing sent', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const { readFileSync: read, writeFileSync: write } = await import('node:fs');
    const config = read(s.configFile, 'utf8');
    const calls = emulator.count();
    for (const [command, message] of [
      ['exit 7', /^mfa-env: mfa_process failed \(exit 7\)\nmfa-env: run it by hand to see why, or pass --code\n$/],
      ['kill -TERM $$', /^mfa-env: mfa_process failed \(SIGTERM\)\n/],
      [
        'echo 12345; echo no code here',
        /^mfa-env: mfa_process printed no 6-digit code\nmfa-env: it should print the current code on stdout\n$/,
      ],
    ] as const) {
      write(s.configFile, `${config}mfa_process = ${command}\n`);
      expectFailure(await s.mfaEnv(['-p', 'dev', '-s', 'bash']), 2, message);
    }
    assert.equal(emulator.count(), calls, 'nothing was sent');
    s.cleanup();
  });

  test('bad input is refused before anything is sent: code, duration, profile, shell, format', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const calls = emulator.count();
    expectFailure(await s.mfaEnv(['-p', 'dev', '-c', '12345', '-s', 'bash']), 2, /6 digits/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '-c', '123456', '-d', '10', '-s', 'bash']), 2, /900–129600/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '-c', '123456', '-d', 'soon', '-s', 'bash']), 2, /not a duration/);
    expectFailure(await s.mfaEnv(['-p', 'nope', '-c', '123456', '-s', 'bash']), 2, /mfa-env setup --profile nope/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '-s', 'tcsh']), 2, /tcsh[\s\S]*--help/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '-f', 'yaml']), 2, /yaml[\s\S]*--help/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '--frobnicate']), 2, /frobnicate[\s\S]*--help/);
    expectFailure(await s.mfaEnv(['-p', '../etc', '-c', '123456']), 2, /profile name/);
    // An empty --profile (an unset variable in a script) is an error, not the default profile.
    expectFailure(
      await s.mfaEnv(['--profile=', '-c', '123456', '-s', 'bash'], { env: { AWS_PROFILE: 'dev' } }),
      2,
      /--profile needs a profile name/,
    );
    expectFailure(await s.mfaEnv(['-p', '', '-c', '123456', '-s', 'bash']), 2, /--profile needs a profile name/);
    // A value on a switch is refused, not read as on (--refresh=0) or off (--cache=no).
    expectFailure(await s.mfaEnv(['-p', 'dev', '--refresh=0', '-s', 'bash']), 2, /--refresh takes no value/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '--cache=no', '-s', 'bash']), 2, /--cache takes no value/);
    expectFailure(await s.mfaEnv(['-p', 'dev', '--no-cache=1', '-s', 'bash']), 2, /--no-cache takes no value/);
    // The other commands' switches too (one list, from the option tables: src/cli/options.ts).
    expectFailure(await s.mfaEnv(['status', '--json=1']), 2, /--json takes no value/);
    expectFailure(await s.mfaEnv(['logout', '--all=yes']), 2, /--all takes no value/);
    expectFailure(await s.mfaEnv(['setup', '-p', 'other', '--import=no']), 2, /--import takes no value/);
    assert.equal(emulator.count(), calls);
    s.cleanup();
  });

  test('a profile with mfa_serial but no stored key → 2 naming mfa-env setup', async () => {
    const s = sandbox();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(s.configFile, '[profile ops]\nmfa_serial = arn:aws:iam::123456789012:mfa/ops\n');
    expectFailure(
      await s.mfaEnv(['-p', 'ops', '-c', '123456', '-s', 'bash']),
      2,
      /no long-term key[\s\S]*mfa-env setup --profile ops/,
    );
    s.cleanup();
  });

  test('stdout is a terminal → no secrets, how to eval, exit 2', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
    const { runCommand, MFA_ENV } = await import('../helpers/cli.js');
    // script(1) gives the command a pseudo-terminal as stdout.
    const logFile = `${s.dir}/typescript`;
    const r = await runCommand('script', ['-qec', `${process.execPath} ${MFA_ENV} -p dev`, logFile], s.env);
    const screen = readFileSync(logFile, 'utf8');
    assert.equal(r.code, 2, screen);
    assert.match(screen, /eval "\$\(mfa-env -p dev\)"/);
    assert.ok(!/AWS_SECRET_ACCESS_KEY|ASIA[A-Z0-9]{16}/.test(screen), 'no credentials on the terminal');
    s.cleanup();
  });
});

describe('mfa-env printed straight to a terminal', () => {
  test('prints no credentials (exit 2), and the hint repeats the words given: eval for a bare shell, mfa where it is loaded', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const code = emulator.codeFor(serialOf(user));
    const mints = emulator.count('GetSessionToken');
    const { runCommand, MFA_ENV } = await import('../helpers/cli.js');
    // script(1) gives mfa-env a terminal for stdout; -e: its exit status.
    const onTerminal = (integration: string | undefined) =>
      runCommand(
        'script',
        ['-qec', `'${process.execPath}' '${MFA_ENV}' -p dev --refresh -c ${code} 2>&1`, '/dev/null'],
        { ...s.env, MFA_ENV_SHELL_INTEGRATION: integration },
      );
    const bare = await onTerminal(undefined);
    assert.equal(bare.code, 2, bare.stdout);
    assert.doesNotMatch(bare.stdout, /ASIA|AWS_SESSION_TOKEN/);
    assert.match(bare.stdout, new RegExp(`mfa-env: run: eval "\\$\\(mfa-env -p dev --refresh -c ${code}\\)"`));
    const loaded = await onTerminal('bash:1');
    assert.match(loaded.stdout, new RegExp(`mfa-env: type: mfa -p dev --refresh -c ${code} `));
    assert.equal(emulator.count('GetSessionToken'), mints, 'refused before anything was asked of AWS');
    s.cleanup();
  });
});
