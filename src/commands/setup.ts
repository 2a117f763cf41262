import { readFileSync, rmSync } from 'node:fs';
import { editSection, inFile, readSection, sectionFor } from '../config/ini-edit.js';
import { pathOf, readText, updateAwsFile } from '../config/edit-files.js';
import { encodeText } from '../config/file-text.js';
import { assertReadable, assertWritable, awsFileError } from '../config/file-errors.js';
import { readProfile, resolveProfileName } from '../config/profiles.js';
import {
  checkAccessKeyId,
  checkMfaSerial,
  checkRegion,
  checkSecretAccessKey,
  fidoError,
  isFidoSerial,
} from '../config/validate.js';
import { AwsRefusedError, ExitCode, MfaEnvError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { ask } from '../prompts/ask.js';
import { forgetSession } from '../session/cache.js';
import { deleteLongTermKey, findLongTermKey, saveLongTermKey } from '../session/long-term-key.js';
import { forgetRole, profilesWithRole } from '../session/role-cache.js';
import type { LongTermKey } from '../session/types.js';
import { openStore, type SecretStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';
import { maskKeyId } from './mask.js';
import { showWaiting } from './session.js';

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
  roleArn?: string;
  sourceProfile?: string;
  externalId?: string;
  duration?: string;
}

const noTerminal = (what: string) => () =>
  new UsageError(
    `${what} is needed and there is no terminal to ask on`,
    'pass --access-key-id ID --secret-stdin --mfa-serial ARN (see mfa-env setup --help)',
  );

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    throw new UsageError(
      '--secret-stdin: could not read stdin',
      'pipe the secret in: printf %s "$SECRET" | mfa-env setup …',
    );
  }
}

/** How many times a person at the terminal may type a secret that AWS does not accept. */
const SECRET_ATTEMPTS = 3;

/** The key to store, and how it was come by. */
interface GatheredKey {
  key: LongTermKey;
  /** Typed at the terminal: a wrong secret can be asked again, and the region is asked too. */
  interactive: boolean;
  /** The key already stored for the profile, kept (Enter at the key id question). */
  kept: boolean;
}

const SECRET_LENGTH = 40;

/**
 * The secret, hidden, asked again (a new, empty question) while it is not
 * 40 characters: a 39-character paste asks for the secret again rather than
 * failing the whole setup. (Not `prompts`' validate: after its error the
 * hidden input keeps the old text and puts new keys in front of it.)
 */
async function askSecret(message: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const secret = (await ask<string>({ type: 'invisible', message }, noTerminal('the secret access key'))).trim();
    if (secret.length === SECRET_LENGTH || attempt === SECRET_ATTEMPTS) return secret; // checkSecretAccessKey says what is wrong
    message = `The secret is ${SECRET_LENGTH} characters; that was ${secret.length}. Secret access key again (hidden)`;
  }
}

/** Everything checked before anything is written: a bad input changes nothing. */
async function gatherKey(args: SetupArgs, profile: string, stored: LongTermKey | undefined): Promise<GatheredKey> {
  if (args.import) {
    if (args.accessKeyId || args.secretStdin)
      throw new UsageError(
        '--import takes the key from the credentials file; drop --access-key-id/--secret-stdin',
        'see mfa-env setup --help',
      );
    const p = await readProfile(profile);
    if (!p.plaintext?.accessKeyId || !p.plaintext.secretAccessKey) {
      throw new UsageError(
        `no aws_access_key_id/aws_secret_access_key in [${profile}] of ${pathOf('credentials')}`,
        'pass --access-key-id ID --secret-stdin instead',
      );
    }
    if (p.plaintext.sessionToken) {
      throw new UsageError(
        `[${profile}] in ${pathOf('credentials')} holds a temporary session, not a long-term key`,
        'import the profile that has the AKIA… key',
      );
    }
    return {
      key: {
        accessKeyId: checkAccessKeyId(p.plaintext.accessKeyId),
        secretAccessKey: checkSecretAccessKey(p.plaintext.secretAccessKey),
      },
      interactive: false,
      kept: false,
    };
  }
  if (args.secretStdin && !args.accessKeyId)
    throw new UsageError('--secret-stdin needs --access-key-id', 'see mfa-env setup --help');
  if (args.accessKeyId !== undefined) {
    const accessKeyId = checkAccessKeyId(args.accessKeyId);
    const secret = args.secretStdin ? readStdin() : await askSecret('Secret access key (hidden)');
    return {
      key: { accessKeyId, secretAccessKey: checkSecretAccessKey(secret) },
      interactive: !args.secretStdin,
      kept: false,
    };
  }
  const typed = (
    await ask<string>(
      {
        type: 'text',
        message: stored
          ? `Profile ${profile} has key ${maskKeyId(stored.accessKeyId)}. Enter keeps it, or a new access key id (AKIA…)`
          : 'Access key id (AKIA…)',
        validate: (v: string) =>
          /^\s*AKIA[A-Z0-9]{16}\s*$/.test(v) || (stored && v.trim() === '')
            ? true
            : 'AKIA followed by 16 letters or digits',
      },
      noTerminal('an access key id'),
    )
  ).trim();
  if (stored && typed === '') return { key: stored, interactive: true, kept: true };
  const accessKeyId = checkAccessKeyId(typed);
  return {
    key: { accessKeyId, secretAccessKey: checkSecretAccessKey(await askSecret('Secret access key (hidden)')) },
    interactive: true,
    kept: false,
  };
}

