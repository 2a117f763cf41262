// `mfa-env setup --profile prod --role-arn ARN --source-profile dev`: writes
// the role profile into the AWS config file, as the AWS CLI reads it. No key
// is stored for a role: its source's key and MFA session do the work.
import { pathOf, updateAwsFile } from '../config/edit-files.js';
import { assertReadable, assertWritable } from '../config/file-errors.js';
import { editSection, sectionFor } from '../config/ini-edit.js';
import { followMfaEnvWrappers, mfaEnvTargetOf, profileNames, readProfile } from '../config/profiles.js';
import { nearest } from '../nearest.js';
import {
  CHAINED_ROLE_LIMIT,
  checkExternalId,
  checkRoleArn,
  MAX_ROLE_DURATION,
  readProfileChain,
} from '../config/roles.js';
import { checkMfaSerial, checkProfileName, checkRegion, parseDuration } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { findLongTermKey } from '../session/long-term-key.js';
import { forgetRole } from '../session/role-cache.js';
import { openStore } from '../store/index.js';

export interface SetupRoleArgs {
  roleArn?: string;
  sourceProfile?: string;
  externalId?: string;
  mfaSerial?: string;
  region?: string;
  duration?: string;
  accessKeyId?: string;
  secretStdin?: boolean;
  import?: boolean;
  removePlaintext?: boolean;
  credentialProcess?: string;
}

export async function setupRole(profile: string, args: SetupRoleArgs): Promise<number> {
  // Everything is checked before the file is touched.
  if (args.roleArn === undefined || args.sourceProfile === undefined) {
    throw new UsageError(
      `a role profile needs both --role-arn and --source-profile (${args.roleArn === undefined ? '--role-arn' : '--source-profile'} is missing)`,
      'see mfa-env setup --help',
    );
  }
  const keyFlag =
    args.accessKeyId !== undefined
      ? '--access-key-id'
      : args.secretStdin
        ? '--secret-stdin'
        : args.import
          ? '--import'
          : args.removePlaintext
            ? '--remove-plaintext'
            : args.credentialProcess !== undefined
              ? '--credential-process'
              : undefined;
  if (keyFlag)
    throw new UsageError(
      `${keyFlag} does not go with --role-arn: a role profile stores no key (set up the source profile for that)`,
      'see mfa-env setup --help',
    );
  const roleArn = checkRoleArn(args.roleArn.trim(), '--role-arn');
  const source = checkProfileName(args.sourceProfile);
  if (source === profile)
    throw new UsageError(
      `--source-profile ${source} is the role profile itself`,
      'name the profile that holds the key (or another role profile)',
    );
  const externalId = args.externalId !== undefined ? checkExternalId(args.externalId, '--external-id') : undefined;
  const mfaSerial = args.mfaSerial !== undefined ? checkMfaSerial(args.mfaSerial) : undefined;
  const region = args.region !== undefined ? checkRegion(args.region) : undefined;
  const duration = args.duration !== undefined ? parseDuration(args.duration) : undefined;
  if (duration !== undefined && duration > MAX_ROLE_DURATION)
    throw new UsageError(`--duration ${duration}s: a role lasts at most 12h (43200 s)`, 'see mfa-env setup --help');

  // The source must lead to a base without loops, as export will need.
  const chain = await readProfileChain(source);
  if (!chain.target.exists) {
    const guess = nearest(source, await profileNames());
    throw new UsageError(
      `--source-profile ${source} does not exist${guess ? `; did you mean ${guess}?` : ''}`,
      `set it up first: mfa-env setup --profile ${source}`,
    );
  }
  const wrapped = mfaEnvTargetOf(chain.target) === undefined ? undefined : await followMfaEnvWrappers(source);
  if (wrapped !== undefined)
    throw new UsageError(
      `--source-profile ${source} only runs mfa-env for '${wrapped}' (credential_process); a role's source is the profile with the key or the role before it`,
      `use --source-profile ${wrapped}`,
    );
  const store = openStore();
  if (await findLongTermKey(store, profile)) {
    throw new UsageError(
      `profile '${profile}' holds a long-term key in the secret store; a role profile has none`,
      `pick another name, or first: mfa-env remove --profile ${profile}`,
    );
  }
  const existing = await readProfile(profile);
  if (existing.credentialSource !== undefined) {
    throw new UsageError(
      `[${sectionFor(profile, 'config')}] has credential_source, which cannot go with source_profile`,
      `remove credential_source from ${pathOf('config')} first`,
    );
  }

  // The AWS CLI and the SDKs read a role profile's own region only, never
  // its source's: without one, `aws --profile prod` and a command under
  // mfa-exec stop at "You must specify a region". A new role profile
  // therefore gets its source's region, written down, unless it has one.
  const sourceRegion = chain.target.region ?? chain.base.region;
  const inherited = region === undefined && !existing.region ? sourceRegion : undefined;

  const path = pathOf('config');
  assertReadable(path, 'AWS_CONFIG_FILE');
  assertWritable(path, 'AWS_CONFIG_FILE');
  const values: Record<string, string> = {
    role_arn: roleArn,
    source_profile: source,
    ...(externalId !== undefined ? { external_id: externalId } : {}),
    ...(mfaSerial !== undefined ? { mfa_serial: mfaSerial } : {}),
    ...((region ?? inherited) !== undefined ? { region: (region ?? inherited)! } : {}),
    ...(duration !== undefined ? { duration_seconds: String(duration) } : {}),
  };
  await updateAwsFile(path, (text) => editSection(text, sectionFor(profile, 'config'), values));
  await forgetRole(store, profile); // cached credentials of the old settings
  process.stderr.write(
    `mfa-env: wrote ${Object.keys(values)
      .map((k) => (k === 'region' && inherited ? `region (${inherited}, as in ${source})` : k))
      .join(', ')} to [${sectionFor(profile, 'config')}] in ${path}; a role profile stores no key\n`,
  );
  const base = chain.base.name;
  const ready = chain.mfaSerial !== undefined && (await findLongTermKey(store, base)) !== undefined;
  // Longer than 1 hour, straight from the base: AWS takes that only from the key itself (src/session/credentials.ts).
  const longRole = (duration ?? existing.durationSeconds ?? 0) > CHAINED_ROLE_LIMIT && source === base;
  const signer = longRole
    ? `the key of '${base}' and its own MFA code sign it: AWS allows more than 1 hour only so`
    : `the MFA session of '${base}' signs it`;
  process.stderr.write(
    ready
      ? `mfa-env: next: eval "$(mfa-env -p ${profile})"  (${signer})\n`
      : `mfa-env: next: mfa-env setup --profile ${base}  (its key and MFA device sign the role), then eval "$(mfa-env -p ${profile})"\n`,
  );
  return 0;
}
