// The secret store backends against the real things: gnome-keyring's Secret
// Service on a private D-Bus (test/helpers/secret-service.ts), and the
// encrypted file on disk, driven from separate processes where it matters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../src/errors.js';
import { createFileStore, STORE_FILE_NAME } from '../../src/store/file.js';
import { requireTool } from '../helpers/require-tool.js';
import { harnessEnv } from '../helpers/cli.js';
import { run, runStoreOp } from '../helpers/run.js';
import { startSecretService, unreachableBusEnv } from '../helpers/secret-service.js';
import type { SecretService } from '../helpers/secret-service.js';

const KEYRING_TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'];

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const LONG_TERM = JSON.stringify({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET });

/** What secret-tool shows for the items of service mfa-env (attributes go to its stderr). */
async function secretToolSearch(ss: SecretService, ...attrs: string[]) {
  const res = await run('secret-tool', ['search', '--all', 'service', 'mfa-env', ...attrs], {
    env: { ...process.env, ...ss.env },
  });
  assert.equal(res.code, 0, `secret-tool search failed: ${res.stderr}`);
  const text = res.stdout + res.stderr;
  return {
    text,
    items: (res.stdout.match(/^\[\/.*\]$/gm) ?? []).length,
    secrets: [...res.stdout.matchAll(/^secret = (.*)$/gm)].map((m) => m[1]),
  };
}

describe('keychain backend on a real Secret Service', requireTool(...KEYRING_TOOLS), () => {
  let ss: SecretService;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ss = await startSecretService();
    env = { ...process.env, ...ss.env };
  });
  after(() => ss?.stop());

  test('set, get and delete round-trip in a child process', async () => {
    const set = await runStoreOp('keychain', ['set', 'key:roundtrip', LONG_TERM], env);
    assert.equal(set.code, 0, set.stderr);

    const got = await runStoreOp('keychain', ['get', 'key:roundtrip'], env);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.result, LONG_TERM);

    const del = await runStoreOp('keychain', ['delete', 'key:roundtrip'], env);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.result, true);

    const gone = await runStoreOp('keychain', ['get', 'key:roundtrip'], env);
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal(gone.result, null);

    const again = await runStoreOp('keychain', ['delete', 'key:roundtrip'], env);
    assert.equal(again.result, false, 'deleting a missing item reports false');
  });

  test('items land in the Secret Service under service=mfa-env, username=<account>', async () => {
    const set = await runStoreOp('keychain', ['set', 'key:visible', SECRET], env);
    assert.equal(set.code, 0, set.stderr);

    const found = await secretToolSearch(ss, 'username', 'key:visible');
    assert.equal(found.items, 1);
    assert.deepEqual(found.secrets, [SECRET]);
    assert.match(found.text, /^attribute\.service = mfa-env$/m);
    assert.match(found.text, /^attribute\.username = key:visible$/m);

    const del = await runStoreOp('keychain', ['delete', 'key:visible'], env);
    assert.equal(del.result, true);
    const after = await secretToolSearch(ss, 'username', 'key:visible');
    assert.equal(after.items, 0, `item still there after delete:\n${after.text}`);
  });

  test('setting an account twice replaces its item instead of adding one', async () => {
    assert.equal((await runStoreOp('keychain', ['set', 'session:dup', 'first'], env)).code, 0);
    assert.equal((await runStoreOp('keychain', ['set', 'session:dup', 'second'], env)).code, 0);
    const found = await secretToolSearch(ss, 'username', 'session:dup');
    assert.deepEqual(found.secrets, ['second']);
    assert.equal((await runStoreOp('keychain', ['get', 'session:dup'], env)).result, 'second');
  });

  test('entries lists every account of service mfa-env with its value, and nothing of other services', async () => {
    // A private keyring of its own: the other tests of this block leave items behind.
    const own = await startSecretService();
    try {
      const env = { ...process.env, ...own.env };
      const empty = await runStoreOp('keychain', ['entries'], env);
      assert.equal(empty.code, 0, empty.stderr);
      assert.deepEqual(empty.result, {});
      assert.equal((await runStoreOp('keychain', ['set', 'key:a', LONG_TERM], env)).code, 0);
      assert.equal((await runStoreOp('keychain', ['set', 'session:gone', 'session-json'], env)).code, 0);
      const foreign = await run(
        'secret-tool',
        ['store', '--label=not ours', 'service', 'other-tool', 'username', 'key:b'],
        { env, input: 'other' },
      );
      assert.equal(foreign.code, 0, foreign.stderr);
      const listed = await runStoreOp('keychain', ['entries'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.result, { 'key:a': LONG_TERM, 'session:gone': 'session-json' });
    } finally {
      await own.stop();
    }
  });

  test('reads an item that another Secret Service client stored with the same attributes', async () => {
    const stored = await run(
      'secret-tool',
      ['store', '--label=from secret-tool', 'service', 'mfa-env', 'username', 'key:foreign'],
      {
        env,
        input: 'stored-by-secret-tool',
      },
    );
    assert.equal(stored.code, 0, stored.stderr);
    const got = await runStoreOp('keychain', ['get', 'key:foreign'], env);
    assert.equal(got.result, 'stored-by-secret-tool');
  });
});

