// The smaller commands as a user meets them: demo, doctor, status, logout,
// unset, init, completion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, makeSandbox, MFA_ENV, runCommand, type Sandbox } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { startSecretService, unreachableBusEnv } from '../helpers/secret-service.js';
import { makeCa } from '../helpers/tls.js';
import { serialOf, setUpUser } from '../helpers/users.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const sandbox = (): Sandbox => emulatorSandbox(emulator.url);

/** Mints and caches a session for the profile, the way `eval "$(mfa-env)"` would. */
async function mint(s: Sandbox, profile: string, user: EmulatorUser): Promise<void> {
  const r = await s.mfaEnv(['-p', profile, '-c', emulator.codeFor(serialOf(user)), '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
}

/** Deletes `[profile NAME]` from the AWS config file, as a user tidying it by hand would. */
function dropProfile(s: Sandbox, name: string): void {
  const before = readFileSync(s.configFile, 'utf8');
  const after = before.replace(new RegExp(`^\\[profile ${name}\\]\\n(?:[^[].*\\n?)*`, 'm'), '');
  assert.ok(after !== before && !after.includes(`[profile ${name}]`), after);
  writeFileSync(s.configFile, after);
}

describe('demo', () => {
  test('runs the whole flow with no AWS account and leaves nothing behind', async () => {
    const s = makeSandbox(); // no store, no endpoint, no profile: the demo brings its own
    const r = await s.mfaEnv(['demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /discovered the MFA device with IAM ListMFADevices: arn:aws:iam::\d{12}:mfa\/demo/);
    assert.match(r.stdout, /export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}'/);
    assert.match(r.stdout, /reused the cached session: no code asked; STS GetSessionToken calls so far: 1/);
    assert.match(r.stdout, /arn:aws:iam::\d{12}:user\/demo/);
    const dir = /Everything lives in (\S+) and is deleted/.exec(r.stdout)![1]!;
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(dir), false, 'the throwaway directory is gone');
    assert.doesNotMatch(r.stdout, /AWS_SECRET_ACCESS_KEY='[A-Za-z0-9/+]{40}'/, 'secrets are shortened');
    s.cleanup();
  });

  test('an HTTP_PROXY in the environment (one that cannot be reached) does not stand between the demo and its loopback emulator', async () => {
    const s = makeSandbox({ env: { HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' } });
    const r = await s.mfaEnv(['demo']);
    assert.equal(r.code, 0, r.stderr);
    s.cleanup();
  });
});

describe('doctor', () => {
  test('all good: exit 0', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const { dirname } = await import('node:path');
    const { MFA_ENV } = await import('../helpers/cli.js');
    const { mkdirSync, symlinkSync } = await import('node:fs');
    const bin = `${s.dir}/bin`;
    mkdirSync(bin);
    symlinkSync(MFA_ENV, `${bin}/mfa-env`);
    symlinkSync(MFA_ENV.replace('mfa-env.js', 'mfa-exec.js'), `${bin}/mfa-exec`);
    const r = await s.mfaEnv(['doctor'], {
      env: {
        AWS_PROFILE: 'dev',
        MFA_ENV_SHELL_INTEGRATION: 'bash',
        PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
      },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /problem/);
    assert.match(r.stdout, /ok\s+secret store: file: .*store\.enc answers/);
    assert.match(r.stdout, /ok\s+shell integration: loaded in this bash/);
    assert.match(r.stdout, /all good/);
    s.cleanup();
  });

  test('a broken store, a missing profile and a missing integration: each a problem with its fix, exit 1', async () => {
    const s = makeSandbox({ env: { ...unreachableBusEnv(), MFA_ENV_STORE: 'keychain', SHELL: '/bin/bash' } });
    const r = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'missing', MFA_ENV_SHELL_INTEGRATION: undefined } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /problem\s+secret store: .*(unavailable|locked).*\n\s+fix: .*MFA_ENV_STORE=file/);
    assert.match(
      r.stdout,
      /problem\s+profile missing: not in the AWS config or credentials file\n\s+fix: run: mfa-env setup --profile missing/,
    );
    assert.match(
      r.stdout,
      /problem\s+shell integration: not loaded in this bash: no mfa-env block in ~\/\.bashrc\n\s+fix: add\s+\. \S+\/dist\/shell\/mfa-env\.bash\s+to ~\/\.bashrc \(\.\/install\.sh does it\)/,
    );
    assert.match(r.stdout, /\d+ problems found/);
    s.cleanup();
  });
});

describe('a terminal without MFA_ENV_STORE=file, where a file store is set up', () => {
  test('the keychain error says where the keys are and which line goes in the startup file', async () => {
    const s = sandbox();
    await setUpUser(s, emulator); // MFA_ENV_STORE=file in the sandbox, as in the terminal where setup ran
    const newTerminal = { ...unreachableBusEnv(), MFA_ENV_STORE: undefined, MFA_ENV_FILE_PASSPHRASE: undefined };
    const r = await s.mfaEnv(['-p', 'dev', '-s', 'bash'], { env: newTerminal });
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, '');
    const file = join(s.env.MFA_ENV_STORE_DIR!, 'store.enc');
    assert.equal(
      r.stderr.trimEnd().split('\n').at(-1),
      `mfa-env: your keys are in the file store ${file}: export MFA_ENV_STORE=file (and put that line in your shell's startup file)`,
    );
    s.cleanup();
  });
});

describe('logout with a store that does not answer', () => {
  test('exit 4, nothing on stdout, and the message says how to clear the shell meanwhile', async () => {
    const s = makeSandbox({ env: { ...unreachableBusEnv(), MFA_ENV_STORE: 'keychain', SHELL: '/bin/bash' } });
    for (const args of [
      ['logout', '-p', 'dev'],
      ['logout', '--all'],
    ]) {
      const r = await s.mfaEnv([...args, '-s', 'bash']);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^mfa-env: .*(unavailable|locked|answer).*\nmfa-env: .*mfa unset \(or eval "\$\(mfa-env unset\)"\) clears this shell meanwhile\n$/,
      );
    }
    s.cleanup();
  });
});

describe('doctor and the things around it', () => {
  /** A PATH with mfa-env and mfa-exec on it and the integration loaded: the checks not under test are ok. */
  function installedEnv(s: Sandbox): Record<string, string> {
    const bin = join(s.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(MFA_ENV, join(bin, 'mfa-env'));
    symlinkSync(MFA_ENV.replace('mfa-env.js', 'mfa-exec.js'), join(bin, 'mfa-exec'));
    return { MFA_ENV_SHELL_INTEGRATION: 'bash', PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` };
  }

  test('the integration counts only in the shell that loaded it (and its $(...) subshells), not in a shell started from it', async () => {
    const s = sandbox();
    const env = { ...s.env, ...installedEnv(s), MFA_ENV_SHELL_INTEGRATION: undefined };
    const script = `eval "$(mfa-env init bash)"
mfa-env doctor | grep 'shell integration'
echo "sub: $(mfa-env doctor | grep 'shell integration')"
zsh -f -c 'mfa-env doctor | grep "shell integration"; true'
zsh -f -c 'eval "$(mfa-env init zsh)"; mfa-env doctor | grep "shell integration"; true'
fish --no-config -c 'mfa-env doctor | grep "shell integration"'
bash --norc -c 'mfa-env doctor | grep "shell integration"; true'
true`;
    const r = await runCommand('bash', ['--noprofile', '--norc', '-c', script], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 6, r.stdout);
    assert.match(lines[0]!, /^ok\s+shell integration: loaded in this bash$/);
    assert.match(lines[1]!, /^sub: ok\s+shell integration: loaded in this bash$/);
    assert.match(
      lines[2]!,
      /^problem\s+shell integration: not loaded in this zsh: no mfa-env block in ~\/\.zshrc \(it is loaded in an outer bash\)$/,
    );
    assert.match(lines[3]!, /^ok\s+shell integration: loaded in this zsh$/);
    assert.match(lines[4]!, /^problem\s+shell integration: not loaded in this fish: .*outer bash/);
    // Same name as the loaded shell, but a new one started from it.
    assert.match(lines[5]!, /^problem\s+shell integration: not loaded in this bash: .*outer bash/);
    s.cleanup();
  });

  test('a missing AWS file is fine and says so; a directory in its place is a problem with its fix', async () => {
    const s = sandbox();
    mkdirSync(s.configFile);
    const r = await s.mfaEnv(['doctor'], { env: { ...installedEnv(s), AWS_PROFILE: 'dev' } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^problem  aws config: ${s.configFile} is a directory, not a file\n         fix: move it away, or set AWS_CONFIG_FILE to the file$`,
        'm',
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(
        `^ok       aws credentials: ${s.credentialsFile} not there \\(fine: the long-term key is in the secret store\\)$`,
        'm',
      ),
    );
    assert.doesNotMatch(r.stdout, /^\w+\s+profile dev:/m, 'no "no mfa_serial" from a file that could not be read');
    assert.match(r.stdout, /^problem  key dev: none stored$/m);
    assert.match(r.stdout, /^2 problems found$/m);
    s.cleanup();
  });

  test(
    'NODE_EXTRA_CA_CERTS, when set: its certificates counted; a missing file or one that does not parse is a problem',
    requireTool('openssl'),
    async () => {
      const s = sandbox();
      await setUpUser(s, emulator);
      const ca = makeCa(s.dir, 'doctor-ca');
      const pem = readFileSync(ca, 'utf8');
      const installed = installedEnv(s);
      const doctor = (file: string) =>
        s.mfaEnv(['doctor'], { env: { ...installed, AWS_PROFILE: 'dev', NODE_EXTRA_CA_CERTS: file } });
      const two = join(s.dir, 'two.pem');
      writeFileSync(two, pem + pem);
      const good = await doctor(two);
      assert.equal(good.code, 0, good.stdout + good.stderr);
      assert.match(good.stdout, new RegExp(`^ok       NODE_EXTRA_CA_CERTS: ${two}: 2 certificates$`, 'm'));
      const missing = await doctor(join(s.dir, 'gone.pem'));
      assert.equal(missing.code, 1, missing.stdout + missing.stderr);
      assert.match(missing.stdout, /^problem  NODE_EXTRA_CA_CERTS: .*gone\.pem/m);
      const broken = join(s.dir, 'broken.pem');
      writeFileSync(broken, pem + '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
      const r = await doctor(broken);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `^problem  NODE_EXTRA_CA_CERTS: certificate 2 of 2 in ${broken} does not parse \\(TLS leaves it out\\)$`,
          'm',
        ),
      );
      const none = join(s.dir, 'none.pem');
      writeFileSync(none, 'not a bundle\n');
      assert.match(
        (await doctor(none)).stdout,
        /^problem  NODE_EXTRA_CA_CERTS: .*none\.pem holds no PEM certificate$/m,
      );
      s.cleanup();
    },
  );

  test('an AWS config file you cannot read (another user’s, made with sudo) is a problem with its fix', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    writeFileSync(s.credentialsFile, '[other]\nregion = eu-west-1\n');
    let r: RunResult;
    if (process.getuid?.() === 0) {
      // root reads any file through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH:
      // run doctor as root without them, and the 000 file is unreadable to it
      // as it would be to its owner (no other user, so any checkout works).
      chmodSync(s.configFile, 0o000);
      r = await runCommand(
        'setpriv',
        ['--bounding-set=-dac_override,-dac_read_search', process.execPath, MFA_ENV, 'doctor'],
        { ...s.env, AWS_PROFILE: 'dev' },
      );
    } else {
      chmodSync(s.configFile, 0o000);
      r = await s.mfaEnv(['doctor'], { env: { AWS_PROFILE: 'dev' } });
    }
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^problem  aws config: cannot read ${s.configFile}: permission denied\n         fix: make it yours and readable \\(made with sudo\\?\\): sudo chown "\\$USER" ${s.configFile} && chmod u\\+r ${s.configFile}$`,
        'm',
      ),
    );
    assert.match(r.stdout, new RegExp(`^ok       aws credentials: ${s.credentialsFile} readable$`, 'm'));
    assert.doesNotMatch(r.stdout, /no mfa_serial/);
    s.cleanup();
  });

  test('AWS_PROFILE=org/admin is one problem with its fix; the other checks still run', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const r = await s.mfaEnv(['doctor'], { env: { ...installedEnv(s), AWS_PROFILE: 'org/admin' } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^problem  profile: AWS_PROFILE 'org\/admin' is not a usable profile name \(letters, digits, \. _ - \+ @\)\n         fix: set AWS_PROFILE to a profile whose name mfa-env accepts, or unset it$/m,
    );
    assert.match(r.stdout, /^ok       secret store: file: /m);
    assert.match(r.stdout, /^ok       aws config: .* readable$/m);
    assert.match(r.stdout, /^ok       shell integration: /m);
    assert.match(r.stdout, /^1 problem found$/m);
    assert.equal(r.stderr, '');
    s.cleanup();
  });

  test('a bad duration_seconds in the current profile is that profile’s problem, with its fix', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    writeFileSync(
      s.configFile,
      readFileSync(s.configFile, 'utf8').replace(/^\[profile dev\]$/m, '[profile dev]\nduration_seconds = 5'),
    );
    const r = await s.mfaEnv(['doctor'], { env: { ...installedEnv(s), AWS_PROFILE: 'dev' } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^problem  profile dev: duration_seconds in profile 'dev' 5s is outside STS's range .*\n         fix: fix duration_seconds in /m,
    );
    assert.match(r.stdout, /^ok       key dev: stored \(AKIA…[A-Z0-9]{4}\)$/m);
    assert.match(r.stdout, /^1 problem found$/m);
    s.cleanup();
  });

  test('a duration under 30 minutes is a warning (exit 0) for a plain profile and a role, with what it costs and the fix', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const config = readFileSync(s.configFile, 'utf8');
    writeFileSync(
      s.configFile,
      config.replace(/^\[profile dev\]$/m, '[profile dev]\nduration_seconds = 1200') +
        `\n[profile prod]\nrole_arn = arn:aws:iam::${user.accountId}:role/admin\nsource_profile = dev\nduration_seconds = 900\n` +
        `\n[profile long]\nrole_arn = arn:aws:iam::${user.accountId}:role/admin\nsource_profile = dev\nduration_seconds = 1800\n`,
    );
    const installed = installedEnv(s);
    const r = await s.mfaEnv(['doctor'], { env: { ...installed, AWS_PROFILE: 'prod' } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^warning  duration prod: duration_seconds = 900: SDKs refresh credentials 15 minutes before they end, so through credential_process or mfa-exec --server every call gets new ones \(another AssumeRole each time\)\n         fix: set duration_seconds to 1800 or more in \[profile prod\], or remove it \(default 1 h\)$/m,
    );
    assert.match(
      r.stdout,
      /^warning  duration dev: duration_seconds = 1200: .* an SDK can use each for 5 min \(then a new MFA code\)\n         fix: set duration_seconds to 1800 or more in \[profile dev\], or remove it \(default 12 h\)$/m,
    );
    assert.equal(r.stdout.match(/^warning  duration dev:/gm)?.length, 1, 'said once, though prod brings dev along');
    const long = await s.mfaEnv(['doctor', '-p', 'long'], { env: installed });
    assert.doesNotMatch(long.stdout, /duration long/, '1800 s leaves an SDK 15 minutes: no warning');
    assert.match(r.stdout, /^all good, 2 warnings$/m);
    const typo = await s.mfaEnv(['doctor', '-p', 'prdo'], { env: installed });
    assert.match(
      typo.stdout,
      /^problem  profile prdo: not in the AWS config or credentials file; did you mean prod\?$/m,
    );
    s.cleanup();
  });
});

describe('status, logout, unset', () => {
  test('logout on a terminal prints no unset lines (they clear nothing there) and says what clears the shell; a typo gets did-you-mean', async () => {
    const s = sandbox();
    await setUpUser(s, emulator);
    const r = await runCommand(
      'script',
      ['-qec', `'${process.execPath}' '${MFA_ENV}' logout -p dve 2>&1`, '/dev/null'],
      s.env,
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /mfa-env: no cached session to delete \(no profile 'dve'; did you mean dev\?\)/);
    assert.match(r.stdout, /mfa logout \(or eval "\$\(mfa-env logout\)"\)/);
    assert.doesNotMatch(r.stdout, /^unset /m);
    // Into a pipe (eval "$(…)"): the lines, as before.
    const piped = await s.mfaEnv(['logout', '-p', 'dev']);
    assert.match(piped.stdout, /^unset AWS_SESSION_TOKEN$/m);
    s.cleanup();
  });

  test('status shows the profile, the masked key, the device, the time left and this shell', async () => {
    const s = sandbox();
    const user = await setUpUser(s, emulator);
    const none = await s.mfaEnv(['status']);
    assert.match(none.stdout, /^dev\s+AKIA…\w{4}\s+arn:aws:iam::\d+:mfa\/\S+\s+none$/m);
    const json = JSON.parse(
      (await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-f', 'json', '-d', '2h'])).stdout,
    );
    const r = await s.mfaEnv(['status'], {
      env: {
        MFA_ENV_PROFILE: 'dev',
        MFA_ENV_EXPIRES: String(Date.parse(json.Credentials.Expiration) / 1000),
        AWS_ACCESS_KEY_ID: json.Credentials.AccessKeyId,
      },
    });
    assert.equal(r.code, 0, r.stderr);
    // Both lines compute the time left the same way, from the issued expiry.
    const left = /^this shell: session of 'dev', (1h59m|2h00m) left$/m.exec(r.stdout)?.[1];
    assert.ok(left, r.stdout);
    assert.match(r.stdout, new RegExp(`^dev\\s+AKIA…\\w{4}\\s+\\S+\\s+${left} left \\(this shell\\)$`, 'm'));
    assert.ok(
      !r.stdout.includes(user.accessKeyId) && !r.stdout.includes(json.Credentials.SecretAccessKey),
      'no full key id, no secret',
    );
    s.cleanup();
  });

  test('logout --all forgets every profile’s session and prints unset lines in the asked dialect', async () => {
    const s = sandbox();
    const a = await setUpUser(s, emulator, 'a');
    const b = await setUpUser(s, emulator, 'b');
    assert.equal((await s.mfaEnv(['-p', 'a', '-c', emulator.codeFor(serialOf(a)), '-f', 'json'])).code, 0);
    assert.equal((await s.mfaEnv(['-p', 'b', '-c', emulator.codeFor(serialOf(b)), '-f', 'json'])).code, 0);
    const r = await s.mfaEnv(['logout', '--all', '-s', 'fish']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /deleted the cached session of 'a', 'b'/);
    assert.match(r.stdout, /^set -e AWS_SESSION_TOKEN;$/m);
    assert.match(r.stdout, /^set -e MFA_ENV_EXPIRES;$/m);
    const status = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout);
    assert.deepEqual(
      status.profiles.map((p: { session: unknown }) => p.session),
      [null, null],
    );
    const calls = emulator.count('GetSessionToken');
    const again = await s.mfaEnv(['-p', 'a', '-s', 'bash']);
    assert.equal(again.code, 2, 'no cached session any more: a code is needed');
    assert.equal(emulator.count('GetSessionToken'), calls);
    s.cleanup();
  });

  test('logout --all also deletes the session of a profile no longer in the AWS files', async () => {
    const s = sandbox();
    await mint(s, 'a', await setUpUser(s, emulator, 'a'));
    await mint(s, 'old', await setUpUser(s, emulator, 'old'));
    dropProfile(s, 'old');
    const r = await s.mfaEnv(['logout', '--all', '-s', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mfa-env: deleted the cached session of 'a', 'old'$/m);
    assert.match(r.stdout, /^unset AWS_SESSION_TOKEN$/m);
    const status = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout);
    assert.deepEqual(
      status.profiles.map((p: { profile: string; keyId: string | null; session: unknown }) => [
        p.profile,
        p.keyId !== null,
        p.session,
      ]),
      [
        ['a', true, null],
        ['old', true, null],
      ],
      'the sessions are gone, the long-term keys stay',
    );
    const again = await s.mfaEnv(['logout', '--all', '-s', 'bash']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^mfa-env: no cached session to delete$/m);
    s.cleanup();
  });

  test('status also shows a profile that left the AWS files but still has a key and a session', async () => {
    const s = sandbox();
    await setUpUser(s, emulator, 'a');
    await mint(s, 'old', await setUpUser(s, emulator, 'old'));
    dropProfile(s, 'old');
    const r = await s.mfaEnv(['status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^a\s+AKIA…\w{4}\s+arn:aws:iam::\d+:mfa\/\S+\s+none$/m);
    assert.match(r.stdout, /^old\s+AKIA…\w{4}\s+none\s+\d+h\d{2}m left$/m);
    assert.match(r.stdout, /^not in the AWS files: 'old' \(mfa-env remove --profile NAME deletes what is stored\)$/m);
    const json = JSON.parse((await s.mfaEnv(['status', '--json'])).stdout);
    assert.deepEqual(
      json.profiles.map((p: { profile: string; mfaSerial: string | null; session: unknown }) => [
        p.profile,
        p.mfaSerial !== null,
        p.session !== null,
      ]),
      [
        ['a', true, false],
        ['old', false, true],
      ],
    );
    s.cleanup();
  });

  test('status reads the store once, however many profiles there are', requireTool('strace'), async () => {
    const s = sandbox();
    for (const p of ['a', 'b', 'c']) await setUpUser(s, emulator, p);
    const trace = join(s.dir, 'openat.trace');
    const r = await runCommand(
      'strace',
      ['-f', '-e', 'trace=openat', '-o', trace, process.execPath, MFA_ENV, 'status'],
      s.env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^c\s+AKIA…/m);
    const reads = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('store.enc"'));
    assert.equal(reads.length, 1, reads.join('\n'));
    s.cleanup();
  });

  test('unset prints the same variables for every dialect, and nothing else', async () => {
    const s = sandbox();
    const names = (out: string, re: RegExp) => [...out.matchAll(re)].map((m) => m[1]);
    const bash = await s.mfaEnv(['unset', '-s', 'bash']);
    const fish = await s.mfaEnv(['unset', '-s', 'fish']);
    const pwsh = await s.mfaEnv(['unset', '-s', 'powershell']);
    const expected = names(bash.stdout, /^unset (\w+)$/gm);
    assert.ok(expected.includes('AWS_SECRET_ACCESS_KEY') && expected.includes('MFA_ENV_PROFILE'));
    assert.ok(!expected.includes('AWS_PROFILE') && !expected.includes('AWS_REGION'), 'the user’s own settings stay');
    assert.deepEqual(names(fish.stdout, /^set -e (\w+);$/gm), expected);
    assert.deepEqual(names(pwsh.stdout, /^Remove-Item Env:(\w+) -ErrorAction SilentlyContinue$/gm), expected);
    assert.equal(bash.stdout.trimEnd().split('\n').length, expected.length);
    s.cleanup();
  });
});

describe('a profile mfa-env cannot use stops only itself', () => {
  test('a bad duration_seconds in another profile: status and logout --all work, that profile’s export is exit 2', async () => {
    const s = sandbox();
    const a = await setUpUser(s, emulator, 'a');
    await mint(s, 'a', a);
    writeFileSync(
      s.configFile,
      `${readFileSync(s.configFile, 'utf8')}[profile broken]\nmfa_serial = ${serialOf(a)}\nduration_seconds = forever\n`,
    );
    const status = await s.mfaEnv(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^a\s+AKIA…\w{4}\s+arn:\S+\s+\d+h\d{2}m left$/m);
    assert.match(status.stdout, /^broken\s+not stored\s+arn:\S+\s+none$/m);
    assert.equal((await s.mfaEnv(['-p', 'a', '-s', 'bash'])).code, 0, 'the cached session of a still exports');
    const broken = await s.mfaEnv(['-p', 'broken', '-c', emulator.codeFor(serialOf(a)), '-s', 'bash']);
    assert.equal(broken.code, 2, broken.stderr);
    assert.match(broken.stderr, /duration_seconds in profile 'broken' 'forever' is not a duration/);
    assert.match(broken.stderr, /fix duration_seconds in .*config/);
    const logout = await s.mfaEnv(['logout', '--all', '-s', 'bash']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /deleted the cached session of 'a'$/m);
    s.cleanup();
  });

  test('AWS_PROFILE=org/admin: status and logout --all skip it; export and logout are exit 2 naming AWS_PROFILE', async () => {
    const s = sandbox();
    await mint(s, 'a', await setUpUser(s, emulator, 'a'));
    const env = { AWS_PROFILE: 'org/admin' };
    const status = await s.mfaEnv(['status'], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^a\s+AKIA…\w{4}\s+arn:\S+\s+\d+h\d{2}m left$/m);
    assert.doesNotMatch(status.stdout, /org\/admin/);
    for (const args of [
      ['-c', '123456', '-s', 'bash'],
      ['logout', '-s', 'bash'],
    ]) {
      const r = await s.mfaEnv(args, { env });
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^mfa-env: AWS_PROFILE 'org\/admin' is not a usable profile name \(letters, digits, \. _ - \+ @\)\nmfa-env: use a profile whose name mfa-env accepts \(--profile NAME, or set AWS_PROFILE to it\)\n$/,
      );
    }
    const logout = await s.mfaEnv(['logout', '--all', '-s', 'bash'], { env });
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /deleted the cached session of 'a'$/m);
    assert.match(logout.stdout, /^unset AWS_SESSION_TOKEN$/m);
    s.cleanup();
  });

  test('__proto__, constructor and prototype are refused as profile names, and setup writes nothing for them', async () => {
    const s = sandbox();
    const a = await setUpUser(s, emulator, 'a');
    const config = readFileSync(s.configFile, 'utf8');
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const r = await s.mfaEnv(
        ['setup', '--profile', name, '--access-key-id', a.accessKeyId, '--secret-stdin', '--mfa-serial', serialOf(a)],
        { input: a.secretAccessKey },
      );
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`'${name}' is not a usable profile name \\(__proto__, constructor and prototype are reserved\\)`),
      );
      const exp = await s.mfaEnv(['-p', name, '-c', '123456', '-s', 'bash']);
      assert.equal(exp.code, 2, exp.stderr);
      assert.match(exp.stderr, /reserved/);
    }
    // [profile __proto__] in the config file would make the AWS SDK's reader drop the whole file.
    assert.equal(readFileSync(s.configFile, 'utf8'), config);
    await mint(s, 'a', a);
    s.cleanup();
  });

  test('a profile named like an Object method (toString) is read from the files, not from Object.prototype', async () => {
    const s = sandbox();
    const missing = await s.mfaEnv(['-p', 'toString', '-c', '123456', '-s', 'bash']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^mfa-env: profile 'toString' is not set up$/m);
    const user = await setUpUser(s, emulator, 'toString');
    await mint(s, 'toString', user);
    const status = await s.mfaEnv(['status']);
    assert.match(status.stdout, /^toString\s+AKIA…\w{4}\s+arn:\S+\s+\d+h\d{2}m left$/m);
    s.cleanup();
  });
});

describe('status and logout --all on the Secret Service', requireTool('dbus-daemon', 'gnome-keyring-daemon'), () => {
  test('both see every profile in the keychain, also one no longer in the AWS files', async () => {
    const ss = await startSecretService();
    try {
      const s = makeSandbox({ env: { ...ss.env, MFA_ENV_STORE: 'keychain', AWS_ENDPOINT_URL: emulator.url } });
      await mint(s, 'a', await setUpUser(s, emulator, 'a'));
      await mint(s, 'old', await setUpUser(s, emulator, 'old'));
      dropProfile(s, 'old');
      const status = await s.mfaEnv(['status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^store: keychain \(Secret Service\)$/m);
      assert.match(status.stdout, /^a\s+AKIA…\w{4}\s+arn:\S+\s+\d+h\d{2}m left$/m);
      assert.match(status.stdout, /^old\s+AKIA…\w{4}\s+none\s+\d+h\d{2}m left$/m);
      const r = await s.mfaEnv(['logout', '--all', '-s', 'bash']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^mfa-env: deleted the cached session of 'a', 'old'$/m);
      const after = await s.mfaEnv(['status']);
      assert.match(after.stdout, /^old\s+AKIA…\w{4}\s+none\s+none$/m);
      s.cleanup();
    } finally {
      await ss.stop();
    }
  });
});

describe('init and completion', () => {
  test('init prints the files from shell/ byte for byte', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('../helpers/cli.js');
    const s = makeSandbox();
    for (const [shell, file] of [
      ['bash', 'mfa-env.bash'],
      ['zsh', 'mfa-env.zsh'],
      ['fish', 'mfa-env.fish'],
      ['powershell', 'mfa-env.ps1'],
    ]) {
      const r = await s.mfaEnv(['init', shell!]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(`${ROOT}/shell/${file}`, 'utf8'), shell);
    }
    const bad = await s.mfaEnv(['init', 'tcsh']);
    assert.equal(bad.code, 2);
    s.cleanup();
  });

  test('completion answers yargs’s protocol with commands and options, and never runs an export', async () => {
    const s = sandbox();
    const cmds = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '']);
    assert.equal(cmds.code, 0, cmds.stderr);
    for (const c of ['setup', 'status', 'logout', 'doctor', 'demo'])
      assert.match(cmds.stdout, new RegExp(`^${c}`, 'm'));
    const opts = await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'setup', '--']);
    assert.match(opts.stdout, /--access-key-id/);
    assert.match(opts.stdout, /--mfa-serial/);
    // Completion comes with `init` (the shell files): no second way to load it.
    const script = await s.mfaEnv(['completion']);
    assert.equal(script.code, 2);
    assert.equal(script.stdout, '');
    assert.match(script.stderr, /unknown command completion\n.*mfa-env init bash\|zsh\|fish\|powershell/);
    s.cleanup();
  });

  test('completion offers the default command’s options (mfa -<TAB>), as -p and --no-cache, never --p or --cache', async () => {
    const s = sandbox();
    const words = (r: { stdout: string }) => r.stdout.trim().split('\n');
    const bare = words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', '-']));
    for (const w of [
      '--profile',
      '-p',
      '--code',
      '--duration',
      '--refresh',
      '--no-cache',
      '--shell',
      '--format',
      '--write-profile',
    ])
      assert.ok(bare.includes(w), `${w} in ${bare.join(' ')}`);
    const inSetup = words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'setup', '-']));
    assert.ok(
      inSetup.includes('--access-key-id') && !inSetup.includes('--write-profile'),
      'a command’s own options only',
    );
    const all = [...bare, ...words(await s.mfaEnv(['--get-yargs-completions', 'mfa-env', 'export', '--']))];
    assert.ok(!all.some((w) => /^--.$/.test(w) || w === '--cache'), all.join(' '));
    s.cleanup();
  });

  test('mfa-exec answers completion too: its options before --, nothing after', async () => {
    const s = sandbox();
    const before = await s.mfaExec(['--get-yargs-completions', 'mfa-exec', '-p', 'dev', '-']);
    assert.equal(before.code, 0, before.stderr);
    const words = before.stdout.trim().split('\n');
    for (const w of ['--profile', '--code', '--refresh', '--no-cache', '--force', '--help'])
      assert.ok(words.includes(w), `${w} in ${words.join(' ')}`);
    assert.ok(!words.includes('--write-profile') && !words.includes('--shell'), 'only what mfa-exec takes');
    const after = await s.mfaExec(['--get-yargs-completions', 'mfa-exec', '--', 'ls', '-']);
    assert.equal(after.code, 0);
    assert.equal(after.stdout, '', 'after -- the shell completes the command itself');
    s.cleanup();
  });
});
