import { readFileSync } from 'node:fs';
import { editSection, readSection, sectionFor } from '../config/ini-edit.js';
import { pathOf, readText, updateAwsFile } from '../config/edit-files.js';
import { assertReadable, assertWritable, awsFileError } from '../config/file-errors.js';
import { readProfile, resolveProfileName } from '../config/profiles.js';
import { checkAccessKeyId, checkMfaSerial, checkRegion, checkSecretAccessKey, fidoError, isFidoSerial } from '../config/validate.js';
import { ExitCode, MfaEnvError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { ask } from '../prompts/ask.js';
import { forgetSession } from '../session/cache.js';
import { findLongTermKey, saveLongTermKey } from '../session/long-term-key.js';
import type { LongTermKey } from '../session/types.js';
import { openStore } from '../store/index.js';
import { maskKeyId } from './mask.js';

export interface SetupArgs {
  profile?: string;
  accessKeyId?: string;
  secretStdin?: boolean;
  mfaSerial?: string;
  region?: string;
  import?: boolean;
  removePlaintext?: boolean;
  /** Also write `[profile NAME]` with credential_process (alone when the profile is already set up). */
  credentialProcess?: string;
  force?: boolean;
}

const noTerminal = (what: string) => () =>
  new UsageError(`${what} is needed and there is no terminal to ask on`, 'pass --access-key-id ID --secret-stdin --mfa-serial ARN (see mfa-env setup --help)');

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    throw new UsageError('--secret-stdin: could not read stdin', 'pipe the secret in: printf %s "$SECRET" | mfa-env setup …');
  }
}

/** Everything checked before anything is written: a bad input changes nothing. */
async function gatherKey(args: SetupArgs, profile: string): Promise<LongTermKey> {
  if (args.import) {
    if (args.accessKeyId || args.secretStdin) throw new UsageError('--import takes the key from the credentials file; drop --access-key-id/--secret-stdin', 'see mfa-env setup --help');
    const p = await readProfile(profile);
    if (!p.plaintext?.accessKeyId || !p.plaintext.secretAccessKey) {
      throw new UsageError(`no aws_access_key_id/aws_secret_access_key in [${profile}] of ${pathOf('credentials')}`, 'pass --access-key-id ID --secret-stdin instead');
    }
    if (p.plaintext.sessionToken) {
      throw new UsageError(`[${profile}] in ${pathOf('credentials')} holds a temporary session, not a long-term key`, 'import the profile that has the AKIA… key');
    }
    return { accessKeyId: checkAccessKeyId(p.plaintext.accessKeyId), secretAccessKey: checkSecretAccessKey(p.plaintext.secretAccessKey) };
  }
  if (args.secretStdin && !args.accessKeyId) throw new UsageError('--secret-stdin needs --access-key-id', 'see mfa-env setup --help');
  const accessKeyId = checkAccessKeyId(
    args.accessKeyId ??
      (await ask<string>({ type: 'text', message: 'Access key id (AKIA…)', validate: (v: string) => /^\s*AKIA[A-Z0-9]{16}\s*$/.test(v) || 'AKIA followed by 16 letters or digits' }, noTerminal('an access key id'))),
  );
  const secret = args.secretStdin
    ? readStdin()
    : await ask<string>({ type: 'invisible', message: 'Secret access key (hidden)' }, noTerminal('the secret access key'));
  return { accessKeyId, secretAccessKey: checkSecretAccessKey(secret) };
}

async function chooseSerial(args: SetupArgs, profile: string, key: LongTermKey, region: string | undefined): Promise<string> {
  if (args.mfaSerial) return checkMfaSerial(args.mfaSerial, profile);
  const { listMfaDevices } = await import('../aws/iam.js');
  const listed = await listMfaDevices(key, region).catch((err: unknown) => {
    // IAM said no (no iam:ListMFADevices permission, an IAM look-alike): the user can still name the device.
    if (err instanceof MfaEnvError && (err.exitCode === ExitCode.awsRefused || err.exitCode === ExitCode.unexpected)) {
      throw new MfaEnvError(
        `could not discover the MFA device: ${err.message}`,
        err.exitCode,
        'pass --mfa-serial ARN (IAM console → Users → Security credentials); nothing was stored',
      );
    }
    throw err;
  });
  // IAM lists FIDO security keys among the MFA devices; GetSessionToken cannot use them.
  const devices = listed.filter((d) => !isFidoSerial(d.serialNumber));
  if (devices.length === 0 && listed.length > 0) throw fidoError(listed[0]!.serialNumber, profile);
  if (devices.length === 0) {
    throw new UsageError(
      'this IAM user has no MFA device',
      'assign one in the IAM console (Users → Security credentials → Assign MFA device), then run setup again; nothing was stored',
    );
  }
  if (devices.length === 1) {
    process.stderr.write(`mfa-env: found MFA device ${devices[0]!.serialNumber}\n`);
    return devices[0]!.serialNumber;
  }
  const serials = devices.map((d) => d.serialNumber);
  return ask<string>(
    { type: 'select', message: 'Which MFA device?', choices: serials.map((s) => ({ title: s, value: s })) },
    () => new UsageError(`this user has ${devices.length} MFA devices: ${serials.join(', ')}`, 'pass --mfa-serial with the one to use'),
  );
}

