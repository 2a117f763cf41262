// Role profiles, read the way the AWS CLI reads them: `role_arn` with
// `source_profile`, followed through any number of role profiles down to the
// base profile whose long-term key mfa-env keeps. Everything here is checked
// before any call to AWS, so a typo costs no MFA code.
import { UsageError } from '../errors.js';
import { awsConfigFile } from './paths.js';
import { profileIn, readAwsFiles, type AwsFiles, type ProfileConfig } from './profiles.js';

/** One AssumeRole step. */
export interface RoleHop {
  /** The role profile's name. */
  profile: string;
  roleArn: string;
  externalId?: string;
  roleSessionName: string;
  /** The role profile's own duration_seconds. */
  durationSeconds?: number;
}

/** What a profile resolves to: itself, its base, and the roles between them. */
export interface ProfileChain {
  /** The profile asked for. */
  target: ProfileConfig;
  /** The profile whose long-term key and MFA session sign the first hop. */
  base: ProfileConfig;
  /** The role's own mfa_serial, else its source's, down to the base's. */
  mfaSerial?: string;
  /** From the base outwards; empty for a plain profile. */
  hops: RoleHop[];
}

/** What STS accepts in RoleArn for an IAM role. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** At most 12 hours: AssumeRole's own limit. */
export const MAX_ROLE_DURATION = 43_200;
export const DEFAULT_ROLE_DURATION = 3600;
/** AWS caps a role assumed with temporary credentials at 1 hour. */
export const CHAINED_ROLE_LIMIT = 3600;

export const isRoleProfile = (p: Pick<ProfileConfig, 'roleArn' | 'credentialSource'>) =>
  p.roleArn !== undefined || p.credentialSource !== undefined;

/** `mfa-env-` and the base profile's name, cut to STS's 64 characters. */
export function defaultSessionName(baseProfile: string): string {
  return `mfa-env-${baseProfile}`.slice(0, 64);
}

export function checkRoleArn(arn: string, where: string): string {
  if (!ROLE_ARN.test(arn)) {
    throw new UsageError(
      `${where}: '${arn.slice(0, 120)}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)`,
      'copy the role ARN from the IAM console (Roles → the role → ARN)',
    );
  }
  return arn;
}

export function checkExternalId(id: string, where: string): string {
  if (!EXTERNAL_ID.test(id))
    throw new UsageError(
      `${where}: external_id must be 2–1224 of letters, digits and _+=,.@:/-`,
      'use the external id the role owner gave you',
    );
  return id;
}

/** The hop one role profile makes; `baseName` for the default session name. */
function hopOf(p: ProfileConfig, baseName: string, configPath: string): RoleHop {
  const where = `profile '${p.name}' in ${configPath}`;
  const roleSessionName = p.roleSessionName ?? defaultSessionName(baseName);
  if (!SESSION_NAME.test(roleSessionName)) {
    throw new UsageError(
      `${where}: role_session_name '${roleSessionName.slice(0, 80)}' must be 2–64 of letters, digits and _+=,.@-`,
      `fix role_session_name in ${configPath}`,
    );
  }
  if (p.durationSeconds !== undefined && p.durationSeconds > MAX_ROLE_DURATION) {
    throw new UsageError(
      `${where}: duration_seconds ${p.durationSeconds} is more than a role can last (43200 s, 12h)`,
      `fix duration_seconds in ${configPath}`,
    );
  }
  return {
    profile: p.name,
    roleArn: checkRoleArn(p.roleArn!, where),
    ...(p.externalId !== undefined ? { externalId: checkExternalId(p.externalId, where) } : {}),
    roleSessionName,
    ...(p.durationSeconds !== undefined ? { durationSeconds: p.durationSeconds } : {}),
  };
}

/** Follows source_profile from `name` to its base, on files already read. */
export function chainIn(files: AwsFiles, name: string, env = process.env): ProfileChain {
  const configPath = awsConfigFile(env);
  const target = profileIn(files, name, env);
  const roles: ProfileConfig[] = [];
  const seen = [name];
  let current = target;
  while (isRoleProfile(current)) {
    const where = `profile '${current.name}' in ${configPath}`;
    if (current.credentialSource !== undefined) {
      throw new UsageError(
        `${where} uses credential_source = ${current.credentialSource}, which mfa-env does not support`,
        'use source_profile = NAME, naming a profile set up with mfa-env setup',
      );
    }
    if (current.sourceProfile === undefined) {
      throw new UsageError(
        `${where} has role_arn but no source_profile`,
        `add source_profile = NAME (the profile whose key mfa-env keeps) to [profile ${current.name}]`,
      );
    }
    checkRoleArn(current.roleArn!, where);
    roles.push(current);
    const next = current.sourceProfile;
    if (seen.includes(next))
      throw new UsageError(
        `source_profile loops: ${[...seen, next].join(' → ')}`,
        `fix source_profile in ${configPath}`,
      );
    seen.push(next);
    const source = profileIn(files, next, env);
    if (!source.exists) {
      throw new UsageError(
        `source_profile '${next}' of ${where} does not exist`,
        `set it up: mfa-env setup --profile ${next}`,
      );
    }
    current = source;
  }
  const base = current;
  const hops = [...roles].reverse().map((p) => hopOf(p, base.name, configPath));
  // The role's own device, else its source's, down to the base's: the device of the base user.
  const mfaSerial = [...roles, base].find((p) => p.mfaSerial)?.mfaSerial;
  return { target, base, hops, ...(mfaSerial !== undefined ? { mfaSerial } : {}) };
}

export async function readProfileChain(name: string, env = process.env): Promise<ProfileChain> {
  return chainIn(await readAwsFiles(env), name, env);
}
