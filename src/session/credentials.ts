// Credentials for a profile, plain or role, with a margin: the one function
// every consumer calls (export, mfa-exec, credential-process, the credential
// server). A plain profile is its MFA session (obtain.ts). A role profile is
// the base's MFA session, then AssumeRole hop by hop, each role's credentials
// cached under its profile and minted under a per-role lock, so that N cold
// calls make one GetSessionToken and one AssumeRole, and two roles from one
// base still make one GetSessionToken (they share the base's lock).
import { join } from 'node:path';
import { CHAINED_ROLE_LIMIT, DEFAULT_ROLE_DURATION, MAX_ROLE_DURATION, type ProfileChain } from '../config/roles.js';
import { DEFAULT_DURATION } from '../config/validate.js';
import { AwsRefusedError, UsageError } from '../errors.js';
import type { SecretStore } from '../store/types.js';
import { REUSE_MARGIN_MS } from './cache.js';
import { readLongTermKey } from './long-term-key.js';
import { lockProfile, obtainSession, withCode, type CodeAnswer, type CodeRequest } from './obtain.js';
import { reusableRole, saveRole, type CachedRole } from './role-cache.js';
import type { Session } from './types.js';

export interface CredentialsOptions {
  store: SecretStore;
  lockDir: string;
  /** The profile, resolved (src/config/roles.ts). */
  chain: ProfileChain;
  /** `-d`: for a plain profile its session, for a role profile the role's credentials. */
  durationSeconds?: number;
  /** Cached credentials are reused while more than this remains (5 minutes for a shell, 15 for an SDK). */
  marginSeconds: number;
  /** Ignore cached credentials of the profile itself (a role's MFA session is still reused). */
  refresh: boolean;
  /** Neither read nor write any cache. */
  noCache: boolean;
  /** The region STS is called in. */
  region: string | undefined;
  /** Asked only when an MFA code is really needed (again after a refused one, when the answer says it can be). */
  getCode: (why: CodeRequest) => Promise<CodeAnswer>;
  /** Told when an STS request goes out; what it returns is called when the answer is in. */
  onCall?: () => () => void;
  /** Told once per lock another process holds: what it does, and who it is when that can be told. */
  onWait?: (what: string, holder?: string) => void;
  /** A line for the person (why a role needs its own code). */
  notify?: (line: string) => void;
}

export interface ObtainedCredentials {
  credentials: Session;
  source: 'cache' | 'minted';
  /** The MFA session's expiry behind these credentials (the same as theirs for a plain profile). */
  mfaExpiration: Date;
}

/** The duration asked of the role at `index`: `-d` and the target's duration_seconds apply to the target only. */
function roleDuration(o: CredentialsOptions, index: number): number {
  const hop = o.chain.hops[index]!;
  const isTarget = index === o.chain.hops.length - 1;
  return (isTarget ? o.durationSeconds : undefined) ?? hop.durationSeconds ?? DEFAULT_ROLE_DURATION;
}

/** Checked before anything is asked or sent. */
function checkDurations(o: CredentialsOptions): void {
  o.chain.hops.forEach((hop, i) => {
    const d = roleDuration(o, i);
    if (d > MAX_ROLE_DURATION) {
      throw new UsageError(
        `role profile '${hop.profile}': a role lasts at most 12h (43200 s); ${d} s was asked`,
        'ask for less with -d or duration_seconds',
      );
    }
    if (i > 0 && d > CHAINED_ROLE_LIMIT) {
      throw new UsageError(
        `role profile '${hop.profile}' is assumed with the credentials of role profile '${o.chain.hops[i - 1]!.profile}', and AWS limits such a role to 1 hour (${d} s was asked)`,
        'ask for 1h or less (-d or duration_seconds), or point source_profile at the profile that holds the key',
      );
    }
  });
}

export async function obtainCredentials(o: CredentialsOptions): Promise<ObtainedCredentials> {
  const { chain } = o;
  if (!chain.mfaSerial)
    throw new UsageError(
      `profile '${chain.base.name}' has no mfa_serial`,
      `run: mfa-env setup --profile ${chain.base.name}`,
    );
  if (chain.hops.length === 0) {
    const { session, source } = await baseSession(o, o.marginSeconds * 1000, o.durationSeconds, o.refresh);
    return { credentials: session, source, mfaExpiration: session.expiration };
  }
  checkDurations(o);
  const r = await obtainRole(o, chain.hops.length - 1, o.marginSeconds * 1000);
  return { credentials: r.role, source: r.source, mfaExpiration: r.role.mfaExpiration };
}