describe('keychain backend persists to the keyring on disk', requireTool(...KEYRING_TOOLS), () => {
  let dataHome: string;
  before(() => {
    dataHome = mkdtempSync(join(tmpdir(), 'mfa-env-keyring-'));
  });
  after(() => rmSync(dataHome, { recursive: true, force: true }));

  test('an item survives a restart of the keyring daemon (no kernel-keyring fallback)', async () => {
    const first = await startSecretService({ dataHome });
    try {
      const set = await runStoreOp('keychain', ['set', 'key:persist', SECRET], { ...process.env, ...first.env });
      assert.equal(set.code, 0, set.stderr);
    } finally {
      await first.stop();
    }
    const keyringFile = readFileSync(join(dataHome, 'keyrings', 'login.keyring'));
    assert.equal(keyringFile.includes(SECRET), false, 'gnome-keyring wrote the secret in plaintext');

    const second = await startSecretService({ dataHome });
    try {
      assert.notEqual(second.pids.keyring, first.pids.keyring);
      const got = await runStoreOp('keychain', ['get', 'key:persist'], { ...process.env, ...second.env });
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.result, SECRET);
    } finally {
      await second.stop();
    }
  });
});

/**
 * The keychain's deadline (src/store/keychain.ts): an operation gives up
 * within 3 s. "At once" is well under it, so the two cannot be confused; the
 * slack is for a loaded machine's timers and D-Bus round trips (these bounds
 * failed at 1 s / 3.5 s under a load average of 15). A hang is caught by the
 * 20 s timeouts, not by these.
 */
const DEADLINE_MS = 3000;
const AT_ONCE_MS = 2000;
const SLACK_MS = 2000;

