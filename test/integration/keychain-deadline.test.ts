// Issue 17 item 3: a session bus that accepts and never answers, or a
// stopped dbus-daemon or gnome-keyring-daemon, gives exit 4 within about 3 s
// for export, mfa-exec and credential-process, through the built CLI; and the
// D-Bus look's switch (MFA_ENV_KEYCHAIN_PROBE=0) reads and writes the same
// keyring and keeps the deadline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, makeUser, type Emulator } from '../../src/demo/emulator/server.js';
import { makeSandbox, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk, exportsOf } from '../helpers/dev-profile.js';
import { requireTool } from '../helpers/require-tool.js';
import { startSecretService, type SecretService } from '../helpers/secret-service.js';

const KEYRING_TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];
const SERIAL = 'arn:aws:iam::123456789012:mfa/dev';
/** What "about 3 s" is allowed to be on a loaded machine: the deadline is 3 s, Node's start comes on top. */
const WITHIN_MS = 4500;

/** The three commands that read the keychain before anything else, as a user types them. */
const commands: { name: string; run: (s: Sandbox) => Promise<RunResult> }[] = [
  { name: 'export', run: (s) => s.mfaEnv(['-p', 'dev', '-c', '123456']) },
  { name: 'mfa-exec', run: (s) => s.mfaExec(['-p', 'dev', '-c', '123456', '--', 'true']) },
  { name: 'credential-process', run: (s) => s.mfaEnv(['credential-process', '--profile', 'dev']) },
];

async function timed(run: () => Promise<RunResult>): Promise<RunResult & { ms: number }> {
  const started = performance.now();
  const res = await run();
  return { ...res, ms: performance.now() - started };
}

function assertStoreFailure(res: RunResult & { ms: number }, what: string): void {
  assert.equal(res.code, 4, `${what}: exit ${res.code ?? res.signal}: ${res.stderr}`);
  assert.ok(res.ms < WITHIN_MS, `${what} took ${Math.round(res.ms)} ms`);
  assert.equal(res.stdout, '', `${what} printed on stdout`);
  assert.match(res.stderr, /Secret Service .*(did not answer|it did not answer)/, what);
  assert.ok(res.stderr.trim().split('\n').length <= 2, `${what}: more than two lines: ${res.stderr}`);
}

describe('a session bus that accepts connections and never answers', { timeout: 60_000 }, () => {
  let dir: string;
  let server: Server;
  const sockets = new Set<Socket>();
  let sandbox: Sandbox;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mfa-env-silent-bus-'));
    const path = join(dir, 'bus');
    server = createServer((s) => {
      sockets.add(s);
      s.on('data', () => {}); // read everything, answer nothing
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    sandbox = makeSandbox({
      env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}`, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    writeFileSync(sandbox.configFile, `[profile dev]\nmfa_serial = ${SERIAL}\n`);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    sandbox.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of commands) {
    test(`${c.name}: exit 4 within about 3 s, nothing on stdout`, async () => {
      assertStoreFailure(await timed(() => c.run(sandbox)), c.name);
    });
  }

  test('with MFA_ENV_KEYCHAIN_PROBE=0 too: the bus is still pinged before any native call', async () => {
    const res = await timed(() =>
      sandbox.mfaEnv(['-p', 'dev', '-c', '123456'], { env: { MFA_ENV_KEYCHAIN_PROBE: '0' } }),
    );
    assertStoreFailure(res, 'export with the probe off');
  });
});

/** Keychain workers still running with `marker` in their environment (Linux /proc). */
function workersWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('keychain-worker')) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').includes(marker)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe('a bus address JavaScript does not speak (tcp:) that accepts and never answers', { timeout: 60_000 }, () => {
  let server: Server;
  let sandbox: Sandbox;
  let address: string;
  const sockets = new Set<Socket>();
  before(async () => {
    server = createServer((s) => {
      sockets.add(s);
      s.on('data', () => {});
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `tcp:host=127.0.0.1,port=${(server.address() as AddressInfo).port}`;
    sandbox = makeSandbox({ env: { DBUS_SESSION_BUS_ADDRESS: address, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    writeFileSync(sandbox.configFile, `[profile dev]\nmfa_serial = ${SERIAL}\n`);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    sandbox.cleanup();
  });

  test('the read runs in the worker process: exit 4 within about 3 s, and the stuck worker does not outlive mfa-env', async () => {
    const res = await timed(() => sandbox.mfaEnv(['-p', 'dev', '-c', '123456']));
    assertStoreFailure(res, 'export');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(workersWith(address), [], 'a keychain worker is still running');
  });
});

describe('a real keyring whose daemons are stopped (SIGSTOP)', {
  ...requireTool(...KEYRING_TOOLS),
  timeout: 120_000,
}, () => {
  let ss: SecretService;
  let emulator: Emulator;
  let sandbox: Sandbox;
  let serial: string;
  before(async () => {
    ss = await startSecretService();
    const user = makeUser();
    serial = user.mfaDevices[0]!.serialNumber;
    emulator = await startEmulator({ users: [user] });
    sandbox = makeSandbox({ env: { ...ss.env, AWS_ENDPOINT_URL: emulator.url } });
    writeFileSync(sandbox.configFile, '');
    const setup = await sandbox.mfaEnv(
      ['setup', '--profile', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial],
      {
        input: user.secretAccessKey,
      },
    );
    assertOk(setup, 'setup');
    // A cached session: what every later command would read first.
    assertOk(await sandbox.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serial)]), 'first export');
  });
  after(async () => {
    await emulator?.close();
    sandbox?.cleanup();
    await ss?.stop();
  });

  test('the cached session is read back with MFA_ENV_KEYCHAIN_PROBE=0 (search instead of the look), and a write goes through the worker', async () => {
    const cached = await sandbox.mfaEnv(['-p', 'dev'], { env: { MFA_ENV_KEYCHAIN_PROBE: '0' } });
    assertOk(cached, 'cached export with the probe off');
    assert.ok(exportsOf(cached.stdout).AWS_SESSION_TOKEN, cached.stdout);
    const minted = await sandbox.mfaEnv(['-p', 'dev', '--refresh', '-c', emulator.codeFor(serial)], {
      env: { MFA_ENV_KEYCHAIN_PROBE: '0' },
    });
    assertOk(minted, 'refresh with the probe off');
    const again = await sandbox.mfaEnv(['-p', 'dev']);
    assertOk(again, 'cached export with the probe on');
    assert.equal(exportsOf(again.stdout).AWS_SESSION_TOKEN, exportsOf(minted.stdout).AWS_SESSION_TOKEN);
  });

  for (const which of ['bus', 'keyring'] as const) {
    for (const c of commands) {
      test(`${c.name} with the ${which === 'bus' ? 'dbus-daemon' : 'gnome-keyring-daemon'} stopped: exit 4 within about 3 s`, async () => {
        process.kill(ss.pids[which], 'SIGSTOP');
        try {
          assertStoreFailure(await timed(() => c.run(sandbox)), c.name);
        } finally {
          process.kill(ss.pids[which], 'SIGCONT');
        }
      });
    }
  }

  test('after SIGCONT the same keyring answers again: nothing was lost or left locked', async () => {
    const res = await sandbox.mfaEnv(['-p', 'dev']);
    assertOk(res, 'cached export after the daemons resumed');
    assert.ok(exportsOf(res.stdout).AWS_SESSION_TOKEN);
  });
});
