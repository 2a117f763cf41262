// `mfa-env rotate` through the built CLI against the emulator's IAM: a new key
// created with the MFA session, stored, proven to work while IAM propagates
// it, then the old key deleted and its sessions forgotten. Each failure path
// leaves a working key stored and says which key to delete by hand.
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, MFA_ENV, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk, exportsOf, lines } from '../helpers/dev-profile.js';
import { acquireLock } from '../../src/fs/lock.js';

interface Rig {
  emulator: Emulator;
  user: EmulatorUser;
  serial: string;
  sandbox: Sandbox;
  code(): string;
  /** Ids of the user's keys in IAM now. */
  keys(): string[];
  /** The key that signed the last GetSessionToken. */
  lastMintKey(): string | undefined;
  close(): Promise<void>;
}

/** A user set up as profile dev; the emulator runs on the real clock, so a new key propagates in `propagationMs`. */
async function rig(propagationMs = 1200, configure?: (u: EmulatorUser) => void): Promise<Rig> {
  const user = makeUser();
  configure?.(user);
  const emulator = await startEmulator({ users: [user], keyPropagationMs: propagationMs });
  const serial = user.mfaDevices[0]!.serialNumber;
  const sandbox = emulatorSandbox(emulator.url);
  assertOk(
    await sandbox.mfaEnv(
      ['setup', '--profile', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial],
      { input: user.secretAccessKey },
    ),
    'setup',
  );
  return {
    emulator,
    user,
    serial,
    sandbox,
    code: () => emulator.codeFor(serial),
    keys: () => emulator.accessKeysOf(user).map((k) => k.accessKeyId),
    lastMintKey: () => emulator.calls.filter((c) => c.action === 'GetSessionToken' && c.ok).at(-1)?.accessKeyId,
    async close() {
      await emulator.close();
      sandbox.cleanup();
    },
  };
}

const exportBash = (r: Rig, extra: string[] = []) => r.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', ...extra]);

function expectFailure(res: RunResult, code: number, expected: (string | RegExp)[]): void {
  assert.equal(res.code, code, res.stderr);
  assert.equal(res.stdout, '');
  const got = lines(res.stderr).filter((l) => !l.startsWith('mfa-env: waiting for IAM'));
  assert.equal(got.length, expected.length, res.stderr);
  expected.forEach((want, i) => (typeof want === 'string' ? assert.equal(got[i], want) : assert.match(got[i]!, want)));
}

test('rotate twice in a row (IAM wants MFA), then export with the new key', async () => {
  const r = await rig(1200, (u) => (u.iamPolicy = { requireMfa: true }));
  try {
    const first = r.user.accessKeyId;
    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    assert.equal(r.emulator.count('GetSessionToken', 'ok'), 1);

    // The cached MFA session signs the IAM calls: no code is asked.
    const one = await r.sandbox.mfaEnv(['rotate', '-p', 'dev']);
    assertOk(one, 'first rotate');
    assert.equal(one.stdout, '');
    assert.equal(r.emulator.count('GetSessionToken', 'ok'), 1);
    const [second] = r.keys();
    assert.ok(second && second !== first, 'one key, a new one');
    assert.deepEqual(r.keys(), [second]);
    const said = lines(one.stderr);
    assert.equal(said.length, 3, one.stderr);
    assert.equal(said[0], `mfa-env: waiting for IAM to accept the new key ${second} (it takes a few seconds)`);
    assert.match(
      said[1]!,
      new RegExp(
        `^mfa-env: created key ${second} for IAM user ${r.user.userName}; stored for profile 'dev'; it works \\(after \\d+\\.\\d s\\)$`,
      ),
    );
    assert.equal(
      said[2],
      `mfa-env: deleted the old key ${first}; forgot the cached session of 'dev' (the next export asks for a code)`,
    );
    // The old key's session is forgotten: a code is needed, and there is no terminal.
    const noCode = await exportBash(r);
    assert.equal(noCode.code, 2, noCode.stderr);
    assert.match(noCode.stderr, /an MFA code is needed and there is no terminal/);

    // The second rotate mints a session with the new key (a code now), and rotates again.
    const two = await r.sandbox.mfaEnv(['rotate', '--profile', 'dev', '-c', r.code()]);
    assertOk(two, 'second rotate');
    assert.equal(r.lastMintKey(), second);
    const [third] = r.keys();
    assert.ok(third && third !== second);
    assert.deepEqual(r.keys(), [third]);

    // Export mints with the newest key, and the session works.
    const out = await exportBash(r, ['-c', r.code()]);
    assertOk(out, 'export after two rotations');
    assert.equal(r.lastMintKey(), third);
    assert.ok(exportsOf(out.stdout).AWS_SESSION_TOKEN);
    // The second rotation's session was of the second key: forgotten too.
    assert.equal(r.emulator.count('GetSessionToken', 'ok'), 3);
  } finally {
    await r.close();
  }
});