/**
 * Asks STS whether the key works (GetCallerIdentity needs no permission and
 * no MFA) before anything is stored: a secret with a typo must fail here,
 * not after an MFA code was spent. At the terminal a secret AWS does not
 * accept is asked again (SECRET_ATTEMPTS in all); otherwise exit 3.
 */
async function verifiedKey(gathered: GatheredKey, region: string | undefined): Promise<LongTermKey> {
  const { getCallerIdentity } = await import('../aws/sts.js');
  let key = gathered.key;
  for (let attempt = 1; ; attempt++) {
    const done = showWaiting('checking the key with STS…');
    let failure: unknown;
    try {
      await getCallerIdentity(key, region);
    } catch (err) {
      failure = err ?? new Error('GetCallerIdentity failed');
    } finally {
      done();
    }
    if (failure === undefined) return key;
    const awsCode = failure instanceof MfaEnvError ? (failure as { awsCode?: string }).awsCode : undefined;
    const masked = maskKeyId(key.accessKeyId);
    if (awsCode === 'SignatureDoesNotMatch') {
      if (gathered.interactive && !gathered.kept && attempt < SECRET_ATTEMPTS) {
        key = {
          ...key,
          secretAccessKey: checkSecretAccessKey(
            await askSecret(`AWS says the secret does not match ${masked}. Secret access key again (hidden)`),
          ),
        };
        continue;
      }
      throw new AwsRefusedError(
        `the secret does not match ${masked}`,
        'check the secret (it was shown once, when the key was created); nothing was stored',
        awsCode,
      );
    }
    if (awsCode === 'InvalidClientTokenId') {
      throw new AwsRefusedError(
        `AWS does not know the access key ${masked} (deleted, inactive, or mistyped)`,
        'check the key id in the IAM console (Users → Security credentials); nothing was stored',
        awsCode,
      );
    }
    throw failure;
  }
}

/** Interactive setup asks for the region: the profile's, else $AWS_REGION, else us-east-1, as the default. */
async function askRegion(existing: string | undefined): Promise<string> {
  const initial = existing || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  const answer = await ask<string>(
    {
      type: 'text',
      message: 'Region',
      initial,
      validate: (v: string) => {
        try {
          checkRegion(v.trim());
          return true;
        } catch {
          return 'a region name like eu-west-1';
        }
      },
    },
    noTerminal('a region'),
  );
  return checkRegion(answer.trim());
}

async function chooseSerial(
  args: SetupArgs,
  profile: string,
  key: LongTermKey,
  region: string | undefined,
): Promise<string> {
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
    () =>
      new UsageError(
        `this user has ${devices.length} MFA devices: ${serials.join(', ')}`,
        'pass --mfa-serial with the one to use',
      ),
  );
}

/**
 * "line N ([section])" for each line of `text` holding `needle`, except the
 * lines `skip` says go anyway: for "what is left where".
 */
