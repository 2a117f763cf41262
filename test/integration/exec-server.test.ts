// `mfa-exec --server -- COMMAND`: the credential endpoint that the AWS SDKs,
// the AWS CLI and terraform read as the container credential provider, as a
// user's command sees it: the variables it gets, what the endpoint answers to
// good and bad requests, the AWS CLI v1 and v2 and the JS SDK using it, the
// endpoint gone with the command, and renewal across expiry with credentials
// the emulator makes live seconds (its clock runs behind ours).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { MFA_EXEC, ROOT, fileStoreEnv, makeSandbox, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk } from '../helpers/dev-profile.js';
import { findAwsCli, requireTool } from '../helpers/tools.js';
import { serialOf, setUpUser } from '../helpers/users.js';
import { shq, TmuxShell, toolTest } from './shell-helpers.js';

const PROBE = join(ROOT, 'test/integration/fixtures/server-probe.mjs');
const TOTP = join(ROOT, 'test/integration/fixtures/totp-code.mjs');

interface Fixture {
  emulator: Emulator;
  user: EmulatorUser;
  serial: string;
  sandbox: Sandbox;
  arn: string;
  close(): Promise<void>;
}

/**
 * A user set up as profile dev. `lifeSeconds`: the emulator's clock runs so
 * far behind ours that a 900 s session (`-d 15m`) has that long left when it
 * arrives (AWS accepts a signature up to 15 minutes off, so up to ~895 s).
 */
async function fixture(opts: { lifeSeconds?: number; mfaProcess?: boolean } = {}): Promise<Fixture> {
  const offsetMs = opts.lifeSeconds === undefined ? 0 : (900 - opts.lifeSeconds) * 1000;
  const emulator = await startEmulator({ now: () => Date.now() - offsetMs });
  const sandbox = makeSandbox({ env: { AWS_ENDPOINT_URL: emulator.url } });
  Object.assign(sandbox.env, fileStoreEnv(sandbox.dir));
  const user = await setUpUser(sandbox, emulator, 'dev', ['--region', 'us-east-1']);
  const serial = serialOf(user);
  Object.assign(sandbox.env, {
    TOTP_SECRET_HEX: user.mfaDevices[0]!.secret.toString('hex'),
    TOTP_CLOCK_OFFSET_MS: String(offsetMs),
    TOTP_USED_FILE: join(sandbox.dir, 'used-steps'),
  });
  if (opts.mfaProcess) {
    const config = readFileSync(sandbox.configFile, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      sandbox.configFile,
      config.replace('[profile dev]\n', `[profile dev]\nmfa_process = ${process.execPath} ${TOTP}\n`),
    );
  }
  return {
    emulator,
    user,
    serial,
    sandbox,
    arn: `arn:aws:iam::${user.accountId}:user/${user.userName}`,
    async close() {
      await emulator.close();
      sandbox.cleanup();
    },
  };
}

/** A fresh code the emulator accepts now (its own clock). */
const code = (f: Fixture) => f.emulator.codeFor(f.serial);

function probe(
  f: Fixture,
  args: string[],
  mode: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<RunResult & { seen: unknown }> {
  const out = join(f.sandbox.dir, `probe-${mode}.json`);
  return f.sandbox.mfaExec([...args, '--', process.execPath, PROBE, mode, out, ...extra], { env }).then((r) => ({
    ...r,
    seen: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as unknown) : undefined,
  }));
}