test('a user with two keys already: exit 3 naming the other key and the command that deletes it; nothing changed', async () => {
  const r = await rig();
  try {
    const other = r.emulator.addAccessKey(r.user).accessKeyId;
    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    const res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev']);
    expectFailure(res, 3, [
      `mfa-env: IAM user '${r.user.userName}' already has two access keys (${r.user.accessKeyId}, stored for 'dev', and ${other}); nothing was changed`,
      `mfa-env: delete the one not in use first: aws iam delete-access-key --user-name ${r.user.userName} --access-key-id ${other}`,
    ]);
    assert.deepEqual(r.keys(), [r.user.accessKeyId, other]);
    // The stored key and the cached session are as they were.
    assertOk(await exportBash(r), 'export from the cache');
    assertOk(await exportBash(r, ['--refresh', '-c', r.code()]), 'export with the stored key');
    assert.equal(r.lastMintKey(), r.user.accessKeyId);
  } finally {
    await r.close();
  }
});

test('CreateAccessKey not allowed, or a wrong MFA code: exit 3, nothing changed', async () => {
  const r = await rig(0, (u) => (u.iamPolicy = { deny: ['CreateAccessKey'] }));
  try {
    const old = r.user.accessKeyId;
    const wrong = await r.sandbox.mfaEnv([
      'rotate',
      '-p',
      'dev',
      '-c',
      r.emulator.codeFor(r.serial, Date.now() - 10 * 60_000),
    ]);
    expectFailure(wrong, 3, [
      'mfa-env: AWS refused the MFA code: wrong or already used',
      'mfa-env: wait for the next code and try again',
    ]);
    const res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', r.code()]);
    expectFailure(res, 3, [
      new RegExp(
        `^mfa-env: IAM denied the request: User: arn:aws:iam::\\d{12}:user/${r.user.userName} is not authorized to perform: iam:CreateAccessKey `,
      ),
      'mfa-env: check the IAM user’s permissions',
    ]);
    assert.deepEqual(r.keys(), [old]);
    assertOk(await exportBash(r), 'export from the cached session');
    assert.equal(r.lastMintKey(), old);
  } finally {
    await r.close();
  }
});

test('a role profile: exit 2 naming its base profile, no AWS call', async () => {
  const r = await rig();
  try {
    writeFileSync(
      r.sandbox.configFile,
      `[profile dev]\nmfa_serial = ${r.serial}\n\n[profile admin]\nrole_arn = arn:aws:iam::${r.user.accountId}:role/admin\nsource_profile = dev\n\n[profile deep]\nrole_arn = arn:aws:iam::${r.user.accountId}:role/deep\nsource_profile = admin\n`,
    );
    r.emulator.resetCalls();
    for (const profile of ['admin', 'deep']) {
      expectFailure(await r.sandbox.mfaEnv(['rotate', '-p', profile]), 2, [
        `mfa-env: profile '${profile}' is a role profile (role_arn): it has no key of its own to rotate`,
        "mfa-env: rotate its base profile's key: mfa-env rotate --profile dev",
      ]);
    }
    expectFailure(await r.sandbox.mfaEnv(['rotate', '-p', 'nokey']), 2, [
      "mfa-env: no long-term key is stored for profile 'nokey'",
      'mfa-env: run: mfa-env setup --profile nokey',
    ]);
    assert.equal(r.emulator.calls.length, 0);
  } finally {
    await r.close();
  }
});