describe('keychain backend when the Secret Service cannot be used', requireTool(...KEYRING_TOOLS), () => {
  test('an unreachable bus is a StoreError (exit 4) within 3 s, for every operation', async () => {
    const env = { ...process.env, ...unreachableBusEnv() };
    for (const args of [['get', 'key:x'], ['set', 'key:x', SECRET], ['delete', 'key:x'], ['entries']]) {
      const res = await runStoreOp('keychain', args, env);
      assert.equal(res.code, 4, `${args[0]}: ${res.stderr}`);
      assert.match(res.stderr, /^StoreError: the Secret Service is unavailable or locked/m);
      // It tried the bus and gave up; it did not quietly use the kernel keyring.
      assert.match(res.stderr, /the Secret Service is unavailable or locked \(\w+\): no session bus to reach it on/);
      assert.equal(res.stderr.includes(SECRET), false, 'the error message carries the secret');
      // The operation's own time: the whole process also compiles the helper (tsx), which a loaded machine slows.
      assert.ok((res.opMs ?? Infinity) < DEADLINE_MS, `${args[0]} took ${res.opMs} ms`);
    }
  });

  test('a locked keyring with no way to prompt is a StoreError (exit 4) at once', async () => {
    const ss = await startSecretService();
    try {
      const env = { ...process.env, ...ss.env };
      assert.equal((await runStoreOp('keychain', ['set', 'key:locked', SECRET], env)).code, 0);
      await ss.lock();

      for (const args of [['get', 'key:locked'], ['set', 'key:locked', 'new'], ['delete', 'key:locked'], ['entries']]) {
        const res = await runStoreOp('keychain', args, env);
        assert.equal(res.code, 4, `${args[0]}: ${res.stderr}`);
        assert.match(res.stderr, /unavailable or locked \(\w+\): the keyring is locked/);
        assert.ok((res.opMs ?? Infinity) < AT_ONCE_MS, `${args[0]} took ${res.opMs} ms`);
      }
      // Nothing was changed behind the lock, and it is still locked.
      assert.equal(await ss.isLocked(), true);
      // Behind a lock we cannot know what is stored: an account that was
      // never stored is "locked" too, not "no key, run setup".
      const missing = await runStoreOp('keychain', ['get', 'key:never-stored'], env);
      assert.equal(missing.code, 4, missing.stderr);
      assert.match(missing.stderr, /the keyring is locked/);
    } finally {
      await ss.stop();
    }
  });

  test('startSecretService({ unlocked: false }) gives a locked keyring that refuses writes', async () => {
    const ss = await startSecretService({ unlocked: false });
    try {
      assert.equal(await ss.isLocked(), true);
      const res = await runStoreOp('keychain', ['set', 'key:new', SECRET], { ...process.env, ...ss.env });
      assert.equal(res.code, 4, res.stderr);
      assert.match(res.stderr, /the keyring is locked/);
    } finally {
      await ss.stop();
    }
  });

  test('a Secret Service with no keyring at all: reads find nothing, writes are a StoreError', async () => {
    const ss = await startSecretService({ noKeyring: true });
    try {
      const env = { ...process.env, ...ss.env };
      const got = await runStoreOp('keychain', ['get', 'key:none'], env);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.result, null);
      const listed = await runStoreOp('keychain', ['entries'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.result, {});
      const set = await runStoreOp('keychain', ['set', 'key:none', SECRET], env);
      assert.equal(set.code, 4, set.stderr);
      assert.match(set.stderr, /there is no default keyring to store into/);
    } finally {
      await ss.stop();
    }
  });

  describe('a locked keyring whose unlock prompt nobody answers', () => {
    let ss: SecretService;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      ss = await startSecretService({ prompter: 'unanswered' });
      env = { ...process.env, ...ss.env };
      const set = await runStoreOp('keychain', ['set', 'key:prompt', SECRET], env);
      assert.equal(set.code, 0, set.stderr);
      await ss.lock();
    });
    after(() => ss?.stop());

    // The child is killed 1 s after it reported the error if it is still there.
    const reported = /(did not answer within 3 s|the keyring is locked).*\(\d+ ms\)\n/;

    test('get fails at once with "locked": reads search, and a search never raises an unlock prompt', async () => {
      const res = await runStoreOp('keychain', ['get', 'key:prompt'], env, {
        timeoutMs: 20_000,
        stderrMatch: reported,
        lingerMs: 1500,
      });
      assert.equal(res.timedOut, false, `no error reported within 20 s: ${res.stderr}`);
      assert.match(
        res.stderr,
        /^StoreError: the Secret Service is unavailable or locked \(read\): the keyring is locked/m,
      );
      assert.ok(res.opMs !== undefined && res.opMs < AT_ONCE_MS, `took ${res.opMs} ms`);
      assert.equal(res.lingered, false, `still running ${Math.round(res.lingeredMs ?? 0)} ms after the error`);
      assert.equal(res.code, 4);
    });

    test('entries fails at once with "locked" too: it searches, and looks first', async () => {
      const res = await runStoreOp('keychain', ['entries'], env, {
        timeoutMs: 20_000,
        stderrMatch: reported,
        lingerMs: 1500,
      });
      assert.equal(res.timedOut, false, `no error reported within 20 s: ${res.stderr}`);
      assert.match(
        res.stderr,
        /^StoreError: the Secret Service is unavailable or locked \(read\): the keyring is locked/m,
      );
      assert.ok(res.opMs !== undefined && res.opMs < AT_ONCE_MS, `took ${res.opMs} ms`);
      assert.equal(res.lingered, false, `still running ${Math.round(res.lingeredMs ?? 0)} ms after the error`);
      assert.equal(res.code, 4);
    });

    for (const args of [
      ['set', 'key:prompt', 'new'],
      ['delete', 'key:prompt'],
    ]) {
      test(`${args[0]} gives up at the 3 s deadline and the process exits with 4 right after`, async () => {
        const res = await runStoreOp('keychain', args, env, {
          timeoutMs: 20_000,
          stderrMatch: reported,
          lingerMs: 1500,
        });
        assert.equal(res.timedOut, false, `no error reported within 20 s: ${res.stderr}`);
        assert.match(
          res.stderr,
          /^StoreError: the Secret Service (did not answer within 3 s|is unavailable or locked)/m,
        );
        // Not an instant failure (the prompt really was pending), and not much past the deadline.
        assert.ok(
          res.opMs !== undefined && res.opMs >= DEADLINE_MS - 100 && res.opMs < DEADLINE_MS + SLACK_MS,
          `took ${res.opMs} ms`,
        );
        // The write ran in a worker process that was killed: nothing keeps this one alive.
        assert.equal(res.lingered, false, `still running ${Math.round(res.lingeredMs ?? 0)} ms after the error`);
        assert.equal(res.code, 4);
      });
    }
  });

  test('a keyring daemon that answers nothing is a StoreError (exit 4) within 3.5 s', async () => {
    const ss = await startSecretService();
    try {
      ss.suspend();
      for (const args of [['get', 'key:frozen'], ['entries']]) {
        const res = await runStoreOp('keychain', args, { ...process.env, ...ss.env }, { timeoutMs: 20_000 });
        assert.equal(res.timedOut, false, `${args[0]} hung`);
        assert.equal(res.code, 4, res.stderr);
        assert.match(
          res.stderr,
          /^StoreError: the Secret Service is unavailable or locked \(read\): it did not answer/m,
        );
        assert.ok(res.opMs !== undefined && res.opMs < DEADLINE_MS + SLACK_MS, `${args[0]} took ${res.opMs} ms`);
      }
    } finally {
      await ss.stop();
    }
  });
});

