// mfa-exec, run as a user runs it: the built dist/mfa-exec.js, a session
// cached in the encrypted file store (test/helpers/seed.ts), real processes,
// real signals, and a real terminal (tmux) where one matters.
//   npm run build && node --import tsx --test test/integration/exec.test.ts
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STALE_VARIABLES } from '../../src/session/environment.js';
import { makeUser, startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { MFA_EXEC, makeSandbox, type RunResult, type Sandbox } from '../helpers/cli.js';
import { seedProfile, type Seeded } from '../helpers/seed.js';
import { isCI } from '../helpers/require-tool.js';

type Env = Record<string, string | undefined>;

let sb: Sandbox;
let dev: Seeded;
let prod: Seeded;

before(async () => {
  assert.ok(existsSync(MFA_EXEC), `${MFA_EXEC} is missing: run npm run build first`);
  sb = makeSandbox();
  dev = await seedProfile({ dir: sb.dir, configFile: sb.configFile, profile: 'dev' });
  prod = await seedProfile({ dir: sb.dir, configFile: sb.configFile, profile: 'prod', region: 'us-east-2' });
  Object.assign(sb.env, dev.env); // one store and one config file hold both profiles
});

after(() => sb?.cleanup());

// ── helpers ──────────────────────────────────────────────────────────────

function defined(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** A fresh directory inside the sandbox. */
function scratch(name: string): string {
  return mkdtempSync(join(sb.dir, `${name}-`));
}

/** Waits for a condition a process will bring about; the deadline only stops a broken run from hanging. */
async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A file's content once its writer has finished the line. */
function readLine(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.endsWith('\n') ? text.slice(0, -1) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Starts mfa-exec in a new session with no terminal (like a CI job or a
 * supervisor), and hands back the process so a test can signal it.
 */
function startExec(args: string[], env: Env = {}) {
  const child = spawn(process.execPath, [MFA_EXEC, ...args], {
    env: defined({ ...sb.env, ...env }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = new Promise<RunResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  /** Its result; if it does not end, its whole process group is killed and the test fails (no hung run). */
  const finished = async (ms = 20_000): Promise<RunResult> => {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL'); // detached: its pid is its group
        } catch {
          // already gone
        }
        reject(new Error('mfa-exec did not exit'));
      }, ms);
    });
    try {
      return await Promise.race([result, hung]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { pid: child.pid!, finished };
}

/** `env -0` output as a map. */
function parseEnv0(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    if (!entry) continue;
    const eq = entry.indexOf('=');
    out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

const sq = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

// ── tmux: a real terminal ────────────────────────────────────────────────

const TMUX_MISSING = spawnSync('tmux', ['-V']).error !== undefined;
if (TMUX_MISSING) {
  process.stderr.write(
    '\n*** tmux is not installed: the terminal tests of mfa-exec are SKIPPED (apt-get install tmux) ***\n\n',
  );
}

/** A test that needs tmux: skipped loudly without it, but a failure in CI. */
function terminalTest(name: string, fn: (t: TestContext) => Promise<void>) {
  if (TMUX_MISSING && isCI()) {
    test(name, () => assert.fail('tmux is not installed, and CI=true: terminal tests must run in CI'));
  } else {
    test(name, { skip: TMUX_MISSING ? 'tmux is not installed' : false }, fn);
  }
}

let tmuxCount = 0;

/**
 * One tmux server on its own socket, running `argv` (with `env`) in its only
 * pane, from a small sh script that records the exit status: tmux itself
 * can take seconds to reap a pane's process and report it.
 */
function startTerminal(argv: string[], env: Env) {
  const socket = `mfa-exec-test-${process.pid}-${++tmuxCount}`;
  const dir = scratch('tmux');
  const statusFile = join(dir, 'status');
  const script = join(dir, 'pane.sh');
  const exports = Object.entries(defined(env)).map(([k, v]) => `export ${k}=${sq(v)}`);
  writeFileSync(
    script,
    [
      // The script is in the terminal's foreground group too; Ctrl-C is for mfa-exec and its child.
      // (Node resets inherited dispositions at startup, so mfa-exec does not inherit this.)
      "trap '' INT QUIT",
      ...exports,
      argv.map(sq).join(' '),
      `echo $? > ${sq(statusFile)}`,
      '',
    ].join('\n'),
  );
  const tmux = (...args: string[]) => {
    const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: defined({
        PATH: process.env.PATH,
        HOME: sb.home,
        SHELL: '/bin/sh',
        TERM: 'xterm-256color',
        LANG: 'C.UTF-8',
      }),
    });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '30', `exec sh ${sq(script)}`);
  return {
    /** The visible screen; capture-pane drops trailing spaces, so look for "name?", not "name? ". */
    screen: () => tmux('capture-pane', '-p', '-t', 'main'),
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'main', ...keys),
    type: (text: string) => tmux('send-keys', '-t', 'main', '-l', text),
    /** undefined while mfa-exec runs, then its exit status. */
    exitStatus: (): number | undefined => {
      const status = readLine(statusFile);
      return status === undefined ? undefined : Number(status);
    },
    stop: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
}

/** The parent of a process, from /proc (Linux). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

// ── exit status ──────────────────────────────────────────────────────────

test('the exit status is the command’s; a command killed by signal N gives 128+N', async () => {
  for (const [script, want] of [
    ['exit 0', 0],
    ['exit 7', 7],
    ['kill -TERM $$', 143],
    ['kill -KILL $$', 137],
  ] as const) {
    const r = await sb.mfaExec(['-p', 'dev', '--', 'sh', '-c', script]);
    assert.equal(r.signal, null, script);
    assert.equal(r.code, want, `${script}: ${r.stderr}`);
    assert.equal(r.stderr, '', script);
  }
});

// ── signals sent to mfa-exec ─────────────────────────────────────────────

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const) {
  test(`${signal} sent to mfa-exec reaches the child, and mfa-exec exits with its status once it is gone`, async () => {
    const dir = scratch('signal');
    const marker = join(dir, 'marker');
    const pidFile = join(dir, 'pid');
    const name = signal.slice(3);
    // The child traps the signal, takes its time to clean up, and exits 42.
    const script = `trap 'echo ${name} > "$1"; sleep 0.3; exit 42' ${name}; echo $$ > "$2"; while :; do sleep 0.05; done`;
    const exec = startExec(['-p', 'dev', '--', 'sh', '-c', script, 'sh', marker, pidFile]);
    await waitFor('the child to start', () => readLine(pidFile) !== undefined);
    const childPid = Number(readLine(pidFile));

    process.kill(exec.pid, signal);
    const r = await exec.finished();

    assert.equal(readLine(marker), name, 'the child got the signal');
    assert.equal(r.signal, null, 'mfa-exec itself was not killed by it');
    assert.equal(r.code, 42, `mfa-exec exits with the child's status: ${r.stderr}`);
    assert.equal(isAlive(childPid), false, 'the child is gone when mfa-exec has exited');
  });
}

// A signal sent to the whole process group, as timeout(1) and `kill -TERM
// -PGID` do, with no terminal (CI): the child gets it once, not twice (once
// directly, once forwarded). terraform takes a second interrupt as "stop now".
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} sent to mfa-exec's whole process group reaches the child once`, async () => {
    const dir = scratch('group-signal');
    const counts = join(dir, 'counts');
    const pidFile = join(dir, 'pid');
    const name = signal.slice(3);
    // Counts every delivery; after the first, waits a moment for a second, then exits 42.
    const script = `n=0; trap 'n=$((n + 1)); echo $n >> "$1"' ${name}; echo $$ > "$2"
while [ "$n" -eq 0 ]; do sleep 0.05; done; sleep 0.5; exit 42`;
    const exec = startExec(['-p', 'dev', '--', 'sh', '-c', script, 'sh', counts, pidFile]);
    await waitFor('the child to start', () => readLine(pidFile) !== undefined);
    process.kill(-exec.pid, signal); // startExec runs it detached: its pid is its group
    const r = await exec.finished();
    assert.equal(r.code, 42, r.stderr);
    assert.deepEqual(readFileSync(counts, 'utf8').trim().split('\n'), ['1'], 'delivered exactly once');
  });
}

// ── argv ─────────────────────────────────────────────────────────────────

const HOSTILE = [
  '',
  ' ',
  "'",
  '"',
  '$(touch canary)',
  '`touch canary`',
  '*',
  '\n',
  'a b\tc',
  'ünïcødé ✓ 🚀',
  '-leading',
  '--',
  '-p',
  'prod',
  '--refresh',
  '\\',
  ';',
  '| touch canary',
  '&& touch canary',
  '> out',
  '$HOME',
  '%s%n',
  'x'.repeat(5000),
];

test('the command’s arguments arrive byte-exact, and nothing is run through a shell', async () => {
  const dump = join(sb.dir, 'dump-argv.mjs');
  writeFileSync(dump, 'process.stdout.write(JSON.stringify(process.argv.slice(2)))\n');
  const work = scratch('argv');

  const r = await sb.mfaExec(['-p', 'dev', '--', process.execPath, dump, ...HOSTILE], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), HOSTILE);
  assert.deepEqual(readdirSync(work), [], 'no canary, no redirection target');
});

test('options after the command belong to the command, with or without --', async () => {
  const dump = join(sb.dir, 'dump-argv.mjs');
  writeFileSync(
    dump,
    'process.stdout.write(JSON.stringify([process.env.MFA_ENV_PROFILE, ...process.argv.slice(2)]))\n',
  );
  const childArgs = ['-p', 'prod', '--refresh', '--no-cache', '--', '-c', '123456', '--help'];

  const withDashes = await sb.mfaExec(['-p', 'dev', '--', process.execPath, dump, ...childArgs]);
  assert.equal(withDashes.code, 0, withDashes.stderr);
  assert.deepEqual(JSON.parse(withDashes.stdout), ['dev', ...childArgs]);

  // Without --, mfa-exec's options end at the first word that is not one.
  const without = await sb.mfaExec(['--profile=prod', process.execPath, dump, ...childArgs]);
  assert.equal(without.code, 0, without.stderr);
  assert.deepEqual(JSON.parse(without.stdout), ['prod', ...childArgs]);

  const short = await sb.mfaExec(['-pdev', 'printenv', 'MFA_ENV_PROFILE']);
  assert.equal(short.stdout, 'dev\n', short.stderr);
});

test('a bad option of mfa-exec is a usage error that names it, and nothing runs', async () => {
  const dir = scratch('usage');
  const started = join(dir, 'started');
  for (const [args, named] of [
    [['--bogus', '--', 'touch', started], '--bogus'],
    [['-x', 'touch', started], '-x'],
    [['-p'], '--profile'],
    [['-p', 'dev', '--refresh=yes', '--', 'touch', started], '--refresh'],
    [['-p', 'dev', '-d', '5s', '--', 'touch', started], 'duration'],
  ] as const) {
    const r = await sb.mfaExec([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.ok(lines.length <= 2, r.stderr);
    assert.ok(lines[0]!.startsWith('mfa-exec: ') && lines[0]!.includes(named), r.stderr);
    assert.doesNotMatch(r.stderr, /mfa-env --help/, 'mfa-exec points at its own help');
    assert.equal(existsSync(started), false);
  }
});

test('--help and --version print to stdout and exit 0', async () => {
  const help = await sb.mfaExec(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /mfa-exec \[options\] -- COMMAND/);
  assert.match(help.stdout, /--profile/);
  assert.match(help.stdout, /MFA_ENV_EXEC_SHELL/);
  assert.match(help.stdout, /not found gives 127, one that cannot be run 126/);
  assert.match(help.stdout, /typed at the terminal reaches it once/);
  const version = await sb.mfaExec(['-V']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

// ── stdio and the terminal ───────────────────────────────────────────────

test('stdin is the command’s', async () => {
  const r = await sb.mfaExec(['-p', 'dev', '--', 'cat'], { input: 'a\nb\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'a\nb\n');
});

terminalTest('an interactive command owns the terminal: it reads a typed line', async () => {
  const dir = scratch('interactive');
  const line = join(dir, 'line');
  const tty = join(dir, 'tty');
  const script =
    'printf "your name? "; read answer; printf "%s\\n" "$answer" > "$1"; if [ -t 0 ] && [ -t 1 ] && [ -t 2 ]; then echo yes > "$2"; fi; exit 3';
  const term = startTerminal(
    [process.execPath, MFA_EXEC, '-p', 'dev', '--', 'sh', '-c', script, 'sh', line, tty],
    sb.env,
  );
  try {
    await waitFor('the question on the screen', () => term.screen().includes('your name?'));
    term.type('Ada Lovelace');
    term.keys('Enter');
    await waitFor('mfa-exec to exit', () => term.exitStatus() !== undefined);
    assert.equal(term.exitStatus(), 3);
    assert.equal(readLine(line), 'Ada Lovelace');
    assert.equal(readLine(tty), 'yes', 'stdin, stdout and stderr are the terminal');
  } finally {
    term.stop();
  }
});

terminalTest('Ctrl-C (and Ctrl-\\) typed in the terminal reaches the command exactly once per press', async () => {
  const dir = scratch('ctrl-c');
  const counter = join(sb.dir, 'count-sigint.mjs');
  writeFileSync(
    counter,
    [
      "import { existsSync, writeFileSync } from 'node:fs';",
      'const dir = process.argv[2];',
      'let n = 0;',
      "process.on('SIGINT', () => writeFileSync(`${dir}/count`, `${++n}\\n`));",
      'let q = 0;',
      "process.on('SIGQUIT', () => writeFileSync(`${dir}/quit`, `${++q}\\n`));",
      "writeFileSync(`${dir}/ready`, 'ready\\n');",
      'setInterval(() => { if (existsSync(`${dir}/stop`)) process.exit(0); }, 20);',
      '',
    ].join('\n'),
  );
  const count = join(dir, 'count');
  const term = startTerminal([process.execPath, MFA_EXEC, '-p', 'dev', '--', process.execPath, counter, dir], sb.env);
  try {
    await waitFor('the child to start', () => readLine(join(dir, 'ready')) !== undefined);
    for (const press of [1, 2]) {
      term.keys('C-c');
      await waitFor(`SIGINT number ${press}`, () => readLine(count) !== undefined && Number(readLine(count)) >= press);
      await sleep(500); // room for a duplicate to arrive, if one were sent
      assert.equal(readLine(count), String(press), `after ${press} Ctrl-C`);
    }
    const quit = join(dir, 'quit');
    term.keys('C-\\');
    await waitFor('SIGQUIT', () => readLine(quit) !== undefined);
    await sleep(500);
    assert.equal(readLine(quit), '1', 'after one Ctrl-\\');
    writeFileSync(join(dir, 'stop'), '');
    await waitFor('mfa-exec to exit', () => term.exitStatus() !== undefined);
    assert.equal(term.exitStatus(), 0, 'mfa-exec outlived Ctrl-C and Ctrl-\\ and exited with the child’s status');
  } finally {
    term.stop();
  }
});

// ── the environment ──────────────────────────────────────────────────────

test('the child’s environment: the caller’s, minus stale credentials, plus exactly what the export sets', async () => {
  const caller: Env = {
    ...sb.env,
    AWS_ACCESS_KEY_ID: 'AKIASTALESTALESTALE1',
    AWS_SECRET_ACCESS_KEY: 'stale-secret',
    AWS_SESSION_TOKEN: 'stale-token',
    AWS_SECURITY_TOKEN: 'stale-security-token',
    AWS_PROFILE: 'dev', // picks the profile, then must not reach the child
    AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z',
    AWS_SESSION_EXPIRATION: '2000-01-01T00:00:00Z',
    MFA_ENV_EXPIRES: '946684800',
    MFA_ENV_PROFILE: 'old',
    // mfa-exec sets this in its own process.env; it must not leak into the child.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    KEEP_ME: "kept, with spaces and 'quotes'",
  };
  const r = await sb.mfaExec(['--', 'env', '-0'], { env: caller });
  assert.equal(r.code, 0, r.stderr);
  const child = parseEnv0(r.stdout);

  // What the export prints, evaluated by a real shell from the same environment.
  const exported = await sb.mfaEnv(['-s', 'bash'], { env: caller });
  assert.equal(exported.code, 0, exported.stderr);
  const shell = spawnSync('sh', ['-c', 'eval "$1" && env -0', 'sh', exported.stdout], {
    env: defined(caller),
    encoding: 'utf8',
  });
  const evaluated = parseEnv0(shell.stdout);

  const sessionVariables = [...STALE_VARIABLES, 'AWS_REGION', 'AWS_DEFAULT_REGION'];
  for (const name of sessionVariables) assert.equal(child[name], evaluated[name], name);

  const expected: Record<string, string> = defined(caller);
  for (const name of sessionVariables) {
    delete expected[name];
    if (evaluated[name] !== undefined) expected[name] = evaluated[name];
  }
  // The file store's passphrase unlocks the long-term key: the child gets the session only.
  assert.ok(caller.MFA_ENV_FILE_PASSPHRASE, 'this sandbox uses the file store');
  assert.equal(child.MFA_ENV_FILE_PASSPHRASE, undefined);
  delete expected.MFA_ENV_FILE_PASSPHRASE;
  assert.deepEqual(child, expected, 'nothing else added, removed or changed');

  // And it is the cached session, the same as the JSON format shows.
  const json = await sb.mfaEnv(['-f', 'json'], { env: caller });
  const creds = (JSON.parse(json.stdout) as { Credentials: Record<string, string> }).Credentials;
  assert.equal(child.AWS_ACCESS_KEY_ID, dev.session!.accessKeyId);
  assert.equal(child.AWS_ACCESS_KEY_ID, creds.AccessKeyId);
  assert.equal(child.AWS_SECRET_ACCESS_KEY, creds.SecretAccessKey);
  assert.equal(child.AWS_SESSION_TOKEN, creds.SessionToken);
  assert.equal(child.AWS_CREDENTIAL_EXPIRATION, creds.Expiration);
  assert.equal(child.MFA_ENV_PROFILE, 'dev');
  assert.equal(child.AWS_REGION, 'eu-west-1');
  assert.equal(child.AWS_PROFILE, undefined);
  assert.equal(child.AWS_SECURITY_TOKEN, undefined);
  assert.equal(child.MFA_ENV_EXEC_SHELL, undefined, 'only the shell started with no command is marked');
});

test('-p picks another profile’s session, whatever AWS_PROFILE says', async () => {
  const r = await sb.mfaExec(['-p', 'prod', '--', 'env', '-0'], { env: { AWS_PROFILE: 'dev' } });
  assert.equal(r.code, 0, r.stderr);
  const child = parseEnv0(r.stdout);
  assert.equal(child.AWS_ACCESS_KEY_ID, prod.session!.accessKeyId);
  assert.equal(child.AWS_SECRET_ACCESS_KEY, prod.session!.secretAccessKey);
  assert.equal(child.MFA_ENV_PROFILE, 'prod');
  assert.equal(child.AWS_REGION, 'us-east-2');
  assert.equal(child.AWS_PROFILE, undefined);
});

/** Every process's argv and environment that we may read, searched for `needles`. */
function scanProcesses(needles: string[]): { scanned: Set<number>; hits: string[] } {
  const scanned = new Set<number>();
  const hits: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const file of ['cmdline', 'environ']) {
      let text: string;
      try {
        text = readFileSync(`/proc/${entry}/${file}`, 'latin1');
      } catch {
        continue; // another user's process, or gone
      }
      if (file === 'environ') scanned.add(Number(entry));
      for (const needle of needles)
        if (text.includes(needle)) hits.push(`/proc/${entry}/${file} holds ${needle.slice(0, 6)}…`);
    }
  }
  return { scanned, hits };
}

test('the long-term key is in no process’s argv or environment while the command runs', {
  skip: process.platform !== 'linux' && 'needs /proc',
}, async () => {
  const dir = scratch('proc');
  const pidFile = join(dir, 'pid');
  const stop = join(dir, 'stop');
  const exec = startExec([
    '-p',
    'dev',
    '--',
    'sh',
    '-c',
    'echo $$ > "$1"; while [ ! -e "$2" ]; do sleep 0.05; done',
    'sh',
    pidFile,
    stop,
  ]);
  try {
    await waitFor('the child to start', () => readLine(pidFile) !== undefined);
    const childPid = Number(readLine(pidFile));
    const { scanned, hits } = scanProcesses([dev.key!.secretAccessKey, dev.key!.accessKeyId]);
    assert.ok(scanned.has(exec.pid) && scanned.has(childPid), 'the scan read mfa-exec and its child');
    assert.deepEqual(hits, []);
    // The scan does find what is there: the session is in the child's environment.
    assert.ok(readFileSync(`/proc/${childPid}/environ`, 'latin1').includes(dev.session!.secretAccessKey));
  } finally {
    writeFileSync(stop, '');
  }
  assert.equal((await exec.finished()).code, 0);
});

// ── command not found, not executable ────────────────────────────────────

test('a command that does not exist: 127 and one line, before any session is looked for', async () => {
  const r = await sb.mfaExec(['-p', 'dev', '--', 'no-such-command-xyz', 'arg']);
  assert.equal(r.code, 127);
  assert.equal(r.stderr, 'mfa-exec: no-such-command-xyz: command not found\n');
  assert.equal(r.stdout, '');

  const path = await sb.mfaExec(['-p', 'dev', '--', './no-such-file']);
  assert.equal(path.code, 127);
  assert.equal(path.stderr, 'mfa-exec: ./no-such-file: no such file or directory\n');

  const dir = scratch('interpreter');
  writeFileSync(join(dir, 'script'), '#!/no/such/interpreter\necho ran\n');
  chmodSync(join(dir, 'script'), 0o755);
  const interpreter = await sb.mfaExec(['-p', 'dev', '--', join(dir, 'script')]);
  assert.equal(interpreter.code, 127, 'as bash: the #! interpreter is missing');
  assert.equal(interpreter.stderr.split('\n').length, 2, interpreter.stderr);
  assert.match(interpreter.stderr, /^mfa-exec: .*script: cannot execute: required file not found/);

  // A typo costs no MFA code: with no usable session, it is still 127.
  const noKey = await sb.mfaExec(['-p', 'not-set-up', '--', 'no-such-command-xyz']);
  assert.equal(noKey.code, 127, noKey.stderr);
});

test('a command that is not executable: 126 and one line', async () => {
  const dir = scratch('noexec');
  writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\necho ran\n');
  chmodSync(join(dir, 'script.sh'), 0o644);

  const byPath = await sb.mfaExec(['-p', 'dev', '--', './script.sh'], { cwd: dir });
  assert.equal(byPath.code, 126);
  assert.equal(byPath.stderr, 'mfa-exec: ./script.sh: permission denied\n');
  assert.equal(byPath.stdout, '');

  const onPath = await sb.mfaExec(['-p', 'dev', '--', 'script.sh'], { env: { PATH: `${dir}:${process.env.PATH}` } });
  assert.equal(onPath.code, 126);
  assert.equal(onPath.stderr, 'mfa-exec: script.sh: permission denied\n');

  const directory = await sb.mfaExec(['-p', 'dev', '--', dir]);
  assert.equal(directory.code, 126);
  assert.equal(directory.stderr, `mfa-exec: ${dir}: is a directory\n`);
});

// ── no command: the user's shell ─────────────────────────────────────────

function fakeShell(): { shell: string; out: string } {
  const dir = scratch('shell');
  const shell = join(dir, 'fake-shell');
  const out = join(dir, 'env');
  writeFileSync(shell, `#!/bin/sh\nenv -0 > ${sq(out)}\nprintf '%s' "$#" > ${sq(out)}.argc\nexit 5\n`);
  chmodSync(shell, 0o755);
  return { shell, out };
}

test('no command starts $SHELL with the session, MFA_ENV_PROFILE and the mfa-exec mark', async () => {
  const { shell, out } = fakeShell();
  const r = await sb.mfaExec(['-p', 'dev'], { env: { SHELL: shell } });
  assert.equal(r.code, 5, r.stderr);
  const env = parseEnv0(readFileSync(out, 'utf8'));
  assert.equal(readFileSync(`${out}.argc`, 'utf8'), '0', 'started with no arguments');
  assert.equal(env.MFA_ENV_PROFILE, 'dev');
  assert.equal(env.MFA_ENV_EXEC_SHELL, 'dev');
  assert.equal(env.AWS_ACCESS_KEY_ID, dev.session!.accessKeyId);
  assert.equal(env.AWS_SESSION_TOKEN, dev.session!.sessionToken);
});

test('no command and no $SHELL: /bin/sh', async () => {
  const r = await sb.mfaExec(['-p', 'dev'], {
    env: { SHELL: undefined },
    input: 'printf "%s %s" "$MFA_ENV_PROFILE" "$MFA_ENV_EXEC_SHELL"; exit 3\n',
  });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, 'dev dev');
});

