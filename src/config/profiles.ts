import { UsageError } from '../errors.js';
import { assertReadable } from './file-errors.js';
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
  /** A role profile's role (its key is its base's, reached through source_profile). */
  roleArn?: string;
  sourceProfile?: string;
  /** Plaintext keys in the credentials file (what `setup --import` takes). */
  plaintext?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string };
}

/** `--profile`, else `$AWS_PROFILE`, else `default`. */
export function resolveProfileName(flag: string | undefined, env = process.env): string {
  // `--profile=` or `-p ''` (an unset variable in a script): say so, rather than use another profile.
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--profile needs a profile name', 'see mfa-env --help');
  if (flag) return checkProfileName(flag);
  if (env.AWS_PROFILE) return checkProfileName(env.AWS_PROFILE, 'AWS_PROFILE');
  return 'default';
}

type Section = Record<string, string | undefined>;

async function loadFiles(env = process.env) {
  // The same parsing rules as every AWS tool (see shared-files.ts).
  return readSharedFiles(awsCredentialsFile(env), awsConfigFile(env));
}

/** `object[key]` when it is the object's own (a profile named toString is not Object.prototype's). */
function own<T>(object: Record<string, T> | undefined, key: string): T | undefined {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A profile as it is in the two files, except durationSeconds (see readProfile). */
function toProfile(name: string, config: Section | undefined, creds: Section | undefined): Omit<ProfileConfig, 'durationSeconds'> {
  const profile: ProfileConfig = { name, exists: config !== undefined || creds !== undefined };
  const pick = (key: string) => own(config, key) ?? own(creds, key);
  profile.mfaSerial = pick('mfa_serial')?.trim() || undefined;
  profile.region = pick('region')?.trim() || undefined;
  profile.mfaProcess = pick('mfa_process')?.trim() || undefined;
  profile.roleArn = pick('role_arn')?.trim() || undefined;
  profile.sourceProfile = pick('source_profile')?.trim() || undefined;
  const keyId = own(creds, 'aws_access_key_id');
  const secret = own(creds, 'aws_secret_access_key');
  if (keyId || secret) {
    profile.plaintext = { accessKeyId: keyId, secretAccessKey: secret, sessionToken: own(creds, 'aws_session_token') };
  }
  return profile;
}

/** One profile, all of it: a bad duration_seconds in it is a usage error (exit 2). */
export async function readProfile(name: string, env = process.env): Promise<ProfileConfig> {
  const { configFile, credentialsFile } = await loadFiles(env);
  const config = own(configFile, name);
  const creds = own(credentialsFile, name);
  // The SDK's reader takes a file it cannot read for an empty one: when the
  // profile is not there, say why if that is the reason (not "run setup").
  if (config === undefined && creds === undefined) {
    assertReadable(awsConfigFile(env), 'AWS_CONFIG_FILE');
    assertReadable(awsCredentialsFile(env), 'AWS_SHARED_CREDENTIALS_FILE');
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
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names].sort().map((name) => toProfile(name, own(configFile, name), own(credentialsFile, name)));
}
