import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MfaEnvError, StoreError } from '../errors.js';
import { acquireLock } from '../fs/lock.js';
import type { SecretStore } from '../store/types.js';
import { reusableSession, saveSession } from './cache.js';
import { readLongTermKey } from './long-term-key.js';
import type { CachedSession } from './types.js';

/** How long to wait for another process minting the same profile's session. */
const MINT_LOCK_TIMEOUT_MS = 5 * 60_000;

export interface ObtainOptions {
  store: SecretStore;
  profile: string;
  mfaSerial: string;
  region: string | undefined;
  durationSeconds: number;
  /** Ignore the cache and mint a new session (the result is cached). */
  refresh: boolean;
  /** Neither read nor write the cache. */
  noCache: boolean;
  /** A cached session is reused while more than this remains (default REUSE_MARGIN_MS). */
  marginMs?: number;
  /** Where per-profile mint locks live. */
  lockDir: string;
  /** Asked only when a session must be minted. */
  getCode: () => Promise<string>;
  /** Told once when another process holds the profile's mint lock. */
  onWait?: () => void;
}

export interface Obtained {
  session: CachedSession;
  source: 'cache' | 'minted';
}

/**
 * profile → long-term key → STS → session → cache. Reuses a cached session
 * while it has time left; otherwise mints under a per-profile lock so that
 * several processes started together ask for one code and make one call.
 */
export async function obtainSession(o: ObtainOptions): Promise<Obtained> {
  const useCache = !o.noCache;
  if (useCache && !o.refresh) {
    const cached = await reusableSession(o.store, o.profile, o.mfaSerial, Date.now(), o.marginMs);
    if (cached) return { session: cached, source: 'cache' };
  }
  if (!useCache) return { session: await mint(o), source: 'minted' };

  const release = await lockProfile(o);
  try {
    if (!o.refresh) {
      // Someone may have minted while we waited for the lock.
      const cached = await reusableSession(o.store, o.profile, o.mfaSerial, Date.now(), o.marginMs);
      if (cached) return { session: cached, source: 'cache' };
    }
    const session = await mint(o);
    await saveSession(o.store, session);
    return { session, source: 'minted' };
  } finally {
    release();
  }
}

async function mint(o: ObtainOptions): Promise<CachedSession> {
  const key = await readLongTermKey(o.store, o.profile);
  const code = await o.getCode();
  const { getSessionToken } = await import('../aws/sts.js');
  const session = await getSessionToken({ key, mfaSerial: o.mfaSerial, code, durationSeconds: o.durationSeconds, region: o.region });
  return { ...session, profile: o.profile, sourceKeyId: key.accessKeyId, mfaSerial: o.mfaSerial };
}

async function lockProfile(o: ObtainOptions): Promise<() => void> {
  try {
    mkdirSync(o.lockDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError(`cannot create ${o.lockDir}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'set MFA_ENV_STORE_DIR to a writable directory');
  }
  // The holder may be waiting for a person to type a code or touch a key:
  // wait long. It keeps its lock fresh meanwhile; a dead or silent holder's
  // lock is taken over (see acquireLock).
  const path = join(o.lockDir, `${o.profile}.lock`);
  return acquireLock(path, {
    timeoutMs: MINT_LOCK_TIMEOUT_MS,
    purpose: `minting a session for profile '${o.profile}' (it may be waiting for an MFA code)`,
    onWait: o.onWait,
  }).catch((err: unknown) => {
    if (err instanceof MfaEnvError) throw err;
    throw new StoreError(`cannot create ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'set MFA_ENV_STORE_DIR to a writable directory');
  });
}