test('inside an mfa-exec shell for the same profile, another one is refused (exit 2, how to leave) unless --force', async () => {
  const { shell, out } = fakeShell();
  const refused = await sb.mfaExec(['-p', 'dev'], { env: { SHELL: shell, MFA_ENV_EXEC_SHELL: 'dev' } });
  assert.equal(refused.code, 2);
  const lines = refused.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, refused.stderr);
  assert.match(lines[0]!, /^mfa-exec: .*already .*mfa-exec.*'dev'/);
  assert.match(lines[1]!, /^mfa-exec: type exit to leave it.*--force/);
  assert.equal(existsSync(out), false, 'no shell was started');

  const forced = await sb.mfaExec(['-p', 'dev', '--force'], { env: { SHELL: shell, MFA_ENV_EXEC_SHELL: 'dev' } });
  assert.equal(forced.code, 5, forced.stderr);
  assert.equal(parseEnv0(readFileSync(out, 'utf8')).MFA_ENV_EXEC_SHELL, 'dev');
  rmSync(out);

  const other = await sb.mfaExec(['-p', 'prod'], { env: { SHELL: shell, MFA_ENV_EXEC_SHELL: 'dev' } });
  assert.equal(other.code, 5, other.stderr);
  assert.equal(parseEnv0(readFileSync(out, 'utf8')).MFA_ENV_EXEC_SHELL, 'prod');

  // Running a command from inside the shell is what it is for.
  const command = await sb.mfaExec(['-p', 'dev', '--', 'printenv', 'MFA_ENV_EXEC_SHELL'], {
    env: { MFA_ENV_EXEC_SHELL: 'dev' },
  });
  assert.equal(command.code, 0, command.stderr);
  assert.equal(command.stdout, 'dev\n');
});

