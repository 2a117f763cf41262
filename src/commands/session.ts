import type { SessionArgs } from '../cli/options.js';
import { lockDir } from '../config/paths.js';
import {
  followMfaEnvWrappers,
  mfaEnvTargetOf,
  profileNames,
  readProfile,
  resolveProfileName,
  type ProfileConfig,
} from '../config/profiles.js';
import { readProfileChain } from '../config/roles.js';
import { checkCode, checkMfaSerial, parseDuration } from '../config/validate.js';
import { REUSE_MARGIN_MS, reusableSession, SDK_MARGIN_MS } from '../session/cache.js';
import { reusableRole } from '../session/role-cache.js';
import { UsageError } from '../errors.js';
import { nearest } from '../nearest.js';
import { resolveCode } from '../prompts/code.js';
import { obtainCredentials, type ObtainedCredentials } from '../session/credentials.js';
import { traceStore } from '../session/store-trace.js';
import type { Session } from '../session/types.js';
import { accountFor, openStore, readAhead, type SecretStore } from '../store/index.js';

export interface SessionResult {
  /** The credentials to hand out: the profile's MFA session, or the role's. */
  session: Session;
  source: ObtainedCredentials['source'];
  /** The MFA session's expiry behind them (MFA_ENV_MFA_EXPIRES). */
  mfaExpiration: Date;
  profile: ProfileConfig;
  region: string | undefined;
}

/**
 * The defaults of every session option, resolved in one place, checked
 * before anything is asked or sent: shared by export, credential-process and
 * mfa-exec.
 */
export async function sessionFromArgs(
  args: SessionArgs,
  env = process.env,
  /** Reuse cached credentials while more than this remains: REUSE_MARGIN_MS for a shell, SDK_MARGIN_MS for an SDK (SPEC "Margins"). */
  marginMs = REUSE_MARGIN_MS,
  /** Instead of the store MFA_ENV_STORE names (mfa-exec --server --no-cache: its cache in memory). */
  storeOverride?: SecretStore,
): Promise<SessionResult> {
  let name = resolveProfileName(args.profile, env);
  if (args.code !== undefined) checkCode(args.code);
  const requested = args.duration !== undefined ? parseDuration(args.duration) : undefined;
  // Most runs end at the cached credentials: the store starts looking for
  // them while the AWS files are read (a plain profile's session, or a role's).
  if (args.refresh !== true && args.cache !== false && storeOverride === undefined) {
    readAhead(accountFor.session(name), env);
    readAhead(accountFor.role(name), env);
  }
  let chain = await readProfileChain(name, env);
  // A `setup --credential-process` profile (AWS_PROFILE=dev-mfa, as setup suggests) means the profile it runs mfa-env for.
  if (mfaEnvTargetOf(chain.target) !== undefined) {
    name = await followMfaEnvWrappers(name, env);
    chain = await readProfileChain(name, env);
  }
  const { target, base } = chain;
  if (!target.exists) await refuseUnknownProfile(name, env);
  if (!chain.mfaSerial) {
    throw new UsageError(
      base.exists ? `profile '${base.name}' has no mfa_serial` : `profile '${base.name}' is not set up`,
      `run: mfa-env setup --profile ${base.name}`,
    );
  }
  const mfaSerial = checkMfaSerial(chain.mfaSerial, name);
  // A role's region is the role profile's own, as the AWS CLI reads it.
  const region = target.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const mfaProcess = target.mfaProcess ?? base.mfaProcess;
  const store = traceStore(storeOverride ?? openStore(env));
  const obtained = await obtainCredentials({
    store,
    lockDir: lockDir(env),
    chain: { ...chain, mfaSerial },
    durationSeconds: requested,
    marginSeconds: marginMs / 1000,
    refresh: args.refresh === true,
    noCache: args.cache === false,
    region: region ?? base.region,
    getCode: (why) =>
      resolveCode({ flag: args.code, mfaProcess, profile: name, mfaSerial, forTools: marginMs === SDK_MARGIN_MS }, why),
    // Where it runs: it may be asking for a code on another terminal (mfa-exec --server renewing, say).
    onWait: (what, holder) =>
      process.stderr.write(
        `mfa-env: another mfa-env${holder ? ` (${holder})` : ''} is ${what}; waiting for it${holder?.includes(' on /dev/') ? ' (it may be asking for a code there)' : ''}\n`,
      ),
    onCall: () => showWaiting(),
    notify: (line) => process.stderr.write(`mfa-env: ${line}\n`),
  });
  return {
    session: obtained.credentials,
    source: obtained.source,
    mfaExpiration: obtained.mfaExpiration,
    profile: target,
    region,
  };
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
  const region = profile.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  if (profile.roleArn !== undefined) {
    // A role profile: its cached credentials, when newer (a bad chain: nothing to follow; export says why).
    const chain = await readProfileChain(name, env).catch(() => undefined);
    const hop = chain?.hops.at(-1);
    if (!chain || !hop) return undefined;
    const sourceProfile = chain.hops.length > 1 ? chain.hops.at(-2)!.profile : chain.base.name;
    const role = await reusableRole(
      openStore(env),
      { profile: name, roleArn: hop.roleArn, sourceProfile },
      REUSE_MARGIN_MS,
    );
    if (!role || role.expiration.getTime() <= held) return undefined;
    return { session: role, source: 'cache', mfaExpiration: role.mfaExpiration, profile, region };
  }
  if (!profile.mfaSerial) return undefined;
  const session = await reusableSession(traceStore(openStore(env)), name, checkMfaSerial(profile.mfaSerial));
  if (!session || session.expiration.getTime() <= held) return undefined;
  return { session, source: 'cache', mfaExpiration: session.expiration, profile, region };
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
