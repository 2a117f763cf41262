// NODE_EXTRA_CA_CERTS through the launchers (dist/mfa-env, dist/mfa-exec,
// written by scripts/build.mjs): Node does not load the file when it starts
// (it would parse every certificate on every shell start), mfa-env loads it
// when it calls AWS, and every process mfa-env starts sees the variable as the
// caller set it. Against the emulator over HTTPS with a certificate from a
// private CA, made here with openssl.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, ROOT, runCommand, type RunResult, type Sandbox } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { makeCa, makeServerCertificate } from '../helpers/tls.js';
import { serialOf, setUpUser } from '../helpers/users.js';

const LAUNCHER = join(ROOT, 'dist', 'mfa-env');
const EXEC_LAUNCHER = join(ROOT, 'dist', 'mfa-exec');
const NODE_WARNING = /Ignoring extra certs from/;
const needs = requireTool('openssl');

let certs: string;
let caFile: string;
/** Another CA, which signed nothing the emulator shows. */
let otherCaFile: string;
let emulator: Emulator;

before(async () => {
  if (needs.skip) return;
  certs = mkdtempSync(join(tmpdir(), 'mfa-env-ca-'));
  const made = makeServerCertificate(certs);
  caFile = made.ca;
  otherCaFile = makeCa(certs, 'other');
  emulator = await startEmulator({ tls: { key: made.key, cert: made.cert } });
});
after(async () => {
  await emulator?.close();
  if (certs) rmSync(certs, { recursive: true, force: true });
});

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

/**
 * A profile set up against the HTTPS emulator. setup checks the key with STS,
 * so it runs with the CA; the sandbox is left without it for the tests.
 */
async function setUp(): Promise<{ s: Sandbox; user: EmulatorUser }> {
  const s = emulatorSandbox(emulator.url);
  sandboxes.push(s);
  s.env.NODE_EXTRA_CA_CERTS = caFile;
  const user = await setUpUser(s, emulator, 'dev', ['--region', 'eu-west-1']);
  delete s.env.NODE_EXTRA_CA_CERTS;
  return { s, user };
}

const launch = (s: Sandbox, args: string[], env: Record<string, string | undefined>): Promise<RunResult> =>
  runCommand(LAUNCHER, args, s.env, { env });

