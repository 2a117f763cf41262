import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from '../helpers/memory-store.js';
import { accountFor } from '../../src/store/types.js';
import { REUSE_MARGIN_MS, peekSession, reusableSession, saveSession } from '../../src/session/cache.js';
import type { CachedSession } from '../../src/session/types.js';

const serial = 'arn:aws:iam::123456789012:mfa/dev';
function session(expiresInMs: number): CachedSession {
  return {
    accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
    secretAccessKey: 's'.repeat(40),
    sessionToken: 'token',
    expiration: new Date(Date.now() + expiresInMs),
    profile: 'dev',
    sourceKeyId: 'AKIAAAAAAAAAAAAAAAAA',
    mfaSerial: serial,
  };
}

test('a session is reused while more than 5 minutes remain, not after', async () => {
  const store = createMemoryStore();
  await saveSession(store, session(REUSE_MARGIN_MS + 10_000));
  assert.ok(await reusableSession(store, 'dev', serial));
  await saveSession(store, session(REUSE_MARGIN_MS - 10_000));
  assert.equal(await reusableSession(store, 'dev', serial), undefined);
  assert.ok(await peekSession(store, 'dev'), 'still visible to status');
});

test('a session minted for another MFA device is not reused', async () => {
  const store = createMemoryStore();
  await saveSession(store, session(3_600_000));
  assert.equal(await reusableSession(store, 'dev', 'arn:aws:iam::123456789012:mfa/other'), undefined);
});

test('a corrupted cache entry counts as absent', async () => {
  for (const junk of ['{', 'null', '{"v":1}', '{"v":1,"expiration":"nope"}', '[]']) {
    const store = createMemoryStore({ [accountFor.session('dev')]: junk });
    assert.equal(await peekSession(store, 'dev'), undefined, junk);
  }
});

test('round trip keeps every field and the server’s expiration', async () => {
  const store = createMemoryStore();
  const s = session(3_600_000);
  await saveSession(store, s);
  assert.deepEqual(await peekSession(store, 'dev'), s);
});
