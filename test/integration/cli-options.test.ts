// The command line as a user meets it, through the built CLI: words nothing
// takes are refused (not ignored), typos get a "did you mean", errors name
// the flag and never echo something that looks like a secret, --help is a
// page a person reads, completion knows profiles, and --debug traces each
// decision without a secret.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, exportedNames, type RunResult, type Sandbox } from '../helpers/cli.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const sandbox = (extra: Record<string, string> = {}): Sandbox => emulatorSandbox(emulator.url, extra);
const SECRETISH = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function usageError(r: RunResult, message: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'nothing on stdout');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.ok(lines.length >= 1 && lines.length <= 2, `one or two lines:\n${r.stderr}`);
  assert.match(lines[0]!, message);
  assert.match(r.stderr, /--help|mfa-env init/, 'points to --help');
  assert.doesNotMatch(
    r.stderr,
    /Options:|Commands:|Positionals:|Not enough|Invalid values|Argument:/,
    'no yargs usage or wording',
  );
}

/** A set-up profile with a cached session: what a stray word used to print. */
async function cachedDev(s: Sandbox) {
  const user = await setUpUser(s, emulator, 'dev');
  const mint = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
  assert.equal(mint.code, 0, mint.stderr);
  return { user, session: mint.stdout };
}

describe('words nothing takes are refused', () => {
  test('a typo of a command after options prints no credentials: unknown command, did you mean', async () => {
    const s = sandbox();
    await cachedDev(s);
    usageError(await s.mfaEnv(['-p', 'dev', 'stauts']), /^mfa-env: unknown command stauts; did you mean status\?$/);
    usageError(await s.mfaEnv(['stauts']), /^mfa-env: unknown command stauts; did you mean status\?$/);
    usageError(await s.mfaEnv(['-p', 'dev', '-s', 'bash', 'expotr']), /unknown command expotr; did you mean export\?/);
    s.cleanup();
  });

  test('a command that does not exist never mints a session', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev');
    const calls = emulator.count('GetSessionToken');
    usageError(
      await s.mfaEnv(['rotat', '--profile', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']),
      /^mfa-env: unknown command rotat; did you mean rotate\?$/,
    );
    assert.equal(emulator.count('GetSessionToken'), calls, 'no STS call');
    s.cleanup();
  });

  test('a word after a command, or an option another command takes, is an error naming it', async () => {
    const s = sandbox();
    await cachedDev(s);
    usageError(await s.mfaEnv(['status', 'dev']), /^mfa-env: unexpected argument after status: 'dev'$/);
    usageError(await s.mfaEnv(['-p', 'dev', '--json']), /^mfa-env: unknown option: --json$/);
    usageError(await s.mfaEnv(['status', '-p', 'dev']), /^mfa-env: unknown option: -p$/);
    usageError(await s.mfaEnv(['--profle', 'dev']), /^mfa-env: unknown option: --profle; did you mean --profile\?$/);
    usageError(await s.mfaEnv(['init']), /^mfa-env: init needs a shell: one of bash, zsh, fish, powershell$/);
    usageError(await s.mfaEnv(['init', 'bash', 'zsh']), /unexpected argument after init: 'zsh'/);
    usageError(await s.mfaEnv(['remove']), /^mfa-env: remove needs --profile NAME$/);
    usageError(
      await s.mfaEnv(['logout', '--all', '-p', 'dev']),
      /^mfa-env: --all and --profile cannot be used together$/,
    );
    usageError(await s.mfaEnv(['--refresh=yes']), /^mfa-env: --refresh takes no value$/);
    s.cleanup();
  });

  test('a word that looks like a secret is never echoed', async () => {
    const s = sandbox();
    for (const argv of [
      [SECRETISH],
      ['-p', 'dev', SECRETISH],
      ['status', SECRETISH],
      ['-s', SECRETISH],
      ['init', SECRETISH],
      ['AKIAIOSFODNN7EXAMPLE'],
    ]) {
      const r = await s.mfaEnv(argv);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(!r.stderr.includes(SECRETISH) && !r.stderr.includes('AKIAIOSFODNN7EXAMPLE'), r.stderr);
      assert.match(r.stderr, /\d+-character word \(not shown\)/);
    }
    const exec = await s.mfaExec([`--${SECRETISH}`]);
    assert.equal(exec.code, 2);
    assert.ok(!exec.stderr.includes(SECRETISH), exec.stderr);
    s.cleanup();
  });

  test('a profile name starting with - is refused, from the flag and from AWS_PROFILE', async () => {
    const s = sandbox();
    usageError(
      await s.mfaEnv(['--profile=-dev', '-c', '123456', '-s', 'bash']),
      /^mfa-env: '-dev' is not a usable profile name \(it starts with -\)$/,
    );
    usageError(await s.mfaEnv(['-p', '-dev']), /^mfa-env: --profile needs a value$/);
    const env = await s.mfaEnv(['-c', '123456', '-s', 'bash'], { env: { AWS_PROFILE: '--help' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /AWS_PROFILE '--help' is not a usable profile name \(it starts with -\)/);
    const exec = await s.mfaExec(['--profile=-x', '--', 'true']);
    assert.equal(exec.code, 2);
    assert.match(exec.stderr, /'-x' is not a usable profile name/);
    s.cleanup();
  });

  test('yargs wording is gone: a bad choice names the value and the choices', async () => {
    const s = sandbox();
    usageError(
      await s.mfaEnv(['-p', 'dev', '-s', 'sh']),
      /^mfa-env: unknown shell 'sh'; one of bash, zsh, fish, powershell$/,
    );
    usageError(
      await s.mfaEnv(['-f', 'yaml']),
      /^mfa-env: unknown format 'yaml'; one of shell, json, credential-process$/,
    );
    usageError(
      await s.mfaEnv(['unset', '-s', 'tcsh']),
      /^mfa-env: unknown shell 'tcsh'; one of bash, zsh, fish, powershell$/,
    );
    s.cleanup();
  });
});

describe('a profile in neither AWS file', () => {
  test('mfa -p deev names the known profiles and the nearest one, exit 2', async () => {
    const s = sandbox();
    await setUpUser(s, emulator, 'dev');
    writeFileSync(s.credentialsFile, '[staging]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
    writeFileSync(
      s.configFile,
      `${(await import('node:fs')).readFileSync(s.configFile, 'utf8')}\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = dev\n`,
    );
    const r = await s.mfaEnv(['-p', 'deev', '-c', '123456', '-s', 'bash']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const [first, hint] = r.stderr.trim().split('\n');
    assert.equal(first, "mfa-env: profile 'deev' is not set up: it is in neither AWS file; did you mean dev?");
    assert.equal(hint, 'mfa-env: known profiles: admin, dev, staging (a new one: mfa-env setup --profile deev)');
    const far = await s.mfaEnv(['-p', 'production', '-c', '123456', '-s', 'bash']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /^mfa-env: profile 'production' is not set up: it is in neither AWS file\n/);
    s.cleanup();
  });
});

describe('--help', () => {
  test('mfa-env --help: 30 lines of 80 columns at most, gh-like, naming mfa and mfa-exec', async () => {
    const s = sandbox();
    const r = await s.mfaEnv(['--help']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length <= 30, `${lines.length} lines`);
    for (const line of lines) assert.ok([...line].length <= 80, `too wide: ${line}`);
    for (const section of ['USAGE', 'COMMANDS', 'FLAGS', 'EXAMPLES'])
      assert.match(r.stdout, new RegExp(`^${section}`, 'm'));
    assert.match(r.stdout, /^ {2}mfa -p dev/m);
    assert.match(r.stdout, /mfa-exec/);
    assert.match(r.stdout, /--no-cache/);
    assert.doesNotMatch(r.stdout, /--cache|\[default|\[boolean\]|\[string\]/);
    assert.equal((await s.mfaEnv(['-h'])).stdout, r.stdout);
    s.cleanup();
  });

  test('setup --help says it prompts; every command has its own help; mfa-exec too', async () => {
    const s = sandbox();
    const setup = await s.mfaEnv(['setup', '--help']);
    assert.equal(setup.code, 0);
    assert.match(setup.stdout, /prompts/i);
    assert.match(setup.stdout, /--access-key-id ID/);
    const status = await s.mfaEnv(['status', '-h']);
    assert.match(status.stdout, /--json/);
    assert.doesNotMatch(status.stdout, /--profile/);
    const exec = await s.mfaExec(['--help']);
    assert.match(exec.stdout, /--debug/);
    assert.equal((await s.mfaEnv(['--version'])).stdout, (await s.mfaExec(['--version'])).stdout);
    s.cleanup();
  });
});

describe('completion knows profiles (the protocol the shells use)', () => {
  function profilesSandbox(): Sandbox {
    const s = sandbox();
    writeFileSync(
      s.configFile,
      '[default]\nregion = eu-west-1\n[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/dev\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = dev\n',
    );
    writeFileSync(s.credentialsFile, '[staging]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
    return s;
  }
  const words = (r: RunResult) => r.stdout.split('\n').filter(Boolean).sort();

  test('-p <TAB> offers the profiles of both files, never commands, in both binaries', async () => {
    const s = profilesSandbox();
    const all = ['admin', 'default', 'dev', 'staging'];
    assert.deepEqual(words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '-p', ''])), all);
    assert.deepEqual(words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'logout', '--profile', 'd'])), [
      'default',
      'dev',
    ]);
    assert.deepEqual(words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '--profile=s'])), [
      '--profile=staging',
    ]);
    assert.deepEqual(words(await s.mfaExec(['--get-yargs-completions', 'mfa-exec', '-p', ''])), all);
    assert.deepEqual(words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '-s', ''])), [
      'bash',
      'fish',
      'powershell',
      'zsh',
    ]);
    // After the profile, commands again.
    assert.ok(words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '-p', 'dev', ''])).includes('status'));
    s.cleanup();
  });

  test('zsh gets descriptions; status -<TAB> offers status’s options', async () => {
    const s = profilesSandbox();
    const env = { MFA_ENV_COMPLETE_DESCRIPTIONS: '1' };
    const cmds = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'st'], { env });
    assert.equal(cmds.stdout, 'status:show profiles, stored keys and cached sessions\n');
    const status = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'status', '-'], { env });
    assert.match(status.stdout, /^--json:machine-readable output$/m);
    assert.doesNotMatch(status.stdout, /--profile/);
    s.cleanup();
  });
});

