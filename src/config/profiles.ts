import { statSync } from 'node:fs';
import { debug, debugEnabled } from '../debug.js';
import { UsageError } from '../errors.js';
import { assertNoRefusedSection, assertReadable } from './file-errors.js';
import { awsConfigFile, awsCredentialsFile } from './paths.js';
import { readSharedFiles } from './shared-files.js';
import { checkProfileName, parseDuration } from './validate.js';

/** What mfa-env reads from one profile of ~/.aws/config and ~/.aws/credentials. */
export interface ProfileConfig {
  name: string;
  /** True when the profile appears in either file. */
  exists: boolean;
  mfaSerial?: string;
  region?: string;
  durationSeconds?: number;
  mfaProcess?: string;
  /** A role profile's settings (src/config/roles.ts reads the chain). */
  roleArn?: string;
  sourceProfile?: string;
  credentialSource?: string;
  externalId?: string;
  roleSessionName?: string;
  /** `credential_process`, as written. */
  credentialProcess?: string;
  /** Plaintext keys in the credentials file (what `setup --import` takes). */
  plaintext?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string };
}

/**
 * The profile a `setup --credential-process NAME` profile runs mfa-env for:
 * `[profile dev-mfa]` with `credential_process = … mfa-env credential-process
 * --profile dev` and nothing of its own to mint with is dev's, to mfa-env.
 * setup suggests `AWS_PROFILE=dev-mfa` for the AWS tools; `mfa` in that
 * shell then means dev. Undefined for any other profile.
 */