// ── no session to be had ─────────────────────────────────────────────────

test('no stored key: exit 2 naming mfa-env setup, and the command never starts', async () => {
  const dir = scratch('nokey');
  const seeded = await seedProfile({ dir, profile: 'dev', key: null, session: null });
  const started = join(dir, 'started');
  const r = await sb.mfaExec(['-p', 'dev', '--', 'touch', started], { env: seeded.env });
  assert.equal(r.code, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.length <= 2, r.stderr);
  assert.match(r.stderr, /no long-term key .*'dev'/);
  assert.match(r.stderr, /mfa-env setup --profile dev/);
  assert.equal(existsSync(started), false);

  const unknown = await sb.mfaExec(['-p', 'nowhere', '--', 'touch', started]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /mfa-env setup --profile nowhere/);
  assert.equal(existsSync(started), false);
});

test('an expired session and no terminal to ask for a code: exit 2, the command never starts', async () => {
  const dir = scratch('expired');
  const seeded = await seedProfile({ dir, profile: 'dev', session: { expiration: new Date(Date.now() - 60_000) } });
  const started = join(dir, 'started');
  const r = await sb.mfaExec(['-p', 'dev', '--', 'touch', started], { env: seeded.env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no terminal/);
  assert.equal(existsSync(started), false);
});

// ── the MFA prompt, then the command, on one terminal ────────────────────

terminalTest('the MFA prompt comes first, on the terminal; then the command gets the terminal', async () => {
  const user = makeUser('exec-user');
  const emulator: Emulator = await startEmulator({ users: [user] });
  const dir = scratch('mint');
  const serial = user.mfaDevices[0]!.serialNumber;
  const seeded = await seedProfile({
    dir,
    profile: 'mint',
    mfaSerial: serial,
    key: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    session: null,
  });
  const line = join(dir, 'line');
  const pidFile = join(dir, 'pid');
  const script = 'echo $$ > "$1"; printf "next? "; read answer; printf "%s\\n" "$answer" > "$2"';
  const term = startTerminal(
    [process.execPath, MFA_EXEC, '-p', 'mint', '--', 'sh', '-c', script, 'sh', pidFile, line],
    { ...sb.env, ...seeded.env, AWS_ENDPOINT_URL_STS: emulator.url, AWS_CONFIG_FILE: seeded.env.AWS_CONFIG_FILE },
  );
  try {
    await waitFor('the MFA prompt', () => /MFA code for .*exec-user/.test(term.screen()));
    assert.equal(existsSync(pidFile), false, 'the command has not started before the code is in');
    term.type(emulator.codeFor(serial));
    term.keys('Enter');
    await waitFor('the command', () => term.screen().includes('next?'));

    // While it runs: the long-term secret is in no process's argv or environment.
    if (process.platform === 'linux') {
      const { scanned, hits } = scanProcesses([user.secretAccessKey]);
      const childPid = Number(readLine(pidFile));
      assert.ok(scanned.has(childPid) && scanned.has(parentOf(childPid)), 'the scan read mfa-exec and its child');
      assert.deepEqual(hits, []);
    }

    term.type('typed after the prompt');
    term.keys('Enter');
    await waitFor('mfa-exec to exit', () => term.exitStatus() !== undefined);
    assert.equal(term.exitStatus(), 0);
    assert.equal(readLine(line), 'typed after the prompt');
    assert.equal(emulator.count('GetSessionToken', 'ok'), 1);
  } finally {
    term.stop();
    await emulator.close();
  }
});
