import type { SessionArgs } from '../cli/options.js';
import { lockDir } from '../config/paths.js';
import { readProfile, resolveProfileName, type ProfileConfig } from '../config/profiles.js';
import { checkCode, checkMfaSerial, DEFAULT_DURATION, parseDuration } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { resolveCode } from '../prompts/code.js';
import { reusableSession } from '../session/cache.js';
import { obtainSession, type Obtained } from '../session/obtain.js';
import { accountFor, openStore, readAhead } from '../store/index.js';

export interface SessionResult extends Obtained {
  profile: ProfileConfig;
  region: string | undefined;
}

/**
 * The defaults of every session option, resolved in one place, checked
 * before anything is asked or sent: shared by export, credential-process and
 * mfa-exec.
 */
export async function sessionFromArgs(args: SessionArgs, env = process.env, marginMs?: number): Promise<SessionResult> {
  const name = resolveProfileName(args.profile, env);
  if (args.code !== undefined) checkCode(args.code);
  const requested = args.duration !== undefined ? parseDuration(args.duration) : undefined;
  // Most runs end at the cached session: the store starts looking for it
  // while the AWS files are read.
  if (args.refresh !== true && args.cache !== false) readAhead(accountFor.session(name), env);
  const profile = await readProfile(name, env);
  if (!profile.mfaSerial) {
    throw new UsageError(
      profile.exists ? `profile '${name}' has no mfa_serial` : `profile '${name}' is not set up`,
      `run: mfa-env setup --profile ${name}`,
    );
  }
  const mfaSerial = checkMfaSerial(profile.mfaSerial, name);
  const durationSeconds = requested ?? profile.durationSeconds ?? DEFAULT_DURATION;
  const region = profile.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const store = openStore(env);
  const obtained = await obtainSession({
    store,
    profile: name,
    mfaSerial,
    region,
    durationSeconds,
    refresh: args.refresh === true,
    noCache: args.cache === false,
    marginMs,
    lockDir: lockDir(env),
    getCode: () => resolveCode({ flag: args.code, mfaProcess: profile.mfaProcess, profile: name, mfaSerial }),
    onWait: () => process.stderr.write(`mfa-env: another mfa-env is minting a session for '${name}'; waiting for it\n`),
  });
  return { ...obtained, profile, region };
}

/**
 * `--follow`: the session cached for the profile, if it is newer than the one
 * this shell holds (`$MFA_ENV_EXPIRES`) and reusable; otherwise undefined.
 * Never mints, never waits for a lock, never asks anything (not even the
 * file store's passphrase): the prompt hook runs it between two commands.
 */
export async function newerCachedSession(args: SessionArgs, env = process.env): Promise<SessionResult | undefined> {
  const name = resolveProfileName(args.profile, env);
  const held = /^\d{1,15}$/.test(env.MFA_ENV_EXPIRES ?? '') ? Number(env.MFA_ENV_EXPIRES) * 1000 : 0;
  if ((env.MFA_ENV_STORE || 'keychain').toLowerCase() === 'file' && !env.MFA_ENV_FILE_PASSPHRASE) return undefined;
  const profile = await readProfile(name, env);
  if (!profile.mfaSerial) return undefined;
  const session = await reusableSession(openStore(env), name, checkMfaSerial(profile.mfaSerial));
  if (!session || session.expiration.getTime() <= held) return undefined;
  const region = profile.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return { session, source: 'cache', profile, region };
}