/** `{ createDate }` of the key, when IAM ListAccessKeys answers with it; else nothing. */
async function createDateOf(key: LongTermKey, region: string | undefined): Promise<{ createDate?: string }> {
  const { listAccessKeys } = await import('../aws/iam.js');
  const listed = await listAccessKeys(key, region).catch(() => []);
  const date = listed.find((k) => k.accessKeyId === key.accessKeyId)?.createDate;
  return date ? { createDate: date.toISOString() } : {};
}

/** Deletes the plaintext key lines, after a backup that has the secret redacted. */
async function removePlaintext(profile: string, key: LongTermKey): Promise<string> {
  const path = pathOf('credentials');
  const section = readSection(readText(path), sectionFor(profile, 'credentials'));
  if (!section?.aws_access_key_id) throw new UsageError(`no plaintext key in [${profile}] of ${path}`, 'nothing to remove');
  if (section.aws_access_key_id !== key.accessKeyId) {
    throw new UsageError(`[${profile}] in ${path} holds a different key than the one stored; left it alone`, 'edit the file by hand');
  }
  const backup = `${path}.mfa-env-backup`;
  await updateAwsFile(path, (text) => {
    // The backup keeps everything but the secret itself: a plaintext copy
    // would undo the point of moving the key into the secret store.
    const redacted = editSection(text, sectionFor(profile, 'credentials'), {
      aws_secret_access_key: '(moved to the mfa-env secret store; mfa-env remove deletes it)',
    });
    try {
      writeFileAtomic(backup, redacted, 0o600);
    } catch (err) {
      throw awsFileError(err, backup, 'write', 'AWS_SHARED_CREDENTIALS_FILE');
    }
    return editSection(text, sectionFor(profile, 'credentials'), { aws_access_key_id: null, aws_secret_access_key: null });
  });
  return backup;
}

export async function setupCommand(args: SetupArgs): Promise<number> {
  const profile = resolveProfileName(args.profile);
  if (args.removePlaintext && !args.import) throw new UsageError('--remove-plaintext goes with --import', 'see mfa-env setup --help');
  if (args.force && args.credentialProcess === undefined) throw new UsageError('--force goes with --credential-process NAME', 'see mfa-env setup --help');
  const region = args.region !== undefined ? checkRegion(args.region) : undefined;
  const cp = args.credentialProcess !== undefined ? await import('./credential-process-profile.js') : undefined;
  const cpTarget = cp?.checkCredentialProcessProfile(args.credentialProcess!, profile, args.force === true);

  const keyFlags = args.accessKeyId !== undefined || args.secretStdin || args.import || args.mfaSerial !== undefined || args.removePlaintext;
  if (cpTarget && !keyFlags && (await isSetUp(profile))) {
    // Only the credential_process profile: the key and device are already in place.
    await cp!.writeCredentialProcessProfile(cpTarget, { explicit: region, inherited: (await readProfile(profile)).region });
    return 0;
  }

  await storeKeyAndDevice(args, profile, region);
  if (cpTarget) await cp!.writeCredentialProcessProfile(cpTarget, { explicit: region, inherited: (await readProfile(profile)).region });
  process.stderr.write(`mfa-env: next: eval "$(mfa-env${profile === 'default' ? '' : ` -p ${profile}`})"\n`);
  return 0;
}

/** A stored key and an mfa_serial: what export needs. */
async function isSetUp(profile: string): Promise<boolean> {
  if (!(await readProfile(profile)).mfaSerial) return false;
  return (await findLongTermKey(openStore(), profile)) !== undefined;
}

async function storeKeyAndDevice(args: SetupArgs, profile: string, region: string | undefined): Promise<void> {
  // Nothing is asked or stored until the files it must write can be written: a setup
  // that stops half-way (key stored, no mfa_serial) is worse than none.
  const configPath = pathOf('config');
  assertReadable(configPath, 'AWS_CONFIG_FILE');
  assertWritable(configPath, 'AWS_CONFIG_FILE');
  if (args.removePlaintext) assertWritable(pathOf('credentials'), 'AWS_SHARED_CREDENTIALS_FILE');

  const key = await gatherKey(args, profile);
  const existing = await readProfile(profile);
  const mfaSerial = await chooseSerial(args, profile, key, region ?? existing.region);
  // IAM was asked already (discovery): ask it the key's age too, for status and doctor. Best effort.
  if (!args.mfaSerial) Object.assign(key, await createDateOf(key, region ?? existing.region));

  const store = openStore();
  await saveLongTermKey(store, profile, key);
  await forgetSession(store, profile); // a new key or device invalidates the cached session

  await updateAwsFile(configPath, (text) =>
    editSection(text, sectionFor(profile, 'config'), { mfa_serial: mfaSerial, ...(region ? { region } : {}) }),
  );
  process.stderr.write(`mfa-env: stored key ${maskKeyId(key.accessKeyId)} for profile '${profile}' in the ${store.location}\n`);
  process.stderr.write(`mfa-env: wrote mfa_serial${region ? ' and region' : ''} to [${sectionFor(profile, 'config')}] in ${configPath}\n`);
  if (args.removePlaintext) {
    const backup = await removePlaintext(profile, key);
    process.stderr.write(`mfa-env: removed the plaintext key from ${pathOf('credentials')} (backup, secret redacted: ${backup})\n`);
  } else if (args.import) {
    process.stderr.write(`mfa-env: the plaintext key is still in ${pathOf('credentials')}; --remove-plaintext deletes it\n`);
  }
}
