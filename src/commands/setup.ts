import { readFileSync, rmSync } from 'node:fs';
import { editSection, inFile, readSection, sectionFor } from '../config/ini-edit.js';
import { pathOf, readText, updateAwsFile } from '../config/edit-files.js';
import { encodeText } from '../config/file-text.js';
import { assertReadable, assertWritable, awsFileError } from '../config/file-errors.js';
import { readProfile, resolveProfileName } from '../config/profiles.js';
import { checkAccessKeyId, checkMfaSerial, checkRegion, checkSecretAccessKey } from '../config/validate.js';
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

async function chooseSerial(args: SetupArgs, key: LongTermKey, region: string | undefined): Promise<string> {
  if (args.mfaSerial) return checkMfaSerial(args.mfaSerial);
  const { listMfaDevices } = await import('../aws/iam.js');
  const devices = await listMfaDevices(key, region).catch((err: unknown) => {
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

/**
 * "line N ([section])" for each line of `text` holding `needle`, except the
 * lines `skip` says go anyway: for "what is left where".
 */
function whereIs(text: string, needle: string, skip: (section: string, line: string) => boolean = () => false): string[] {
  let section = '';
  const found: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) section = header[1]!.trim().replace(/\s+/g, ' ');
    if (line.includes(needle) && !skip(section, line)) found.push(`line ${i + 1} (${section ? `[${section}]` : 'before any section'})`);
  });
  return found;
}

/**
 * The secret is still in a text we would leave behind: a second copy of the
 * key (another profile, a comment, an indented line the SDK reads but the line
 * editor keeps). Reporting "removed" would be a lie: remove nothing.
 */
function secretLeft(file: string, where: string[]): UsageError {
  return new UsageError(
    `--remove-plaintext: the secret access key would still be in ${file} at ${where.join(', ')}; removed nothing`,
    'delete it there by hand (mfa-env does not need the plaintext), then run this again',
  );
}

/**
 * The credentials text without the key lines of section `name`, and the
 * backup's text (the secret redacted); secretLeft when the secret would
 * remain in either.
 */
function withoutPlaintext(text: string, name: string, key: LongTermKey, path: string): { after: string; redacted: string } {
  // The backup keeps everything but the secret itself: a plaintext copy
  // would undo the point of moving the key into the secret store.
  const redacted = editSection(text, name, {
    aws_secret_access_key: '(moved to the mfa-env secret store; mfa-env remove deletes it)',
  });
  const after = editSection(text, name, { aws_access_key_id: null, aws_secret_access_key: null });
  if (after.includes(key.secretAccessKey)) {
    // Named by their lines in the file as it is: all but the one that goes.
    throw secretLeft(path, whereIs(text, key.secretAccessKey, (section, line) => section === name && /^aws_secret_access_key\s*[=:]/i.test(line)));
  }
  return { after, redacted };
}

/**
 * Deletes the plaintext key lines, after a backup that has the secret
 * redacted, and checks the result the way the SDK reads it: the secret in
 * neither the file nor the backup, the profile with no key left. Otherwise
 * nothing stays changed and the error says where the secret is.
 */
async function removePlaintext(profile: string, key: LongTermKey): Promise<string> {
  const path = pathOf('credentials');
  const name = sectionFor(profile, 'credentials');
  let section: Record<string, string> | undefined;
  try {
    section = readSection(readText(path), name);
  } catch (err) {
    throw inFile(err, path);
  }
  if (!section?.aws_access_key_id) throw new UsageError(`no plaintext key in [${profile}] of ${path}`, 'nothing to remove');
  if (section.aws_access_key_id !== key.accessKeyId) {
    throw new UsageError(`[${profile}] in ${path} holds a different key than the one stored; left it alone`, 'edit the file by hand');
  }
  const backup = `${path}.mfa-env-backup`;
  let original = '';
  let edited = '';
  await updateAwsFile(path, (text) => {
    const { after, redacted } = withoutPlaintext(text, name, key, path);
    try {
      writeFileAtomic(backup, encodeText(redacted), 0o600);
    } catch (err) {
      throw awsFileError(err, backup, 'write', 'AWS_SHARED_CREDENTIALS_FILE');
    }
    original = text;
    edited = after;
    return after;
  });
  await verifyRemoved(profile, key, path, backup, original, edited);
  return backup;
}

/** Read back as the SDK reads it; on any doubt, put the file back as it was and say so. */
async function verifyRemoved(profile: string, key: LongTermKey, path: string, backup: string, original: string, edited: string): Promise<void> {
  const problems: string[] = [];
  const p = await readProfile(profile);
  if (p.plaintext?.secretAccessKey) problems.push(`[${profile}] still has aws_secret_access_key as the SDK reads ${path}`);
  for (const file of [path, backup]) {
    const where = whereIs(readText(file), key.secretAccessKey);
    if (where.length > 0) problems.push(`the secret is in ${file} at ${where.join(', ')}`);
  }
  if (problems.length === 0) return;
  // Undo: our edit only (a change someone made since stays, and is named).
  await updateAwsFile(path, (text) => (text === edited ? original : text));
  rmSync(backup, { force: true });
  throw new UsageError(`could not remove the plaintext key: ${problems.join('; ')}; put ${path} back as it was`, 'delete the secret there by hand (the key is stored; mfa-env does not need the plaintext)');
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

/** A section that appears twice cannot be edited (DuplicateSectionError): say so before anything is stored. */
function assertOneSection(path: string, name: string): void {
  try {
    readSection(readText(path), name);
  } catch (err) {
    throw inFile(err, path);
  }
}

async function storeKeyAndDevice(args: SetupArgs, profile: string, region: string | undefined): Promise<void> {
  // Nothing is asked or stored until the files it must write can be written: a setup
  // that stops half-way (key stored, no mfa_serial) is worse than none.
  const configPath = pathOf('config');
  assertReadable(configPath, 'AWS_CONFIG_FILE');
  assertWritable(configPath, 'AWS_CONFIG_FILE');
  assertOneSection(configPath, sectionFor(profile, 'config'));
  if (args.removePlaintext) {
    assertWritable(pathOf('credentials'), 'AWS_SHARED_CREDENTIALS_FILE');
    assertOneSection(pathOf('credentials'), sectionFor(profile, 'credentials'));
  }

  const key = await gatherKey(args, profile);
  if (args.removePlaintext) {
    // Checked now too, so that a removal that would leave the secret behind stores nothing.
    const path = pathOf('credentials');
    withoutPlaintext(readText(path), sectionFor(profile, 'credentials'), key, path);
  }
  const existing = await readProfile(profile);
  const mfaSerial = await chooseSerial(args, key, region ?? existing.region);

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