describe('NODE_EXTRA_CA_CERTS through the launcher', needs, () => {
  test('a mint over HTTPS trusts the CA the variable names, loaded only for the call', async () => {
    const { s, user } = await setUp();
    // Without the CA the emulator's certificate is not trusted: the CA is what makes the next run work.
    const untrusted = await launch(s, ['-p', 'dev', '--code', emulator.codeFor(serialOf(user))], {});
    assert.equal(untrusted.code, 5, untrusted.stderr);
    assert.match(untrusted.stderr, /securely/);
    const r = await launch(s, ['-p', 'dev', '--code', emulator.codeFor(serialOf(user))], {
      NODE_EXTRA_CA_CERTS: caFile,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^export AWS_SESSION_TOKEN=/m);
    assert.match(
      r.stderr,
      /^mfa-env: profile dev, eu-west-1, \S+ left \(minted\)\n$/,
      'the minted line alone: no warning',
    );
  });

  test('a cached run does not load the file: a missing one draws no warning, where Node run directly warns', async () => {
    const { s, user } = await setUp();
    const minted = await launch(s, ['-p', 'dev', '--code', emulator.codeFor(serialOf(user))], {
      NODE_EXTRA_CA_CERTS: caFile,
    });
    assert.equal(minted.code, 0, minted.stderr);
    const missing = join(certs, 'no-such-bundle.pem');
    const direct = await s.mfaEnv(['-p', 'dev'], { env: { NODE_EXTRA_CA_CERTS: missing } });
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stderr, NODE_WARNING, 'node dist/mfa-env.js loads the file as it starts');
    const launched = await launch(s, ['-p', 'dev'], { NODE_EXTRA_CA_CERTS: missing });
    assert.equal(launched.code, 0, launched.stderr);
    assert.equal(launched.stderr, '');
    assert.match(launched.stdout, /^export AWS_SESSION_TOKEN=/m);
  });

  test('the file is added to the store Node defaults to: with --use-openssl-ca, the system store (SSL_CERT_FILE) still counts', async () => {
    const { s, user } = await setUp();
    // The emulator's CA is only in the "system" store; the variable names another CA.
    const env = { NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: caFile, NODE_EXTRA_CA_CERTS: otherCaFile };
    const r = await launch(s, ['-p', 'dev', '--code', emulator.codeFor(serialOf(user))], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^export AWS_SESSION_TOKEN=/m);
    // And Node on its own agrees: the check is not vacuous.
    const direct = await s.mfaEnv(['-p', 'dev', '--refresh', '--code', emulator.codeFor(serialOf(user))], { env });
    assert.equal(direct.code, 0, direct.stderr);
  });

  test('setup finds the MFA device with IAM over HTTPS through the launcher', async () => {
    const s = emulatorSandbox(emulator.url);
    sandboxes.push(s);
    const user = makeUser();
    emulator.addUser(user);
    const r = await runCommand(
      LAUNCHER,
      ['setup', '-p', 'found', '--access-key-id', user.accessKeyId, '--secret-stdin'],
      s.env,
      {
        env: { NODE_EXTRA_CA_CERTS: caFile },
        input: user.secretAccessKey,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`found MFA device ${serialOf(user)}`));
    assert.equal(emulator.count('ListMFADevices', 'ok') > 0, true);
  });

  test('mfa_process sees NODE_EXTRA_CA_CERTS as the caller set it', async () => {
    const { s, user } = await setUp();
    const seen = join(s.dir, 'seen');
    appendFileSync(
      s.configFile,
      `mfa_process = printf '%s|%s' "$NODE_EXTRA_CA_CERTS" "\${MFA_ENV_NODE_EXTRA_CA_CERTS-unset}" > '${seen}'; echo ${emulator.codeFor(serialOf(user))}\n`,
    );
    const r = await launch(s, ['-p', 'dev'], { NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(seen, 'utf8'), `${caFile}|unset`);
  });

  test('a launcher whose checkout has moved says so, exit 1', () => {
    const moved = join(certs, 'moved');
    const text = readFileSync(LAUNCHER, 'utf8').replaceAll(join(ROOT, 'dist'), join(certs, 'gone', 'dist'));
    writeFileSync(moved, text, { mode: 0o755 });
    const r = spawnSync(moved, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `mfa-env: ${join(certs, 'gone', 'dist', 'mfa-env.js')} is gone (checkout moved?): run npm run build, or ./install.sh, where it is now\n`,
    );
  });

  test('a file that cannot be read is ignored with a one-line warning, as Node does, and the call goes on', async () => {
    const { s, user } = await setUp();
    const missing = join(certs, 'gone.pem');
    const r = await launch(s, ['-p', 'dev', '--code', emulator.codeFor(serialOf(user))], {
      NODE_EXTRA_CA_CERTS: missing,
    });
    assert.equal(r.code, 5, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      new RegExp(`^mfa-env: warning: ignoring extra certs from '${missing}' \\(NODE_EXTRA_CA_CERTS\\): ENOENT$`),
    );
    assert.match(lines[1]!, /could not talk to https:\/\/127\.0\.0\.1:\d+ securely/);
    // mfa-exec says it in its own name.
    const exec = await runCommand(
      EXEC_LAUNCHER,
      ['-p', 'dev', '--code', emulator.codeFor(serialOf(user)), '--', 'true'],
      s.env,
      { env: { NODE_EXTRA_CA_CERTS: missing } },
    );
    assert.equal(exec.code, 5, exec.stderr);
    assert.match(exec.stderr, /^mfa-exec: warning: ignoring extra certs from /);
  });

  test('mfa-exec: the command gets NODE_EXTRA_CA_CERTS as the caller set it, and nothing of the launcher', async () => {
    const { s, user } = await setUp();
    const show = ['sh', '-c', 'printf "%s|%s" "$NODE_EXTRA_CA_CERTS" "${MFA_ENV_NODE_EXTRA_CA_CERTS-unset}"'];
    const r = await runCommand(
      EXEC_LAUNCHER,
      ['-p', 'dev', '--code', emulator.codeFor(serialOf(user)), '--', ...show],
      s.env,
      { env: { NODE_EXTRA_CA_CERTS: caFile } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${caFile}|unset`);
    // Unset stays unset.
    const none = await runCommand(
      EXEC_LAUNCHER,
      [
        '-p',
        'dev',
        '--',
        'sh',
        '-c',
        'printf "%s|%s" "${NODE_EXTRA_CA_CERTS-unset}" "${MFA_ENV_NODE_EXTRA_CA_CERTS-unset}"',
      ],
      s.env,
      {
        env: { NODE_EXTRA_CA_CERTS: undefined, MFA_ENV_NODE_EXTRA_CA_CERTS: '/stray' },
      },
    );
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, 'unset|unset');
  });
});