function connect(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

interface Answer {
  status: number;
  body: string;
}

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('mfa-exec --server', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f?.close());

  test('COMMAND gets the endpoint and a token, and no credentials: stale ones and AWS_PROFILE are removed', async () => {
    const stale = {
      AWS_ACCESS_KEY_ID: 'AKIASTALESTALESTALE1',
      AWS_SECRET_ACCESS_KEY: 'stale',
      AWS_SESSION_TOKEN: 'stale',
      AWS_PROFILE: 'dev',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/stale',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/nonexistent/token',
    };
    const r = await probe(f, ['--server', '-p', 'dev', '-c', code(f)], 'env', [], stale);
    assertOk(r, 'mfa-exec --server');
    const env = r.seen as Record<string, string>;
    assert.match(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '', /^http:\/\/127\.0\.0\.1:\d+\/\S+$/);
    assert.ok((env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '').length >= 22, 'at least 128 random bits');
    for (const name of Object.keys(stale)) assert.equal(env[name], undefined, `${name} reached COMMAND`);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, undefined);
    assert.equal(env.MFA_ENV_PROFILE, 'dev');
    assert.equal(env.AWS_REGION, 'us-east-1');
  });

  test('the exact token gets the credentials in the ECS shape; anything else a 4xx without them', async () => {
    const r = await probe(f, ['--server', '-p', 'dev'], 'requests');
    assertOk(r, 'mfa-exec --server');
    const seen = r.seen as Record<string, Answer> & { url: string; good: Answer };
    assert.equal(seen.good.status, 200, seen.good.body);
    const creds = JSON.parse(seen.good.body) as Record<string, string>;
    assert.deepEqual(Object.keys(creds).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.match(creds.AccessKeyId!, /^ASIA/);
    assert.match(creds.Expiration!, RFC3339_Z);
    assert.ok(new Date(creds.Expiration!).getTime() > Date.now() + 60 * 60_000);
    const session = f.emulator.calls.filter((c) => c.action === 'GetSessionToken' && c.ok).length;
    assert.equal(session, 1, 'this run reused the session the first test minted');
    for (const answer of seen.concurrent as unknown as Answer[]) assert.equal(answer.body, seen.good.body);
    for (const name of ['noToken', 'wrongToken', 'bearer', 'wrongPath', 'post'] as const) {
      const a = seen[name]!;
      assert.ok(a.status >= 400 && a.status < 500, `${name}: ${a.status}`);
      assert.doesNotMatch(a.body, /AccessKeyId|ASIA|Token/, `${name} said too much`);
    }
    assert.equal(await connect(seen.url), 'ECONNREFUSED', 'the endpoint outlived the command');
  });

  for (const major of [1, 2] as const) {
    const cli = findAwsCli(major);
    test(`AWS CLI v${major} reads it as container credentials and calls STS with them`, async (t) => {
      if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
      const endpoint = major === 2 ? ['--endpoint-url', f.emulator.url] : [];
      const r = await f.sandbox.mfaExec([
        '--server',
        '-p',
        'dev',
        '--',
        cli!.bin,
        'sts',
        'get-caller-identity',
        ...endpoint,
        '--output',
        'json',
      ]);
      assertOk(r, `aws v${major} under mfa-exec --server`);
      assert.equal((JSON.parse(r.stdout) as { Arn: string }).Arn, f.arn);
      const list = await f.sandbox.mfaExec(['--server', '-p', 'dev', '--', cli!.bin, 'configure', 'list']);
      assertOk(list, 'aws configure list');
      assert.match(list.stdout, /access_key\s+\S+\s+container-role/);
    });
  }

  test('the JS SDK’s default chain finds it (the container provider) and calls STS with it', async () => {
    const script = `
      const { STSClient, GetCallerIdentityCommand } = await import(${JSON.stringify(join(ROOT, 'node_modules/@aws-sdk/client-sts/dist-cjs/index.js'))});
      const client = new STSClient({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
      const out = await client.send(new GetCallerIdentityCommand({}));
      const creds = await client.config.credentials();
      console.log(JSON.stringify({ arn: out.Arn, key: creds.accessKeyId, envKey: process.env.AWS_ACCESS_KEY_ID ?? null }));`;
    const r = await f.sandbox.mfaExec([
      '--server',
      '-p',
      'dev',
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
    ]);
    assertOk(r, 'JS SDK under mfa-exec --server');
    const seen = JSON.parse(r.stdout) as { arn: string; key: string; envKey: string | null };
    assert.equal(seen.arn, f.arn);
    assert.match(seen.key, /^ASIA/);
    assert.equal(seen.envKey, null);
  });

  test('SIGTERM to mfa-exec reaches COMMAND (exit 143), and the endpoint goes with it', async () => {
    const out = join(f.sandbox.dir, 'wait.json');
    const env = Object.fromEntries(Object.entries(f.sandbox.env).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const child = spawn(
      process.execPath,
      [MFA_EXEC, '--server', '-p', 'dev', '--', process.execPath, PROBE, 'wait', out],
      { env, stdio: 'ignore', detached: true },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? -1 : null))));
    for (let i = 0; i < 200 && !existsSync(out); i++) await sleep(25);
    const { url } = JSON.parse(readFileSync(out, 'utf8')) as { url: string };
    assert.equal(await connect(url), 'answered 403', 'the endpoint is up while COMMAND runs');
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.equal(await connect(url), 'ECONNREFUSED');
  });

  test('a COMMAND that does not exist: 127 and no code spent', async () => {
    const before = f.emulator.count('GetSessionToken');
    const r = await f.sandbox.mfaExec(['--server', '-p', 'dev', '--refresh', '--', 'no-such-command-mfa-env']);
    assert.equal(r.code, 127, r.stderr);
    assert.equal(f.emulator.count('GetSessionToken'), before);
  });
});