describe('--debug', () => {
  const SECRETS = (user: { accessKeyId: string; secretAccessKey: string }, session: string) => {
    const values = Object.fromEntries(
      [...session.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    return [
      user.accessKeyId,
      user.secretAccessKey,
      values.AWS_ACCESS_KEY_ID!,
      values.AWS_SECRET_ACCESS_KEY!,
      values.AWS_SESSION_TOKEN!,
    ];
  };

  test('a cached run: the profile and where it came from, the files, the store and the cache; no secret, no full key id', async () => {
    const s = sandbox();
    const { user, session } = await cachedDev(s);
    const quiet = await s.mfaEnv(['-p', 'dev', '-s', 'bash']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '', 'without --debug a cached run prints nothing on stderr');
    assert.deepEqual(exportedNames(quiet.stdout), exportedNames(session));

    for (const [argv, env] of [
      [['-p', 'dev', '-s', 'bash', '--debug'], {}],
      [['-s', 'bash'], { MFA_ENV_DEBUG: '1', AWS_PROFILE: 'dev' }],
    ] as const) {
      const r = await s.mfaEnv([...argv], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, quiet.stdout, 'stdout is the same product');
      const lines = r.stderr.split('\n').filter(Boolean);
      for (const line of lines) assert.match(line, /^mfa-env: debug: /);
      assert.match(
        r.stderr,
        env.AWS_PROFILE ? /profile 'dev' \(from AWS_PROFILE\)/ : /profile 'dev' \(from --profile\)/,
      );
      assert.match(
        r.stderr,
        new RegExp(
          `reading AWS config ${s.configFile} \\(\\d+ bytes\\) and credentials ${s.credentialsFile} \\((missing|\\d+ bytes)\\)`,
        ),
      );
      assert.match(r.stderr, /store file: get session:dev: hit in \d+ ms/);
      assert.match(r.stderr, /cache: session ASIA…\w{4} for 'dev' expires \S+Z \(\d+ min left\): reused/);
      for (const secret of SECRETS(user, session)) assert.ok(!r.stderr.includes(secret), 'no secret or full key id');
    }
    s.cleanup();
  });

  test('a mint: the store miss, the lock, the STS call with its endpoint and time, the cache write; mfa-exec too', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator, 'dev');
    const r = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash', '--debug']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /store file: get session:dev: miss/);
    assert.match(r.stderr, /lock: \S+dev\.lock taken/);
    assert.match(r.stderr, /minting: long-term key AKIA…\w{4}, MFA device arn:/);
    assert.match(
      r.stderr,
      new RegExp(`aws: STS GetSessionToken at ${emulator.url.replace(/[.]/g, '\\.')}: answered in \\d+ ms`),
    );
    assert.match(r.stderr, /cache: saved session ASIA…\w{4} for 'dev'/);
    for (const secret of SECRETS(user, r.stdout)) assert.ok(!r.stderr.includes(secret), 'no secret or full key id');

    const exec = await s.mfaExec(['--debug', '-p', 'dev', '--', 'sh', '-c', 'echo "[$MFA_ENV_DEBUG]"']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stderr, /mfa-env: debug: cache: session ASIA…\w{4} for 'dev' .*reused/);
    assert.equal(exec.stdout, '[]\n', 'the child does not inherit the switch');
    const locked = await s.mfaEnv(['-p', 'dev', '-s', 'bash', '--debug'], {
      env: { MFA_ENV_FILE_PASSPHRASE: 'not the passphrase' },
    });
    assert.equal(locked.code, 4, locked.stderr);
    assert.match(locked.stderr, /mfa-env: debug: store file: get session:dev: failed: .+ \(exit 4\) after \d+ ms/);
    assert.ok(!locked.stderr.includes('not the passphrase'));
    const wrong = await s.mfaEnv(['-p', 'dev', '--refresh', '-c', '000000', '-s', 'bash', '--debug']);
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /aws: STS GetSessionToken at \S+: failed \(\w+\) after \d+ ms/);
    s.cleanup();
  });
});