test('DeleteAccessKey refused: the new key stays stored and works; the message names the old key and the command that deletes it', async () => {
  const r = await rig(0, (u) => (u.iamPolicy = { deny: ['DeleteAccessKey'] }));
  try {
    const old = r.user.accessKeyId;
    const res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', r.code()]);
    const fresh = r.keys().find((k) => k !== old)!;
    expectFailure(res, 3, [
      new RegExp(
        `^mfa-env: the new key ${fresh} is stored for 'dev' and works, but the old key ${old} could not be deleted: IAM denied the request: .*not authorized to perform: iam:DeleteAccessKey`,
      ),
      `mfa-env: delete it by hand: aws iam delete-access-key --user-name ${r.user.userName} --access-key-id ${old}`,
    ]);
    assert.deepEqual(r.keys(), [old, fresh]);
    // The old key's session is forgotten; a new one is minted with the new key.
    assertOk(await exportBash(r, ['-c', r.code()]), 'export with the new key');
    assert.equal(r.lastMintKey(), fresh);
  } finally {
    await r.close();
  }
});

test('the new key never works: the old key is stored again; the new one, which IAM will not let go, is named with the command; exit 3', async () => {
  // IAM that does not accept the new key within the ~20 s rotate waits, and a user who may not delete keys.
  const r = await rig(10 * 60_000, (u) => (u.iamPolicy = { deny: ['DeleteAccessKey'] }));
  try {
    const old = r.user.accessKeyId;
    const res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', r.code()]);
    const created = r.emulator.calls
      .filter((c) => c.action === 'GetCallerIdentity' && c.accessKeyId !== old)
      .map((c) => c.accessKeyId)[0]!;
    expectFailure(res, 3, [
      new RegExp(
        `^mfa-env: the new key ${created} did not work within 2\\d s \\(STS answered InvalidClientTokenId\\); the old key ${old} is stored again and works; the new key ${created} could not be deleted \\(IAM denied the request: .*iam:DeleteAccessKey`, // error lines are cut at 400 characters (src/cli/run.ts)
      ),
      `mfa-env: delete it by hand: aws iam delete-access-key --user-name ${r.user.userName} --access-key-id ${created}`,
    ]);
    assert.match(
      res.stderr,
      new RegExp(`^mfa-env: waiting for IAM to accept the new key ${created} \\(it takes a few seconds\\)$`, 'm'),
    );
    assert.deepEqual(r.keys(), [old, created]);
    // The session of the old key is still cached, and the old key still mints.
    assertOk(await exportBash(r), 'export from the cache');
    assertOk(await exportBash(r, ['--refresh', '-c', r.code()]), 'export with the old key');
    assert.equal(r.lastMintKey(), old);
  } finally {
    await r.close();
  }
});

