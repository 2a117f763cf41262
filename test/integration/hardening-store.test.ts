// Issue 17, the store and its locks: a writer stopped while it holds a lock
// (Ctrl-Z, SIGSTOP) loses nobody's change when it resumes; a store file
// cannot make scrypt take gigabytes or minutes; the store directory must be
// private and its locks directory a real one; a lock file another user left
// unreadable is judged by its age.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { fileStoreEnv, harnessEnv, makeSandbox, MFA_ENV, ROOT, type RunResult, type Sandbox } from '../helpers/cli.js';
import { assertOk, devProfile, lines } from '../helpers/dev-profile.js';

const isRoot = process.getuid?.() === 0;
const SERIAL = 'arn:aws:iam::123456789012:mfa/me';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// setup checks a key with STS: the users of these tests are known to an emulator.
let shared: Emulator;
before(async () => {
  shared = await startEmulator();
});
after(() => shared.close());

function knownUser() {
  const user = makeUser();
  shared.addUser(user);
  return user;
}

function fileSandbox(): Sandbox & { storeDir: string; storeFile: string } {
  const s = makeSandbox();
  Object.assign(s.env, fileStoreEnv(s.dir), { AWS_ENDPOINT_URL: shared.url });
  return Object.assign(s, {
    storeDir: s.env.MFA_ENV_STORE_DIR!,
    storeFile: join(s.env.MFA_ENV_STORE_DIR!, 'store.enc'),
  });
}

/** `mfa-env ARGS` started in the background (its own session, no terminal), for signals. */
function start(
  s: Sandbox,
  args: string[],
  opts: { input?: string; env?: Record<string, string | undefined>; wrap?: string[]; program?: string } = {},
) {
  const env = Object.fromEntries(
    Object.entries({ ...s.env, ...opts.env }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const [file, ...pre] = opts.wrap ?? [process.execPath];
  const child = spawn(file!, [...pre, ...(opts.wrap ? [process.execPath] : []), opts.program ?? MFA_ENV, ...args], {
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(opts.input ?? '');
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done };
}

function setupArgs(profile: string, user = knownUser()) {
  return {
    args: [
      'setup',
      '-p',
      profile,
      '--access-key-id',
      user.accessKeyId,
      '--secret-stdin',
      '--mfa-serial',
      `${SERIAL}-${profile}`,
    ],
    input: user.secretAccessKey,
  };
}

/** Waits until a temp file of `name` appears in `dir`: its writer is between write and rename. */
async function tempAppears(dir: string, name: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`.${name}.`) && f.endsWith('.tmp'))) return;
    await sleep(10);
  }
  assert.fail(`no temp file of ${name} in ${dir}`);
}

/**
 * Setup of profile `a` is stopped (SIGSTOP) holding the lock of `file`, just
 * before its rename; setup of `b` starts meanwhile and waits for the lock.
 * Past the 10 s after which a silent lock is stale, `a` resumes; both finish.
 * (Taking a stopped holder's lock would let it rename its older copy over
 * b's write when it resumes.)
 */
async function stoppedHolder(s: Sandbox, dir: string, file: string): Promise<{ a: RunResult; b: RunResult }> {
  const a = setupArgs('a');
  // The harness's delay before the rename: the window in which the holder is stopped.
  const holder = start(s, a.args, { input: a.input, env: harnessEnv({ delayBeforeRenameMs: 1500 }, s.env) });
  try {
    await tempAppears(dir, file);
    process.kill(holder.pid, 'SIGSTOP');
    const b = setupArgs('b');
    const other = start(s, b.args, { input: b.input }).done;
    await sleep(12_000);
    process.kill(holder.pid, 'SIGCONT');
    const [first, second] = await Promise.all([holder.done, other]);
    assertOk(first, 'setup of a, resumed');
    assertOk(second, 'setup of b, which waited');
    return { a: first, b: second };
  } finally {
    try {
      process.kill(holder.pid, 'SIGCONT');
    } catch {
      // ended
    }
  }
}

test('a setup stopped while it holds the store lock loses no key when it resumes (file store)', async () => {
  const s = fileSandbox();
  try {
    await stoppedHolder(s, s.storeDir, 'store.enc');
    const status = await s.mfaEnv(['status', '--json']);
    assertOk(status, 'status');
    const keys = Object.fromEntries(
      (JSON.parse(status.stdout) as { profiles: { profile: string; keyId: string | null }[] }).profiles.map((p) => [
        p.profile,
        p.keyId,
      ]),
    );
    assert.ok(keys.a, `a's key is stored: ${status.stdout}`);
    assert.ok(keys.b, `b's key is stored (the stopped writer did not overwrite it): ${status.stdout}`);
  } finally {
    s.cleanup();
  }
});

test('a setup stopped while it holds the AWS config lock loses no section when it resumes', async () => {
  const s = fileSandbox();
  try {
    await stoppedHolder(s, join(s.home, '.aws'), 'config');
    const config = readFileSync(s.configFile, 'utf8');
    assert.match(config, new RegExp(`\\[profile a\\]\\nmfa_serial = ${SERIAL}-a\\n`));
    assert.match(config, new RegExp(`\\[profile b\\]\\nmfa_serial = ${SERIAL}-b\\n`));
  } finally {
    s.cleanup();
  }
});

