// The keychain's look before a read or a write (src/store/secret-service-bus.ts):
// SearchItems and the default collection's Locked property, spoken from
// JavaScript to gnome-keyring on a private bus, checked against what the
// keyring library itself stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  askSecretService,
  BusTimeout,
  BusUnreachable,
  defaultCollectionLocked,
  searchItems,
} from '../../src/store/secret-service-bus.js';
import { requireTool } from '../helpers/require-tool.js';
import { runStoreOp } from '../helpers/run.js';
import { startSecretService, unreachableBusEnv, type SecretService } from '../helpers/secret-service.js';

const KEYRING_TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];
const ours = (username?: string) => searchItems({ service: 'mfa-env', ...(username ? { username } : {}) });

describe('a look at the Secret Service from JavaScript', requireTool(...KEYRING_TOOLS), () => {
  let ss: SecretService;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ss = await startSecretService();
    env = { ...process.env, ...ss.env };
    for (const account of ['key:dev', 'session:dev']) {
      const r = await runStoreOp('keychain', ['set', account, 'value'], env);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => ss?.stop());

  test('finds the items the keyring library stored, per service and per account; the default collection is unlocked', async () => {
    const look = askSecretService(
      [ours(), ours('session:dev'), ours('session:prod'), defaultCollectionLocked()],
      env,
      2000,
    );
    await look.sent;
    const [all, one, none, locked] = await look.answers;
    assert.equal(all.unlocked.length, 2);
    assert.equal(one.unlocked.length, 1);
    assert.ok(all.unlocked.includes(one.unlocked[0]!));
    assert.deepEqual(none, { unlocked: [], locked: [] });
    assert.deepEqual([all.locked, one.locked], [[], []]);
    assert.equal(locked, false);
  });

  test('a locked keyring: the items are listed as locked, the default collection too, and no prompt is raised', async () => {
    await ss.lock();
    const [all, locked] = await askSecretService([ours(), defaultCollectionLocked()], env, 2000).answers;
    assert.equal(all.locked.length, 2);
    assert.equal(all.unlocked.length, 0);
    assert.equal(locked, true);
    assert.equal(await ss.isLocked(), true);
  });

  test('a frozen daemon: BusTimeout at the timeout, nothing left running', async () => {
    ss.suspend();
    try {
      const started = Date.now();
      await assert.rejects(askSecretService([ours()], env, 500).answers, BusTimeout);
      assert.ok(Date.now() - started < 1500);
    } finally {
      ss.resume();
    }
  });

  test('no bus at the address: BusUnreachable at once', async () => {
    await assert.rejects(askSecretService([ours()], { ...unreachableBusEnv() }, 2000).answers, BusUnreachable);
  });
});

test('a Secret Service with no keyring: the default collection is unknown', requireTool(...KEYRING_TOOLS), async () => {
  const ss = await startSecretService({ noKeyring: true });
  try {
    const [all, locked] = await askSecretService(
      [ours(), defaultCollectionLocked()],
      { ...process.env, ...ss.env },
      2000,
    ).answers;
    assert.deepEqual(all, { unlocked: [], locked: [] });
    assert.equal(locked, 'unknown');
  } finally {
    await ss.stop();
  }
});
