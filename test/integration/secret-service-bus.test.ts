// The keychain's look before a read (src/store/dbus-search.ts): SearchItems
// spoken from JavaScript to gnome-keyring on a private bus, checked against
// what the keyring library itself stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BusTimeout, BusUnreachable, searchItems } from '../../src/store/dbus-search.js';
import { requireTool } from '../helpers/require-tool.js';
import { runStoreOp } from '../helpers/run.js';
import { startSecretService, unreachableBusEnv, type SecretService } from '../helpers/secret-service.js';

const KEYRING_TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];
const service = (username?: string) => ({ service: 'mfa-env', ...(username ? { username } : {}) });

describe('SearchItems from JavaScript', requireTool(...KEYRING_TOOLS), () => {
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

  test('finds the items the keyring library stored, per service and per account', async () => {
    const search = searchItems([service(), service('session:dev'), service('session:prod')], env, 2000);
    await search.sent;
    const [all, one, none] = await search.results;
    assert.equal(all!.unlocked.length, 2);
    assert.equal(one!.unlocked.length, 1);
    assert.ok(all!.unlocked.includes(one!.unlocked[0]!));
    assert.deepEqual(none, { unlocked: [], locked: [] });
    assert.deepEqual([all!.locked, one!.locked], [[], []]);
  });

  test('a locked keyring: the items are listed as locked, and no prompt is raised', async () => {
    await ss.lock();
    const [all] = await searchItems([service()], env, 2000).results;
    assert.equal(all!.locked.length, 2);
    assert.equal(all!.unlocked.length, 0);
    assert.equal(await ss.isLocked(), true);
  });

  test('a frozen daemon: BusTimeout at the timeout, nothing left running', async () => {
    ss.suspend();
    try {
      const started = Date.now();
      await assert.rejects(searchItems([service()], env, 500).results, BusTimeout);
      assert.ok(Date.now() - started < 1500);
    } finally {
      ss.resume();
    }
  });

  test('no bus at the address: BusUnreachable at once', async () => {
    await assert.rejects(searchItems([service()], { ...unreachableBusEnv() }, 2000).results, BusUnreachable);
  });
});