test('scrypt parameters in a store file are bounded by memory and time: exit 4 at once, saying which', async () => {
  const s = fileSandbox();
  try {
    const a = setupArgs('a');
    assertOk(await s.mfaEnv(a.args, { input: a.input }), 'setup');
    const good = JSON.parse(readFileSync(s.storeFile, 'utf8')) as { kdf: Record<string, unknown> };
    const cases: Array<[Record<string, number>, RegExp]> = [
      [
        { N: 2 ** 19, r: 8, p: 1 },
        /asks for scrypt parameters that need 512 MB of memory \(N=524288, r=8; at most 256 MB\)/,
      ],
      [{ N: 2 ** 17, r: 8, p: 16 }, /take 64× the usual time \(N=131072, r=8, p=16; at most 16×\)/],
      [{ N: 3, r: 8, p: 1 }, /invalid scrypt parameters \(N=3, r=8, p=1\)/],
    ];
    for (const [kdf, message] of cases) {
      writeFileSync(s.storeFile, JSON.stringify({ ...good, kdf: { ...good.kdf, ...kdf } }));
      const started = Date.now();
      const r = await s.mfaEnv(['status']);
      const ms = Date.now() - started;
      assert.equal(r.code, 4, `${JSON.stringify(kdf)}: ${r.stderr}`);
      assert.match(
        lines(r.stderr)[0]!,
        new RegExp(`^mfa-env: ${s.storeFile} is not an mfa-env store file \\(or was altered\\): it asks for `),
      );
      assert.match(r.stderr, message);
      assert.ok(ms < 5000, `refused before deriving anything (${ms} ms)`);
    }
  } finally {
    s.cleanup();
  }
});

test('a store directory writable by others is refused (exit 4), nothing written', async () => {
  for (const [mode, who] of [
    [0o777, 'every user'],
    [0o770, 'its group'],
    [0o1777, 'every user'],
  ] as const) {
    const s = fileSandbox();
    try {
      mkdirSync(s.storeDir);
      chmodSync(s.storeDir, mode);
      const a = setupArgs('a');
      const r = await s.mfaEnv(a.args, { input: a.input });
      assert.equal(r.code, 4, r.stderr);
      assert.deepEqual(lines(r.stderr), [
        `mfa-env: ${s.storeDir} is writable by ${who} (mode ${mode.toString(8).padStart(4, '0')}): they could replace the store or its locks`,
        `mfa-env: chmod go-w ${s.storeDir}, or set MFA_ENV_STORE_DIR to a private directory`,
      ]);
      assert.deepEqual(readdirSync(s.storeDir), []);
      assert.equal(existsSync(s.configFile), false, 'nothing written anywhere');
    } finally {
      s.cleanup();
    }
  }
});

test('a locks directory that is a symlink is not followed to delete files there (exit 4)', async () => {
  const dev = await devProfile();
  try {
    const elsewhere = join(dev.sandbox.dir, 'elsewhere');
    mkdirSync(elsewhere);
    // A stale lock by every rule (a pid that is not running, untouched for a minute).
    const victim = join(elsewhere, 'dev.lock');
    writeFileSync(victim, '999999\nfeedface\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(victim, old, old);
    symlinkSync(elsewhere, join(dev.sandbox.env.MFA_ENV_STORE_DIR!, 'locks'));

    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      lines(r.stderr)[0]!,
      /locks is a symbolic link; mfa-env removes stale files there and does not follow links to do it$/,
    );
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(elsewhere), ['dev.lock']);
    assert.equal(readFileSync(victim, 'utf8'), '999999\nfeedface\n');
  } finally {
    await dev.close();
  }
});

test('a lock file this user cannot read is judged by its age: an old one is taken over at once', {
  skip: !isRoot && 'needs root (to run as another user)',
}, async () => {
  const s = fileSandbox();
  try {
    const uid = 54321; // no such user: only the number matters
    mkdirSync(s.storeDir, { mode: 0o700 });
    // A checkout under a directory others cannot enter (mktemp -d) is out of
    // that user's reach: it runs a copy of the build, in the sandbox it owns.
    const program = join(s.dir, 'app', 'dist', 'mfa-env.js');
    cpSync(join(ROOT, 'dist'), join(s.dir, 'app', 'dist'), { recursive: true });
    cpSync(join(ROOT, 'node_modules', '@napi-rs'), join(s.dir, 'app', 'node_modules', '@napi-rs'), {
      recursive: true,
    });
    execFileSync('chown', ['-R', `${uid}:${uid}`, s.dir]);
    // Left by root's mfa-env (sudo with this HOME), pid 1 (running), untouched for a minute.
    const lock = `${s.storeFile}.lock`;
    writeFileSync(lock, '1\ncafebabe\n', { mode: 0o600 });
    chownSync(lock, 0, 0);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);

    const a = setupArgs('a');
    const started = Date.now();
    const r = await start(s, a.args, {
      input: a.input,
      wrap: ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--'],
      program,
    }).done;
    const ms = Date.now() - started;
    assertOk(r, 'setup as another user');
    assert.ok(ms < 10_000, `taken over at once, not after the 20 s lock timeout (${ms} ms)`);
    assert.equal(existsSync(lock), false);
    assert.ok(existsSync(s.storeFile));
  } finally {
    s.cleanup();
  }
});
