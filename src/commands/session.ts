import type { SessionArgs } from '../cli/options.js';
import { lockDir } from '../config/paths.js';
import { resolveProfileName, type ProfileConfig } from '../config/profiles.js';
import { readProfileChain } from '../config/roles.js';
import { checkCode, checkMfaSerial, parseDuration } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { resolveCode } from '../prompts/code.js';
import { obtainCredentials, type ObtainedCredentials } from '../session/credentials.js';
import type { Session } from '../session/types.js';
import { accountFor, openStore, readAhead } from '../store/index.js';

export interface SessionResult {
  /** The credentials to hand out: the profile's MFA session, or the role's. */
  session: Session;
  source: ObtainedCredentials['source'];
  /** The MFA session's expiry behind them (MFA_ENV_MFA_EXPIRES). */
  mfaExpiration: Date;
  profile: ProfileConfig;
  region: string | undefined;
}

export interface SessionNeeds {
  /** Reuse cached credentials while more than this remains: 300 for a shell, 900 for an SDK (SPEC "Margins"). */
  marginSeconds: number;
}

/**
 * The defaults of every session option, resolved in one place, checked
 * before anything is asked or sent: shared by export, credential-process and
 * mfa-exec.
 */
export async function sessionFromArgs(args: SessionArgs, env = process.env, needs: SessionNeeds = { marginSeconds: 300 }): Promise<SessionResult> {
  const name = resolveProfileName(args.profile, env);
  if (args.code !== undefined) checkCode(args.code);
  const requested = args.duration !== undefined ? parseDuration(args.duration) : undefined;
  // Most runs end at the cached credentials: the store starts looking for
  // them while the AWS files are read (a plain profile's session, or a role's).
  if (args.refresh !== true && args.cache !== false) {
    readAhead(accountFor.session(name), env);
    readAhead(accountFor.role(name), env);
  }
  const chain = await readProfileChain(name, env);
  const { target, base } = chain;
  if (!chain.mfaSerial) {
    throw new UsageError(
      base.exists ? `profile '${base.name}' has no mfa_serial` : `profile '${base.name}' is not set up`,
      `run: mfa-env setup --profile ${base.name}`,
    );
  }
  const mfaSerial = checkMfaSerial(chain.mfaSerial);
  // A role's region is the role profile's own, as the AWS CLI reads it.
  const region = target.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const mfaProcess = target.mfaProcess ?? base.mfaProcess;
  const store = openStore(env);
  const obtained = await obtainCredentials({
    store,
    lockDir: lockDir(env),
    chain: { ...chain, mfaSerial },
    durationSeconds: requested,
    marginSeconds: needs.marginSeconds,
    refresh: args.refresh === true,
    noCache: args.cache === false,
    region: region ?? base.region,
    getCode: () => resolveCode({ flag: args.code, mfaProcess, profile: name, mfaSerial }),
    onWait: (what) => process.stderr.write(`mfa-env: another mfa-env is ${what}; waiting for it\n`),
    notify: (line) => process.stderr.write(`mfa-env: ${line}\n`),
  });
  return { session: obtained.credentials, source: obtained.source, mfaExpiration: obtained.mfaExpiration, profile: target, region };
}