export function mfaEnvTargetOf(p: ProfileConfig): string | undefined {
  if (!p.credentialProcess || p.mfaSerial || p.roleArn || p.credentialSource) return undefined;
  // The whole line is the command: [node] PROGRAM credential-process --profile NAME, PROGRAM
  // (a word, maybe quoted) being mfa-env or mfa-env.js; not a line that merely mentions it.
  const word = `(?:'[^']*'|"[^"]*"|[^\\s'"]+)`;
  const m = new RegExp(
    `^(?:${word}\\s+)?(${word})\\s+credential-process\\s+(?:--profile|-p)(?:\\s+|=)'?([\\w.@+-]+)'?\\s*$`,
  ).exec(p.credentialProcess);
  const program = m?.[1]?.replace(/^(['"])(.*)\1$/, '$2');
  return m && program && /(?:^|\/)mfa-env(?:\.js)?$/.test(program) && m[2] !== p.name ? m[2] : undefined;
}

/**
 * The profile mfa-env uses for `name`: `name` itself, or, for a `setup
 * --credential-process` profile, the one it runs mfa-env for (followed
 * through several, if someone chained them). A loop is a usage error.
 */
export async function followMfaEnvWrappers(name: string, env = process.env): Promise<string> {
  const files = await loadFiles(env);
  const seen = [name];
  for (let at = name; ; ) {
    let next: string | undefined;
    try {
      next = mfaEnvTargetOf(profileIn(files, at, env));
    } catch {
      return at; // what is wrong with it is said where it is read
    }
    if (next === undefined) return at;
    if (seen.includes(next))
      throw new UsageError(
        `profile '${name}': credential_process runs mfa-env in a loop (${[...seen, next].join(' → ')})`,
        `point the credential_process of '${at}' at the profile that holds the key`,
      );
    seen.push(next);
    at = next;
  }
}

/**
 * `--profile`, else `$AWS_PROFILE`, else the profile of the session this
 * shell holds (`$MFA_ENV_PROFILE`: an export removes AWS_PROFILE, and the
 * next `mfa` or `mfa logout` in that shell means the same profile), else
 * `default`.
 */
export function resolveProfileName(flag: string | undefined, env = process.env, { fromSession = true } = {}): string {
  // `--profile=` or `-p ''` (an unset variable in a script): say so, rather than use another profile.
  if (flag !== undefined && flag.trim() === '')
    throw new UsageError('--profile needs a profile name', 'see mfa-env --help');
  if (flag) return fromWhere(checkProfileName(flag), '--profile');
  if (env.AWS_PROFILE) return fromWhere(checkProfileName(env.AWS_PROFILE, 'AWS_PROFILE'), 'AWS_PROFILE');
  if (fromSession && env.MFA_ENV_PROFILE)
    return fromWhere(
      checkProfileName(env.MFA_ENV_PROFILE, 'MFA_ENV_PROFILE'),
      'MFA_ENV_PROFILE, the session this shell holds',
    );
  return fromWhere('default', 'the default');
}

function fromWhere(name: string, source: string): string {
  debug(`profile '${name}' (from ${source})`);
  return name;
}

/** For --debug: the file, and whether there is one to read. */
function describeFile(path: string): string {
  try {
    const st = statSync(path);
    return st.isFile() ? `${path} (${st.size} bytes)` : `${path} (not a regular file)`;
  } catch (err) {
    return `${path} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable'})`;
  }
}

type Section = Record<string, string | undefined>;

async function loadFiles(env = process.env) {
  if (debugEnabled())
    debug(
      `reading AWS config ${describeFile(awsConfigFile(env))} and credentials ${describeFile(awsCredentialsFile(env))}`,
    );
  // The same parsing rules as every AWS tool (see shared-files.ts).
  return readSharedFiles(awsCredentialsFile(env), awsConfigFile(env));
}

/** `object[key]` when it is the object's own (a profile named toString is not Object.prototype's). */
function own<T>(object: Record<string, T> | undefined, key: string): T | undefined {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A profile as it is in the two files, except durationSeconds (see readProfile). */
function toProfile(
  name: string,
  config: Section | undefined,
  creds: Section | undefined,
): Omit<ProfileConfig, 'durationSeconds'> {
  const profile: ProfileConfig = { name, exists: config !== undefined || creds !== undefined };
  const pick = (key: string) => own(config, key) ?? own(creds, key);
  profile.mfaSerial = pick('mfa_serial')?.trim() || undefined;
  profile.region = pick('region')?.trim() || undefined;
  profile.mfaProcess = pick('mfa_process')?.trim() || undefined;
  // The AWS CLI reads the role settings from the config file only.
  const fromConfig = (key: string) => own(config, key)?.trim() || undefined;
  profile.roleArn = fromConfig('role_arn');
  profile.sourceProfile = fromConfig('source_profile');
  profile.credentialSource = fromConfig('credential_source');
  profile.externalId = fromConfig('external_id');
  profile.credentialProcess = pick('credential_process')?.trim() || undefined;
  profile.roleSessionName = fromConfig('role_session_name');
  const keyId = own(creds, 'aws_access_key_id');
  const secret = own(creds, 'aws_secret_access_key');
  if (keyId || secret) {
    profile.plaintext = { accessKeyId: keyId, secretAccessKey: secret, sessionToken: own(creds, 'aws_session_token') };
  }
  return profile;
}

export type AwsFiles = Awaited<ReturnType<typeof loadFiles>>;

/** One profile, all of it: a bad duration_seconds in it is a usage error (exit 2). */
export async function readProfile(name: string, env = process.env): Promise<ProfileConfig> {
  return profileIn(await loadFiles(env), name, env);
}

/** The two AWS files, parsed once (src/config/roles.ts follows a chain through them). */
export async function readAwsFiles(env = process.env): Promise<AwsFiles> {
  return loadFiles(env);
}

/** `readProfile` on files already read. */
export function profileIn({ configFile, credentialsFile }: AwsFiles, name: string, env = process.env): ProfileConfig {
  const config = own(configFile, name);
  const creds = own(credentialsFile, name);
  // The SDK's reader takes a file it cannot read for an empty one: when the
  // profile is not there, say why if that is the reason (not "run setup").
  if (config === undefined && creds === undefined) {
    assertReadable(awsConfigFile(env), 'AWS_CONFIG_FILE');
    assertReadable(awsCredentialsFile(env), 'AWS_SHARED_CREDENTIALS_FILE');
    assertNoRefusedSection(awsConfigFile(env));
    assertNoRefusedSection(awsCredentialsFile(env));
  }
  const profile: ProfileConfig = toProfile(name, config, creds);
  const duration = own(config, 'duration_seconds') ?? own(creds, 'duration_seconds');
  if (duration) {
    try {
      profile.durationSeconds = parseDuration(duration, `duration_seconds in profile '${name}'`);
    } catch (err) {
      throw new UsageError((err as UsageError).message, `fix duration_seconds in ${awsConfigFile(env)}`);
    }
  }
  return profile;
}

/**
 * Every profile named in either file, for status. Its duration_seconds is
 * not read: a bad one is the business of that profile's own export, not of
 * a listing of all of them.
 */
export async function listProfiles(env = process.env): Promise<Omit<ProfileConfig, 'durationSeconds'>[]> {
  const { configFile, credentialsFile } = await loadFiles(env);
  assertNoRefusedSection(awsConfigFile(env));
  assertNoRefusedSection(awsCredentialsFile(env));
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names].sort().map((name) => toProfile(name, own(configFile, name), own(credentialsFile, name)));
}

/** The names of every profile in either file (completion, "did you mean"). */
export async function profileNames(env = process.env): Promise<string[]> {
  const { configFile, credentialsFile } = await loadFiles(env);
  return [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].sort();
}