function whereIs(
  text: string,
  needle: string,
  skip: (section: string, line: string) => boolean = () => false,
): string[] {
  let section = '';
  const found: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) section = header[1]!.trim().replace(/\s+/g, ' ');
    if (line.includes(needle) && !skip(section, line))
      found.push(`line ${i + 1} (${section ? `[${section}]` : 'before any section'})`);
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
function withoutPlaintext(
  text: string,
  name: string,
  key: LongTermKey,
  path: string,
): { after: string; redacted: string } {
  // The backup keeps everything but the secret itself: a plaintext copy
  // would undo the point of moving the key into the secret store.
  const redacted = editSection(text, name, {
    aws_secret_access_key: '(moved to the mfa-env secret store; mfa-env remove deletes it)',
  });
  const after = editSection(text, name, { aws_access_key_id: null, aws_secret_access_key: null });
  if (after.includes(key.secretAccessKey)) {
    // Named by their lines in the file as it is: all but the one that goes.
    throw secretLeft(
      path,
      whereIs(
        text,
        key.secretAccessKey,
        (section, line) => section === name && /^aws_secret_access_key\s*[=:]/i.test(line),
      ),
    );
  }
  return { after, redacted };
}

/** `{ createDate }` of the key, when IAM ListAccessKeys answers with it; else nothing. */
async function createDateOf(key: LongTermKey, region: string | undefined): Promise<{ createDate?: string }> {
  const { listAccessKeys } = await import('../aws/iam.js');
  const listed = await listAccessKeys(key, region).catch(() => []);
  const date = listed.find((k) => k.accessKeyId === key.accessKeyId)?.createDate;
  return date ? { createDate: date.toISOString() } : {};
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
  if (!section?.aws_access_key_id)
    throw new UsageError(`no plaintext key in [${profile}] of ${path}`, 'nothing to remove');
  if (section.aws_access_key_id !== key.accessKeyId) {
    throw new UsageError(
      `[${profile}] in ${path} holds a different key than the one stored; left it alone`,
      'edit the file by hand',
    );
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
async function verifyRemoved(
  profile: string,
  key: LongTermKey,
  path: string,
  backup: string,
  original: string,
  edited: string,
): Promise<void> {
  const problems: string[] = [];
  const p = await readProfile(profile);
  if (p.plaintext?.secretAccessKey)
    problems.push(`[${profile}] still has aws_secret_access_key as the SDK reads ${path}`);
  for (const file of [path, backup]) {
    const where = whereIs(readText(file), key.secretAccessKey);
    if (where.length > 0) problems.push(`the secret is in ${file} at ${where.join(', ')}`);
  }
  if (problems.length === 0) return;
  // Undo: our edit only (a change someone made since stays, and is named).
  await updateAwsFile(path, (text) => (text === edited ? original : text));
  rmSync(backup, { force: true });
  throw new UsageError(
    `could not remove the plaintext key: ${problems.join('; ')}; put ${path} back as it was`,
    'delete the secret there by hand (the key is stored; mfa-env does not need the plaintext)',
  );
}

export async function setupCommand(args: SetupArgs): Promise<number> {
  // Not the profile of the session this shell holds: setting up is about a key, not a session.
  const profile = resolveProfileName(args.profile, process.env, { fromSession: false });
  if (args.roleArn !== undefined || args.sourceProfile !== undefined)
    return (await import('./setup-role.js')).setupRole(profile, args);
  for (const [flag, value] of [
    ['--external-id', args.externalId],
    ['--duration', args.duration],
  ] as const) {
    if (value !== undefined) throw new UsageError(`${flag} goes with --role-arn`, 'see mfa-env setup --help');
  }
  if (args.removePlaintext && !args.import)
    throw new UsageError('--remove-plaintext goes with --import', 'see mfa-env setup --help');
  if (args.force && args.credentialProcess === undefined)
    throw new UsageError('--force goes with --credential-process NAME', 'see mfa-env setup --help');
  const region = args.region !== undefined ? checkRegion(args.region) : undefined;
  // Before anything is asked or sent (the key check calls STS): a bad or FIDO serial is a usage error.
  if (args.mfaSerial !== undefined) checkMfaSerial(args.mfaSerial, profile);
  const cp = args.credentialProcess !== undefined ? await import('./credential-process-profile.js') : undefined;
  const cpTarget = cp?.checkCredentialProcessProfile(args.credentialProcess!, profile, args.force === true);

  const keyFlags =
    args.accessKeyId !== undefined ||
    args.secretStdin ||
    args.import ||
    args.mfaSerial !== undefined ||
    args.removePlaintext;
  // A role profile needs no key of its own: its credential_process profile is all there is to write.
  if (cpTarget && !keyFlags && ((await readProfile(profile)).roleArn !== undefined || (await isSetUp(profile)))) {
    // Only the credential_process profile: the key and device are already in place.
    await cp!.writeCredentialProcessProfile(cpTarget, {
      explicit: region,
      inherited: (await readProfile(profile)).region,
    });
    return 0;
  }

  await storeKeyAndDevice(args, profile, region);
  if (cpTarget)
    await cp!.writeCredentialProcessProfile(cpTarget, {
      explicit: region,
      inherited: (await readProfile(profile)).region,
    });
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

  const store = traceStore(openStore());
  const existing = await readProfile(profile);
  const stored = await findLongTermKey(store, profile);
  if (stored)
    process.stderr.write(
      `mfa-env: profile '${profile}' is set up already, with key ${maskKeyId(stored.accessKeyId)}\n`,
    );
  const gathered = await gatherKey(args, profile, stored);
  const key = gathered.kept ? gathered.key : await verifiedKey(gathered, region ?? existing.region);
  if (gathered.interactive && region === undefined) region = await askRegion(existing.region);
  if (args.removePlaintext) {
    // Checked now too, so that a removal that would leave the secret behind stores nothing.
    const path = pathOf('credentials');
    withoutPlaintext(readText(path), sectionFor(profile, 'credentials'), key, path);
  }
  const mfaSerial = await chooseSerial(args, profile, key, region ?? existing.region);
  // IAM was asked already (discovery): ask it the key's age too, for status and doctor. Best effort.
  if (!args.mfaSerial) Object.assign(key, await createDateOf(key, region ?? existing.region));

  const sameKey =
    stored !== undefined && stored.accessKeyId === key.accessKeyId && stored.secretAccessKey === key.secretAccessKey;
  if (!gathered.kept) await saveLongTermKey(store, profile, key);
  try {
    await updateAwsFile(configPath, (text) =>
      editSection(text, sectionFor(profile, 'config'), { mfa_serial: mfaSerial, ...(region ? { region } : {}) }),
    );
  } catch (err) {
    // A key with no mfa_serial is a setup half done: the store goes back to how it was.
    if (!gathered.kept)
      await (stored ? saveLongTermKey(store, profile, stored) : deleteLongTermKey(store, profile)).catch(() => {});
    throw err;
  }
  // A new key or device invalidates the cached session; the same ones keep it.
  const sessionKept = sameKey && existing.mfaSerial === mfaSerial;
  if (!sessionKept) await forgetSession(store, profile);
  if (!sessionKept) for (const role of await profilesWithRole(store, profile)) await forgetRole(store, role); // and the roles assumed with it
  process.stderr.write(
    gathered.kept || sameKey
      ? `mfa-env: kept key ${maskKeyId(key.accessKeyId)} for profile '${profile}' in ${storeName(store)}${sessionKept ? '; its cached session stays' : ''}\n`
      : `mfa-env: stored key ${maskKeyId(key.accessKeyId)} for profile '${profile}' in ${storeName(store)}\n`,
  );
  process.stderr.write(
    `mfa-env: wrote mfa_serial${region ? ' and region' : ''} to [${sectionFor(profile, 'config')}] in ${configPath}\n`,
  );
  if (args.removePlaintext) {
    const backup = await removePlaintext(profile, key);
    process.stderr.write(
      `mfa-env: removed the plaintext key from ${pathOf('credentials')} (backup, secret redacted: ${backup})\n`,
    );
  } else if (args.import) {
    process.stderr.write(
      `mfa-env: the plaintext key is still in ${pathOf('credentials')}; --remove-plaintext deletes it\n`,
    );
  }
}

/** "the Secret Service", "the file store /home/you/.local/share/mfa-env/store.enc". */
const storeName = (store: SecretStore) =>
  store.backend === 'file' ? `the file store ${store.location}` : `the ${store.location}`;
