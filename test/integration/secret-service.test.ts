// The harness itself: a private bus that is really private, and stop() that
// leaves nothing behind (a leak here piles up daemons on every CI machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { requireTool } from '../helpers/require-tool.js';
import { run } from '../helpers/run.js';
import { dbusSend, startSecretService, unreachableBusEnv } from '../helpers/secret-service.js';

const tools = requireTool('dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'startSecretService runs its own bus in a temp dir and stop() kills both daemons and removes it',
  tools,
  async () => {
    const ss = await startSecretService();
    const socketDir = dirname(ss.address.replace(/^unix:path=/, ''));
    assert.ok(existsSync(socketDir));
    assert.ok(alive(ss.pids.bus) && alive(ss.pids.keyring));
    assert.deepEqual(Object.keys(ss.env), ['DBUS_SESSION_BUS_ADDRESS']);
    assert.notEqual(ss.env.DBUS_SESSION_BUS_ADDRESS, process.env.DBUS_SESSION_BUS_ADDRESS);

    // The secrets service is on this bus, and nothing can be auto-started on it.
    const owner = await dbusSend(ss.address, [
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.ListActivatableNames',
    ]);
    assert.doesNotMatch(owner, /org\.freedesktop\.secrets|SystemPrompter/);
    assert.equal(await ss.isLocked(), false);

    ss.suspend(); // stop() must also end a stopped daemon
    await ss.stop();
    assert.equal(alive(ss.pids.bus), false, 'dbus-daemon still running');
    assert.equal(alive(ss.pids.keyring), false, 'gnome-keyring-daemon still running');
    assert.equal(existsSync(socketDir), false, 'temp dir left behind');
    await ss.stop(); // twice is fine
  },
);

test("two Secret Services at once do not see each other's items", tools, async () => {
  const [a, b] = await Promise.all([startSecretService(), startSecretService()]);
  try {
    const store = await run('secret-tool', ['store', '--label=t', 'service', 'mfa-env', 'username', 'only-in-a'], {
      env: { ...process.env, ...a.env },
      input: 'a-secret',
    });
    assert.equal(store.code, 0, store.stderr);
    const inA = await run('secret-tool', ['lookup', 'service', 'mfa-env', 'username', 'only-in-a'], {
      env: { ...process.env, ...a.env },
    });
    const inB = await run('secret-tool', ['lookup', 'service', 'mfa-env', 'username', 'only-in-a'], {
      env: { ...process.env, ...b.env },
    });
    assert.equal(inA.stdout, 'a-secret');
    assert.equal(inB.stdout, '');
    assert.notEqual(inB.code, 0);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('unreachableBusEnv points at a socket that does not exist', tools, async () => {
  const env = unreachableBusEnv();
  const path = (env.DBUS_SESSION_BUS_ADDRESS ?? '').replace(/^unix:path=/, '');
  assert.ok(path.startsWith('/'));
  assert.equal(existsSync(path), false);
  const res = await run('secret-tool', ['lookup', 'service', 'mfa-env'], { env: { ...process.env, ...env } });
  assert.notEqual(res.code, 0);
});
