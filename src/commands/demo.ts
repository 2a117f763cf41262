import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { editSection, sectionFor } from '../config/ini-edit.js';
import { updateAwsFile } from '../config/edit-files.js';
import { sessionEnvironment } from '../session/environment.js';
import { saveLongTermKey } from '../session/long-term-key.js';
import { openStore } from '../store/index.js';
import { detectDialect } from '../shells/detect.js';
import { dialects } from '../shells/index.js';
import type { Dialect, ShellDialect } from '../shells/types.js';
import { maskKeyId } from './mask.js';
import { sessionFromArgs } from './session.js';

const PROFILE = 'demo';
const SECRET_NAMES = new Set(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);

/** How the user's shell evaluates mfa-env's output. */
const evalLine = (dialect: Dialect, args: string) =>
  ({
    bash: `eval "$(mfa-env${args})"`,
    zsh: `eval "$(mfa-env${args})"`,
    fish: `mfa-env${args} | source`,
    powershell: `mfa-env${args} | Out-String | Invoke-Expression`,
  })[dialect];

function show(dialect: ShellDialect, name: string, value: string | undefined): string {
  if (value === undefined) return `     ${dialect.unset(name)}`;
  // Throwaway credentials from a local emulator, but a demo still teaches
  // the habit: secrets are never printed whole.
  const shown = SECRET_NAMES.has(name) ? `${value.slice(0, 6)}…(${value.length} characters)` : value;
  return `     ${dialect.set(name, shown)}`;
}

/**
 * The whole flow against the STS/IAM emulator of src/demo/emulator, in this
 * process, with a throwaway encrypted file store and AWS config: no account,
 * no keychain, nothing of the user's touched.
 */
export async function demoCommand(): Promise<number> {
  const started = Date.now();
  // In the syntax of the shell it runs in (fish prints fish).
  const shell = detectDialect();
  const { startEmulator, makeUser } = await import('../demo/emulator/server.js');
  const user = makeUser('demo');
  const emulator = await startEmulator({ users: [user] });
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-demo-'));
  const say = (line = '') => process.stdout.write(line + '\n');
  try {
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      MFA_ENV_STORE: 'file',
      MFA_ENV_STORE_DIR: join(dir, 'store'),
      MFA_ENV_FILE_PASSPHRASE: randomBytes(16).toString('hex'),
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: 'us-east-1',
    });
    // The emulator is on this machine's loopback: a proxy from the environment is not the way to it.
    for (const name of [
      'AWS_PROFILE',
      'AWS_ENDPOINT_URL_STS',
      'AWS_ENDPOINT_URL_IAM',
      'AWS_DEFAULT_REGION',
      'http_proxy',
      'HTTP_PROXY',
    ])
      delete process.env[name];

    say(`mfa-env demo: a local STS/IAM emulator listens on ${emulator.url}; no AWS account is involved.`);
    say(`Everything lives in ${dir} and is deleted at the end.`);
    say();

    say('1. mfa-env setup');
    const key = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    const store = openStore();
    await saveLongTermKey(store, PROFILE, key);
    say(
      `   stored the demo user's long-term key ${maskKeyId(key.accessKeyId)} in an encrypted store (AES-256-GCM, scrypt)`,
    );
    const { listMfaDevices } = await import('../aws/iam.js');
    const [device] = await listMfaDevices(key, 'us-east-1');
    await updateAwsFile(process.env.AWS_CONFIG_FILE!, (t) =>
      editSection(t, sectionFor(PROFILE, 'config'), { mfa_serial: device!.serialNumber, region: 'us-east-1' }),
    );
    say(`   discovered the MFA device with IAM ListMFADevices: ${device!.serialNumber}`);
    say(`   wrote mfa_serial and region to [profile ${PROFILE}] of the AWS config file`);
    say();

    const code = emulator.codeFor(device!.serialNumber);
    say(`2. ${evalLine(shell, ` -p ${PROFILE}`)}`);
    say(`   the demo authenticator shows ${code}; mfa-env sends it with GetSessionToken`);
    const first = await sessionFromArgs({ profile: PROFILE, code });
    say(`   STS issued a session until ${first.session.expiration.toISOString()}; your shell would run:`);
    for (const [name, value] of sessionEnvironment(first.session, PROFILE, first.region))
      say(show(dialects[shell], name, value));
    say();

    say(`3. ${evalLine(shell, ` -p ${PROFILE}`)} again, in another shell`);
    const second = await sessionFromArgs({ profile: PROFILE });
    say(
      `   ${second.source === 'cache' ? 'reused the cached session: no code asked' : 'minted again (unexpected)'}; STS GetSessionToken calls so far: ${emulator.count('GetSessionToken', 'ok')}`,
    );
    say();

    say('4. aws sts get-caller-identity, with the session');
    const { getCallerIdentity } = await import('../aws/sts.js');
    const id = await getCallerIdentity(second.session, 'us-east-1');
    say(`   ${id.arn}`);
    say();
    say(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. For your own account: mfa-env setup, then ${evalLine(shell, '')} (or mfa).`,
    );
    return 0;
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