// ---------------------------------------------------------------------------

describe('file backend', () => {
  let dir: string;
  let storeDir: string;
  let storeFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfa-env-filestore-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function freshStore(passphrase = 'correct horse battery staple') {
    storeDir = join(dir, `store-${++n}`, 'mfa-env');
    storeFile = join(storeDir, STORE_FILE_NAME);
    return createFileStore(storeDir, async () => passphrase);
  }
  const fileEnv = (passphrase = 'correct horse battery staple') => ({
    ...process.env,
    MFA_ENV_STORE_DIR: storeDir,
    MFA_ENV_FILE_PASSPHRASE: passphrase,
  });

  test('set, get and delete round-trip, and a second process reads what the first wrote', async () => {
    const store = freshStore();
    assert.equal(await store.get('key:default'), undefined, 'a store that does not exist yet is empty');
    await store.set('key:default', LONG_TERM);
    await store.set('session:default', 'session-json');
    assert.equal(await store.get('key:default'), LONG_TERM);

    const other = await runStoreOp('file', ['get', 'key:default'], fileEnv());
    assert.equal(other.code, 0, other.stderr);
    assert.equal(other.result, LONG_TERM);

    assert.equal(await store.delete('key:default'), true);
    assert.equal(await store.delete('key:default'), false);
    assert.equal(await store.get('key:default'), undefined);
    assert.equal(await store.get('session:default'), 'session-json', 'delete removed only its own account');
  });

  test('entries lists every account with its value, in this process and another', async () => {
    const store = freshStore();
    assert.deepEqual(await store.entries(), new Map(), 'a store that does not exist yet is empty');
    await store.set('key:a', LONG_TERM);
    await store.set('session:a', 'session-json');
    await store.delete('session:a');
    await store.set('session:b', 'other-json');
    assert.deepEqual(
      await store.entries(),
      new Map([
        ['key:a', LONG_TERM],
        ['session:b', 'other-json'],
      ]),
    );
    const other = await runStoreOp('file', ['entries'], fileEnv());
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(other.result, { 'key:a': LONG_TERM, 'session:b': 'other-json' });
    const wrong = await runStoreOp('file', ['entries'], fileEnv('not the passphrase'));
    assert.equal(wrong.code, 4, 'a wrong passphrase is a StoreError, not an empty list');
  });

  test('the file is mode 0600 in a 0700 directory and holds no plaintext', async () => {
    const store = freshStore();
    await store.set('key:prod-admin', LONG_TERM);
    assert.equal(statSync(storeFile).mode & 0o777, 0o600);
    assert.equal(statSync(storeDir).mode & 0o777, 0o700);

    const raw = readFileSync(storeFile);
    for (const needle of [SECRET, 'AKIAIOSFODNN7EXAMPLE', 'prod-admin', 'key:']) {
      assert.equal(raw.includes(needle), false, `${needle} is readable in the file`);
      assert.equal(
        raw.includes(Buffer.from(needle).toString('base64').slice(0, 12)),
        false,
        `${needle} is in the file as base64`,
      );
    }

    // The same content written again is encrypted afresh (new IV).
    await store.set('key:prod-admin', LONG_TERM);
    assert.notDeepEqual(readFileSync(storeFile), raw);
  });

  test('a wrong passphrase is a StoreError and leaves the file byte for byte as it was', async () => {
    const store = freshStore('right passphrase');
    await store.set('key:default', SECRET);
    const before = readFileSync(storeFile);
    const mtime = statSync(storeFile).mtimeMs;

    const wrong = createFileStore(storeDir, async () => 'wrong passphrase');
    for (const attempt of [
      () => wrong.get('key:default'),
      () => wrong.set('key:other', 'x'),
      () => wrong.delete('key:default'),
    ]) {
      await assert.rejects(attempt(), (err: unknown) => {
        assert.ok(err instanceof StoreError, `not a StoreError: ${String(err)}`);
        assert.equal(err.exitCode, 4);
        assert.match(err.message, /wrong passphrase/);
        assert.equal(err.message.includes(SECRET), false);
        return true;
      });
    }
    assert.deepEqual(readFileSync(storeFile), before);
    assert.equal(statSync(storeFile).mtimeMs, mtime);
    assert.deepEqual(readdirSync(storeDir), [STORE_FILE_NAME], 'a lock or temp file was left behind');

    // The same through a separate process: exit 4.
    const res = await runStoreOp('file', ['set', 'key:other', 'x'], fileEnv('wrong passphrase'));
    assert.equal(res.code, 4, res.stderr);
    assert.deepEqual(readFileSync(storeFile), before);

    assert.equal(await store.get('key:default'), SECRET, 'the right passphrase still opens it');
  });

  test('a file altered on disk is refused, not half-read', async () => {
    const store = freshStore();
    await store.set('key:default', SECRET);
    const env = JSON.parse(readFileSync(storeFile, 'utf8')) as { data: string };
    const data = Buffer.from(env.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    env.data = data.toString('base64');
    writeFileSync(storeFile, JSON.stringify(env));
    await assert.rejects(freshReader().get('key:default'), StoreError);

    function freshReader() {
      return createFileStore(storeDir, async () => 'correct horse battery staple');
    }
  });

  test('a truncated authentication tag is refused (GCM would accept its first 4 bytes)', async () => {
    const store = freshStore();
    await store.set('key:default', SECRET);
    const env = JSON.parse(readFileSync(storeFile, 'utf8')) as { tag: string };
    env.tag = Buffer.from(env.tag, 'base64').subarray(0, 4).toString('base64');
    writeFileSync(storeFile, JSON.stringify(env));
    await assert.rejects(
      createFileStore(storeDir, async () => 'correct horse battery staple').get('key:default'),
      StoreError,
    );
  });

  test('a damaged header is "not an mfa-env store file" (StoreError), never a crash or a huge allocation', async () => {
    const store = freshStore();
    await store.set('key:default', SECRET);
    const good = JSON.parse(readFileSync(storeFile, 'utf8')) as Record<string, unknown> & {
      kdf: Record<string, unknown>;
    };
    const variants: Array<[string, string]> = [
      ['scrypt N of 2^30', JSON.stringify({ ...good, kdf: { ...good.kdf, N: 2 ** 30 } })],
      ['scrypt N not a power of two', JSON.stringify({ ...good, kdf: { ...good.kdf, N: 3 } })],
      ['negative r', JSON.stringify({ ...good, kdf: { ...good.kdf, r: -1 } })],
      ['no kdf', JSON.stringify({ ...good, kdf: undefined })],
      ['no iv', JSON.stringify({ ...good, iv: undefined })],
      ['not JSON', 'hello'],
    ];
    for (const [what, text] of variants) {
      writeFileSync(storeFile, text);
      await assert.rejects(
        createFileStore(storeDir, async () => 'correct horse battery staple').get('key:default'),
        (err: unknown) => err instanceof StoreError && /is not an mfa-env store file/.test(err.message),
        what,
      );
    }
  });

  test('the passphrase is asked for before the store is locked', async () => {
    freshStore();
    const lockFile = `${storeFile}.lock`;
    const asked: boolean[] = [];
    const store = createFileStore(storeDir, async (creating) => {
      assert.equal(existsSync(lockFile), false, 'asked for the passphrase while holding the lock');
      asked.push(creating);
      return 'pass';
    });
    await store.set('key:a', 'x');
    assert.deepEqual(asked, [true], 'asked once, as a new store');
    const reopened = createFileStore(storeDir, async (creating) => {
      assert.equal(existsSync(lockFile), false, 'asked for the passphrase while holding the lock');
      asked.push(creating);
      return 'pass';
    });
    await reopened.set('key:b', 'y');
    assert.deepEqual(asked, [true, false]);
  });

  test('a write killed between write and rename leaves the old file intact', async () => {
    const store = freshStore();
    await store.set('key:default', 'old-value');
    const before = readFileSync(storeFile);

    const crashed = await runStoreOp('file', ['set', 'key:default', 'new-value'], {
      ...fileEnv(),
      ...harnessEnv({ crashBeforeRename: STORE_FILE_NAME }, process.env),
    });
    assert.equal(crashed.signal, 'SIGKILL', `the harness's crash did not fire: ${crashed.code} ${crashed.stderr}`);
    assert.deepEqual(readFileSync(storeFile), before, 'the store file changed');

    // What the dead writer left: its temp file (ciphertext, 0600) and its lock.
    for (const name of readdirSync(storeDir).filter((f) => f.endsWith('.tmp'))) {
      const path = join(storeDir, name);
      assert.equal(statSync(path).mode & 0o777, 0o600, `${name} is not 0600`);
      assert.equal(readFileSync(path).includes('new-value'), false, `${name} holds plaintext`);
    }

    // The next writer is not blocked by the dead one's lock, and cleans up after it.
    const t0 = performance.now();
    const next = await runStoreOp('file', ['set', 'key:second', 'v2'], fileEnv());
    assert.equal(next.code, 0, next.stderr);
    assert.ok(
      (next.opMs ?? Infinity) < 2000,
      `the stale lock held the next writer for ${next.opMs} ms (${performance.now() - t0})`,
    );
    assert.deepEqual(readdirSync(storeDir), [STORE_FILE_NAME], 'stale lock or temp file left behind');
    const reader = createFileStore(storeDir, async () => 'correct horse battery staple');
    assert.equal(await reader.get('key:default'), 'old-value');
    assert.equal(await reader.get('key:second'), 'v2');
  });

  test("two writers in separate processes do not lose each other's keys", async () => {
    const store = freshStore();
    await store.set('seed', 'seed'); // both writers then share one salt and derive the key once
    const count = 15;
    const [a, b] = await Promise.all([
      runStoreOp('file', ['set-many', 'a', String(count)], fileEnv()),
      runStoreOp('file', ['set-many', 'b', String(count)], fileEnv()),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);

    const reader = createFileStore(storeDir, async () => 'correct horse battery staple');
    const missing: string[] = [];
    for (const prefix of ['a', 'b']) {
      for (let i = 0; i < count; i++) {
        if ((await reader.get(`${prefix}${i}`)) !== `value-of-${prefix}${i}`) missing.push(`${prefix}${i}`);
      }
    }
    assert.deepEqual(missing, [], 'lost updates');
    assert.equal(await reader.get('seed'), 'seed');
    assert.deepEqual(readdirSync(storeDir), [STORE_FILE_NAME]);
  });
});