describe('mfa-exec --server renews credentials before they run out', () => {
  test('with mfa_process: fresh credentials before expiry, one mint per renewal even when asked in parallel', async () => {
    // 12 s credentials are renewed every 6 s: three mints in 13 s, which is
    // also all the codes one 30 s window gives (the emulator refuses reuse).
    const f = await fixture({ lifeSeconds: 12, mfaProcess: true });
    try {
      const r = await probe(f, ['--server', '-p', 'dev', '-d', '15m'], 'poll', ['13', '0.5']);
      assertOk(r, 'mfa-exec --server poll');
      const seen = r.seen as (Answer & { at: string })[];
      assert.ok(seen.length >= 10, `${seen.length} polls`);
      const keys = new Set<string>();
      for (const s of seen) {
        assert.equal(s.status, 200, s.body);
        const c = JSON.parse(s.body) as { AccessKeyId: string; Expiration: string };
        keys.add(c.AccessKeyId);
        // Never an expired credential, and never one with less than half its life left.
        assert.ok(
          new Date(c.Expiration).getTime() - new Date(s.at).getTime() > 5000,
          `handed out at ${s.at}, expiring ${c.Expiration}`,
        );
      }
      const mints = f.emulator.count('GetSessionToken', 'ok');
      assert.ok(keys.size >= 3, `${keys.size} distinct credentials over 13 s of 12 s credentials`);
      assert.equal(mints, keys.size, 'one GetSessionToken per credential handed out');
      assert.equal(f.emulator.count('GetSessionToken', 'error'), 0);
    } finally {
      await f.close();
    }
  });

  test('with no way to get a code: a 5xx the SDK shows, and mfa-exec says what to do', async () => {
    const f = await fixture({ lifeSeconds: 6 });
    try {
      const r = await probe(f, ['--server', '-p', 'dev', '-d', '15m', '-c', code(f)], 'poll', ['5', '1']);
      assertOk(r, 'mfa-exec --server poll');
      const seen = r.seen as Answer[];
      assert.equal(seen[0]!.status, 200);
      const failed = seen.filter((s) => s.status !== 200);
      assert.ok(failed.length > 0, 'the credentials were renewed without a code');
      for (const s of failed) {
        assert.equal(s.status, 503);
        const body = JSON.parse(s.body) as { code: string; message: string };
        assert.match(body.message, /code/i);
        assert.doesNotMatch(s.body, /ASIA/);
      }
      assert.match(r.stderr, /mfa-exec: could not renew the credentials for the command: .*code/);
      assert.equal(
        (r.stderr.match(/could not renew/g) ?? []).length,
        1,
        `the same failure on every retry is reported once:\n${r.stderr}`,
      );
    } finally {
      await f.close();
    }
  });
});

describe('mfa-exec --server under an interactive shell (no COMMAND: $SHELL)', () => {
  toolTest(
    'a renewal that needs a code is not asked from the background of the terminal: a 503 saying why, and mfa-exec is never stopped',
    ['tmux', 'bash'],
    async () => {
      // 8 s credentials, no mfa_process: the renewal at 4 s left needs a code.
      const f = await fixture({ lifeSeconds: 8 });
      const env = Object.fromEntries(
        Object.entries(f.sandbox.env).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const sh = TmuxShell.start(f.sandbox.dir, 'bash', env.PATH ?? '', { ...env, SHELL: '/bin/bash' });
      try {
        const status = join(f.sandbox.dir, 'mfa-exec-status');
        // The outer bash runs mfa-exec; the bash it starts has job control and takes the terminal.
        sh.type(
          `${shq(process.execPath)} ${shq(MFA_EXEC)} --server -p dev -d 15m -c ${code(f)}; echo $? > ${shq(status)}`,
        );
        // The inner bash's prompt, under the typed line.
        await sh.waitForScreen((screen) =>
          screen.split('\n').some((l) => /[#$]\s*$/.test(l) && !l.includes('mfa-exec')),
        );
        const out = join(f.sandbox.dir, 'probe-background.json');
        await sh.run(`sleep 9; ${shq(process.execPath)} ${shq(PROBE)} poll ${shq(out)} 1 1`);
        const seen = JSON.parse(readFileSync(out, 'utf8')) as Answer[];
        assert.ok(seen.length > 0);
        for (const answer of seen) {
          assert.equal(answer.status, 503, answer.body);
          assert.match(
            (JSON.parse(answer.body) as { message: string }).message,
            /an MFA code is needed and mfa-env runs in the background of its terminal, where it cannot ask/,
          );
        }
        sh.type('exit');
        await sh.waitForFile(status);
        assert.equal(sh.read('mfa-exec-status').trim(), '0');
        const screen = sh.capture();
        assert.doesNotMatch(screen, /Stopped/, 'mfa-exec was stopped by the terminal');
        assert.equal((screen.match(/mfa-exec: could not renew/g) ?? []).length, 1, `reported once:\n${screen}`);
        assert.match(screen, /mfa-exec: set mfa_process in \[profile dev\], or mint a session where you can type/);
      } finally {
        sh.close();
        await f.close();
      }
    },
  );
});