function baseSession(o: CredentialsOptions, marginMs: number, durationSeconds: number | undefined, refresh: boolean) {
  const base = o.chain.base;
  return obtainSession({
    store: o.store,
    profile: base.name,
    mfaSerial: o.chain.mfaSerial!,
    region: o.region,
    durationSeconds: durationSeconds ?? base.durationSeconds ?? DEFAULT_DURATION,
    refresh,
    noCache: o.noCache,
    lockDir: o.lockDir,
    getCode: o.getCode,
    onCall: o.onCall,
    onWait: (holder) => o.onWait?.(`minting a session for '${base.name}'`, holder),
    marginMs,
  });
}

const sourceOf = (o: CredentialsOptions, index: number) =>
  index === 0 ? o.chain.base.name : o.chain.hops[index - 1]!.profile;

async function obtainRole(
  o: CredentialsOptions,
  index: number,
  marginMs: number,
): Promise<{ role: CachedRole; source: 'cache' | 'minted' }> {
  const hop = o.chain.hops[index]!;
  const want = { profile: hop.profile, roleArn: hop.roleArn, sourceProfile: sourceOf(o, index) };
  const refresh = o.refresh && index === o.chain.hops.length - 1;
  if (o.noCache) return { role: await assume(o, index), source: 'minted' };
  if (!refresh) {
    const cached = await reusableRole(o.store, want, marginMs);
    if (cached) return { role: cached, source: 'cache' };
  }
  const release = await lockProfile(
    join(o.lockDir, 'roles'),
    `${hop.profile}.lock`,
    `assuming the role of profile '${hop.profile}' (it may be waiting for an MFA code)`,
    (holder) => o.onWait?.(`assuming the role of '${hop.profile}'`, holder),
  );
  try {
    if (!refresh) {
      // Someone may have assumed it while we waited for the lock.
      const cached = await reusableRole(o.store, want, marginMs);
      if (cached) return { role: cached, source: 'cache' };
    }
    const role = await assume(o, index);
    await saveRole(o.store, role);
    return { role, source: 'minted' };
  } finally {
    release();
  }
}

/** One AssumeRole, signed by what comes before it in the chain. Nothing is cached here. */
async function assume(o: CredentialsOptions, index: number): Promise<CachedRole> {
  const hop = o.chain.hops[index]!;
  const durationSeconds = roleDuration(o, index);
  const { assumeRole } = await import('../aws/sts.js');
  const call = (
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
    mfa?: { serialNumber: string; code: string },
  ) =>
    assumeRole({
      credentials,
      roleArn: hop.roleArn,
      roleSessionName: hop.roleSessionName,
      externalId: hop.externalId,
      durationSeconds,
      mfa,
      region: o.region,
      asker: hop.profile,
    });
  const made = (s: Session, mfaExpiration: Date): CachedRole => ({
    ...s,
    profile: hop.profile,
    roleArn: hop.roleArn,
    baseProfile: o.chain.base.name,
    sourceProfile: sourceOf(o, index),
    mfaExpiration,
  });

  if (index > 0) {
    // Hop by hop: the previous role's credentials sign this one.
    const { role: previous } = await obtainRole(o, index - 1, REUSE_MARGIN_MS);
    return made(await call(previous), previous.mfaExpiration);
  }
  if (durationSeconds > CHAINED_ROLE_LIMIT) {
    // An MFA session is temporary, and AWS caps what it assumes at 1 hour:
    // longer takes the long-term key itself, and a code for this call.
    const key = await readLongTermKey(o.store, o.chain.base.name);
    o.notify?.(
      `role profile '${hop.profile}' asks for ${durationSeconds} s; AWS limits a role assumed from an MFA session to 1 hour, so it is assumed with the key of '${o.chain.base.name}' and needs its own MFA code`,
    );
    // A code AWS refuses (typed wrong, or the one the MFA session just used) is asked again, as for a session.
    const s = await withCode(o.getCode, {}, (code) => call(key, { serialNumber: o.chain.mfaSerial!, code }));
    return made(s, s.expiration);
  }
  const { session, source } = await baseSession(o, REUSE_MARGIN_MS, undefined, false);
  try {
    return made(await call(session), session.expiration);
  } catch (err) {
    // A cached MFA session AWS no longer takes (revoked, or a clock far off):
    // a new one, with a code asked the usual way, and the role once more.
    const code = (err as { awsCode?: string }).awsCode;
    if (source !== 'cache' || (code !== 'ExpiredToken' && code !== 'InvalidClientTokenId')) throw err;
    const refused = `AWS refused the cached MFA session of '${o.chain.base.name}' (${code}) when assuming the role of '${hop.profile}'`;
    o.notify?.(`${refused}; starting a new one`);
    let renewed: Session;
    try {
      ({ session: renewed } = await baseSession(o, REUSE_MARGIN_MS, undefined, true));
    } catch (mintErr) {
      if (mintErr instanceof UsageError)
        throw new AwsRefusedError(
          `could not start a new MFA session of '${o.chain.base.name}': ${mintErr.message}`,
          mintErr.hint,
          code,
        );
      throw mintErr;
    }
    return made(await call(renewed), renewed.expiration);
  }
}