/** `mfa-env rotate -p dev`, started and waited for until it says it waits for IAM (or ends). */
async function rotateUntilWaiting(r: Rig) {
  const child = spawn(process.execPath, [MFA_ENV, 'rotate', '-p', 'dev'], {
    env: Object.fromEntries(Object.entries(r.sandbox.env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiting = new Promise<void>((resolve) =>
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('waiting for IAM to accept the new key')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await Promise.race([waiting, exited]);
  return { child, exited, stderr: () => stderr };
}

test('Ctrl-C while IAM propagates the new key: the old key is stored again and works, the new one is named with the command; exit 130', async () => {
  const r = await rig(15_000);
  try {
    const old = r.user.accessKeyId;
    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    const run = await rotateUntilWaiting(r);
    run.child.kill('SIGINT');
    const code = await run.exited;
    const stderr = run.stderr();
    const fresh = r.keys().find((k) => k !== old);
    assert.ok(fresh, `a new key was made: ${stderr}`);
    assert.equal(code, 130, stderr);
    assert.deepEqual(lines(stderr).slice(-2), [
      `mfa-env: interrupted: the old key ${old} is stored again and works; the new key ${fresh} exists in IAM, unused`,
      `mfa-env: delete it: aws iam delete-access-key --user-name ${r.user.userName} --access-key-id ${fresh}`,
    ]);
    assert.deepEqual(r.keys(), [old, fresh], 'both keys in IAM: nothing was deleted');
    assertOk(await exportBash(r, ['--refresh', '-c', r.code()]), 'export with a new session');
    assert.equal(r.lastMintKey(), old, 'the stored key is the old one');
  } finally {
    await r.close();
  }
});

test('Ctrl-C while the store is busy and IAM is about to accept the key: what is stored works, and the key it says to delete is not the stored one', async () => {
  for (let round = 0; round < 3; round++) {
    const r = await rig(1200);
    try {
      const old = r.user.accessKeyId;
      assertOk(await exportBash(r, ['-c', r.code()]), 'export');
      const run = await rotateUntilWaiting(r);
      // Another mfa-env writes the store for 2 s (IAM accepts the key meanwhile): the rotation must not go on.
      const release = await acquireLock(join(r.sandbox.dir, 'store', 'store.enc.lock'), { timeoutMs: 30_000 });
      run.child.kill('SIGINT');
      await new Promise((done) => setTimeout(done, 2000));
      release();
      const code = await run.exited;
      const stderr = run.stderr();
      assert.equal(code, 130, stderr);
      const said = lines(stderr).filter(
        (l) => l.startsWith('mfa-env: interrupted') || l.startsWith('mfa-env: delete it'),
      );
      const toDelete = /delete-access-key --user-name \S+ --access-key-id (\S+)$/.exec(said.at(-1) ?? '')?.[1];
      const fresh = r.keys().find((k) => k !== old) ?? stderr.match(/new key (AKIA\w+)/)?.[1];
      assert.ok(toDelete === old || toDelete === fresh, `it names a key to delete: ${stderr}`);
      assert.deepEqual(r.keys().sort(), [old, fresh].sort(), 'nothing was deleted after the signal');
      assertOk(await exportBash(r, ['--refresh', '-c', r.code()]), 'the stored key works');
      assert.notEqual(r.lastMintKey(), toDelete, 'the key it says to delete is not the stored one');
    } finally {
      await r.close();
    }
  }
});

test('a mint during a rotation waits for it and signs with the new key; a second rotate meanwhile stops with exit 2, not a third key', async () => {
  const r = await rig(3000);
  try {
    const old = r.user.accessKeyId;
    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    // Two rotates at once: both read the old key and its cached session.
    const rotates = [r.sandbox.mfaEnv(['rotate', '-p', 'dev']), r.sandbox.mfaEnv(['rotate', '-p', 'dev'])];
    // A mint once a rotation holds the profile (IAM's 3 s propagation keeps it busy).
    while (r.emulator.count('CreateAccessKey', 'ok') === 0) await new Promise((done) => setTimeout(done, 50));
    const [mint, ...done] = await Promise.all([exportBash(r, ['--refresh', '-c', r.code()]), ...rotates]);
    const [ok, stopped] = done[0]!.code === 0 ? done : [done[1]!, done[0]!];
    assertOk(ok!, 'one rotate');
    assert.equal(stopped!.code, 2, stopped!.stderr);
    assert.match(
      stopped!.stderr,
      /^mfa-env: the stored key for 'dev' changed while rotating it \(another mfa-env rotate\?\)$/m,
    );
    assert.equal(r.emulator.count('CreateAccessKey', 'ok'), 1);
    assertOk(mint, 'the mint');
    const [fresh] = r.keys();
    assert.deepEqual(r.keys(), [fresh], 'one key in IAM');
    assert.notEqual(fresh, old);
    assert.equal(r.lastMintKey(), fresh, 'the mint waited and signed with the new key');
  } finally {
    await r.close();
  }
});

test('the store cannot take the new key: the new key is deleted again, the old one still stored; exit 4', async () => {
  const r = await rig(0);
  try {
    const old = r.user.accessKeyId;
    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    // Another process holds the file store's lock for longer than a writer waits.
    const release = await acquireLock(join(r.sandbox.dir, 'store', 'store.enc.lock'), { timeoutMs: 30_000 });
    let res: RunResult;
    try {
      res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev']);
    } finally {
      release();
    }
    assert.equal(r.emulator.count('CreateAccessKey', 'ok'), 1);
    assert.equal(r.emulator.count('DeleteAccessKey', 'ok'), 1);
    expectFailure(res, 4, [
      new RegExp(
        `^mfa-env: could not store the new key: .*store\\.enc\\.lock is locked by another mfa-env .*; the old key ${old} is still stored and works; the new key was deleted again$`,
      ),
      /^mfa-env: /,
    ]);
    assert.deepEqual(r.keys(), [old]);
    assertOk(await exportBash(r), 'export from the cache');
  } finally {
    await r.close();
  }
});

test('key age: setup’s discovery records it, doctor asks IAM with the cached session and warns past 90 days, rotate starts it again', async () => {
  const DAY = 86_400_000;
  const r = await rig(0, (u) => (u.accessKeyCreatedAt = Date.now() - 120 * DAY - 60_000));
  try {
    const masked = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;
    const old = r.user.accessKeyId;
    const doctor = () => r.sandbox.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    // Set up with --mfa-serial (rig): no IAM call, no age known; status asks IAM nothing.
    assert.match((await r.sandbox.mfaEnv(['status'])).stdout, new RegExp(`^dev\\s+${masked(old)}\\s+arn:`, 'm'));
    assert.match(
      (await doctor()).stdout,
      /^ok {7}key age: unknown: doctor asks IAM with a cached session, and dev has none/m,
    );
    r.emulator.resetCalls();
    assertOk(await r.sandbox.mfaEnv(['status']), 'status');
    assert.equal(r.emulator.calls.length, 0, 'status calls no AWS');

    assertOk(await exportBash(r, ['-c', r.code()]), 'export');
    const warned = await doctor();
    assert.match(
      warned.stdout,
      new RegExp(
        `^warning  key age: ${masked(old)} was created 120 days ago \\(more than 90\\)\n {9}fix: mfa-env rotate --profile dev$`,
        'm',
      ),
    );
    assert.match(warned.stdout, /^\d+ problems? found, 1 warning$/m);
    assert.equal(r.emulator.count('ListAccessKeys', 'ok'), 1);

    // Discovery in setup asks IAM for the age too.
    const again = await r.sandbox.mfaEnv(['setup', '--profile', 'dev', '--access-key-id', old, '--secret-stdin'], {
      input: r.user.secretAccessKey,
    });
    assertOk(again, 'setup with discovery');
    assert.match(
      (await r.sandbox.mfaEnv(['status'])).stdout,
      new RegExp(`^dev\\s+${masked(old)} \\(120 days\\)\\s+arn:`, 'm'),
    );

    assertOk(await r.sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', r.code()]), 'rotate');
    const fresh = r.keys()[0]!;
    const status = await r.sandbox.mfaEnv(['status']);
    assert.match(status.stdout, new RegExp(`^dev\\s+${masked(fresh)} \\(0 days\\)\\s+arn:\\S+\\s+none$`, 'm'));
    assert.equal(JSON.parse((await r.sandbox.mfaEnv(['status', '--json'])).stdout).profiles[0].keyAgeDays, 0);
    assert.match((await doctor()).stdout, new RegExp(`^ok {7}key age: ${masked(fresh)} was created 0 days ago$`, 'm'));
  } finally {
    await r.close();
  }
});

test('every profile that stores the old key moves to the new one', async () => {
  const r = await rig(0);
  try {
    assertOk(
      await r.sandbox.mfaEnv(
        [
          'setup',
          '--profile',
          'work',
          '--access-key-id',
          r.user.accessKeyId,
          '--secret-stdin',
          '--mfa-serial',
          r.serial,
        ],
        { input: r.user.secretAccessKey },
      ),
      'setup work with the same key',
    );
    const res = await r.sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', r.code()]);
    assertOk(res, 'rotate');
    const fresh = r.keys()[0]!;
    assert.match(res.stderr, /stored for profile 'dev', 'work'; it works/);
    assertOk(await r.sandbox.mfaEnv(['-p', 'work', '-s', 'bash', '-c', r.code()]), 'export work');
    assert.equal(r.lastMintKey(), fresh);
  } finally {
    await r.close();
  }
});
