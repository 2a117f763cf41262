import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { UsageError } from '../errors.js';
import { awsConfigFile, awsCredentialsFile } from './paths.js';
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
  /** Plaintext keys in the credentials file (what `setup --import` takes). */
  plaintext?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string };
}

/** `--profile`, else `$AWS_PROFILE`, else `default`. */
export function resolveProfileName(flag: string | undefined, env = process.env): string {
  return checkProfileName(flag || env.AWS_PROFILE || 'default');
}

type Section = Record<string, string | undefined>;

async function loadFiles(env = process.env) {
  // The SDK's own loader: the same parsing rules as every AWS tool.
  return loadSharedConfigFiles({
    filepath: awsCredentialsFile(env),
    configFilepath: awsConfigFile(env),
    ignoreCache: true,
  });
}

function toProfile(name: string, config: Section | undefined, creds: Section | undefined): ProfileConfig {
  const profile: ProfileConfig = { name, exists: config !== undefined || creds !== undefined };
  const pick = (key: string) => config?.[key] ?? creds?.[key];
  profile.mfaSerial = pick('mfa_serial')?.trim() || undefined;
  profile.region = pick('region')?.trim() || undefined;
  profile.mfaProcess = pick('mfa_process')?.trim() || undefined;
  const duration = pick('duration_seconds');
  if (duration) {
    try {
      profile.durationSeconds = parseDuration(duration, `duration_seconds in profile '${name}'`);
    } catch (err) {
      throw new UsageError((err as UsageError).message, `fix duration_seconds in ${awsConfigFile()}`);
    }
  }
  if (creds?.aws_access_key_id || creds?.aws_secret_access_key) {
    profile.plaintext = {
      accessKeyId: creds.aws_access_key_id,
      secretAccessKey: creds.aws_secret_access_key,
      sessionToken: creds.aws_session_token,
    };
  }
  return profile;
}

export async function readProfile(name: string, env = process.env): Promise<ProfileConfig> {
  const { configFile, credentialsFile } = await loadFiles(env);
  return toProfile(name, configFile[name], credentialsFile[name]);
}

/** Every profile named in either file, for status and logout --all. */
export async function listProfiles(env = process.env): Promise<ProfileConfig[]> {
  const { configFile, credentialsFile } = await loadFiles(env);
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names].sort().map((name) => toProfile(name, configFile[name], credentialsFile[name]));
}
