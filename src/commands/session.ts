import type { SessionArgs } from '../cli/options.js';
import { lockDir } from '../config/paths.js';
import { profileNames, readProfile, resolveProfileName, type ProfileConfig } from '../config/profiles.js';
import { checkCode, checkMfaSerial, DEFAULT_DURATION, parseDuration } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { nearest } from '../nearest.js';
import { resolveCode } from '../prompts/code.js';
import { reusableSession } from '../session/cache.js';
import { obtainSession, type Obtained } from '../session/obtain.js';
import { traceStore } from '../session/store-trace.js';
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
  if (!profile.exists) await refuseUnknownProfile(name, env);
  if (!profile.mfaSerial) {
    throw new UsageError(
      profile.exists ? `profile '${name}' has no mfa_serial` : `profile '${name}' is not set up`,
      `run: mfa-env setup --profile ${name}`,
    );
  }
  const mfaSerial = checkMfaSerial(profile.mfaSerial);
  const durationSeconds = requested ?? profile.durationSeconds ?? DEFAULT_DURATION;
  const region = profile.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const store = traceStore(openStore(env));
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
    getCode: (why) => resolveCode({ flag: args.code, mfaProcess: profile.mfaProcess, profile: name, mfaSerial }, why),
    onWait: () => process.stderr.write(`mfa-env: another mfa-env is minting a session for '${name}'; waiting for it\n`),
    onCall: () => showWaiting(),
  });
  return { ...obtained, profile, region };
}

/**
 * A profile in neither AWS file, when others are there, is most likely a
 * typo: name the known ones and the nearest, rather than advise setting up
 * the typo. With no profile at all, setup is the next step.
 */
async function refuseUnknownProfile(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const known = await profileNames(env);
  if (known.length === 0) return;
  const guess = nearest(name, known);
  const list = known.length > 8 ? `${known.slice(0, 8).join(', ')}, …` : known.join(', ');
  throw new UsageError(
    `profile '${name}' is not set up: it is in neither AWS file${guess ? `; did you mean ${guess}?` : ''}`,
    `known profiles: ${list} (a new one: mfa-env setup --profile ${name})`,
  );
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
  const session = await reusableSession(traceStore(openStore(env)), name, checkMfaSerial(profile.mfaSerial));
  if (!session || session.expiration.getTime() <= held) return undefined;
  const region = profile.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return { session, source: 'cache', profile, region };
}

/**
 * While STS answers: one line on the terminal, cleared once the answer is
 * in. Only when stderr is a terminal: in a log it would be noise, and the
 * carriage return and erase sequence would be garbage.
 */
export function showWaiting(what = 'asking STS…'): () => void {
  if (!process.stderr.isTTY) return () => {};
  process.stderr.write(`mfa-env: ${what}`);
  return () => process.stderr.write('\r\x1b[2K');
}
