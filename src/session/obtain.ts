import { dirname, join } from 'node:path';
import { maskKeyId } from '../commands/mask.js';
import { debug } from '../debug.js';
import { AwsRefusedError, MfaEnvError, StoreError } from '../errors.js';
import { acquireLock } from '../fs/lock.js';
import { privateDir } from '../fs/private-dir.js';
import type { SecretStore } from '../store/types.js';
import { peekSession, reusableSession, saveSession } from './cache.js';
import { readLongTermKey } from './long-term-key.js';
import type { CachedSession } from './types.js';

/** How long to wait for another process minting the same profile's session. */
const MINT_LOCK_TIMEOUT_MS = 5 * 60_000;

/** How many codes a person at a terminal may try when AWS refuses one. */
export const CODE_ATTEMPTS = 3;

/** Why a code is asked for, for the one asking. */
export interface CodeRequest {
  /** The previous code, which AWS refused (wrong or already used). */
  refused?: string;
  /** A cached session that was not reused because it has 5 minutes or less left. */
  expiring?: CachedSession;
}

export interface CodeAnswer {
  code: string;
  /** A person typed it: when AWS refuses it, asking again may help. */
  canRetry: boolean;
}

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
  /** Asked only when a session must be minted; again after a refused code when the answer said it can be. */
  getCode: (why: CodeRequest) => Promise<CodeAnswer>;
  /** Told once when another process holds the profile's mint lock (who, when that can be told). */
  onWait?: (holder?: string) => void;
  /** Told when the STS request goes out; what it returns is called when the answer is in. */
  onCall?: () => () => void;
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
  if (!useCache) return { session: await mint(o, undefined), source: 'minted' };

  const release = await lockProfile(
    o.lockDir,
    `${o.profile}.lock`,
    `minting a session for profile '${o.profile}' (it may be waiting for an MFA code)`,
    o.onWait,
  );
  try {
    let expiring: CachedSession | undefined;
    if (!o.refresh) {
      // Someone may have minted while we waited for the lock.
      const cached = await reusableSession(o.store, o.profile, o.mfaSerial, Date.now(), o.marginMs);
      if (cached) return { session: cached, source: 'cache' };
      expiring = await expiringSession(o);
    }
    const session = await mint(o, expiring);
    await saveSession(o.store, session);
    return { session, source: 'minted' };
  } finally {
    release();
  }
}

/** The profile's cached session when it is still valid but inside the reuse margin. */
async function expiringSession(o: ObtainOptions): Promise<CachedSession | undefined> {
  const s = await peekSession(o.store, o.profile).catch(() => undefined);
  if (!s || s.profile !== o.profile || s.mfaSerial !== o.mfaSerial) return undefined;
  return s.expiration.getTime() > Date.now() ? s : undefined;
}

async function mint(o: ObtainOptions, expiring: CachedSession | undefined): Promise<CachedSession> {
  const key = await readLongTermKey(o.store, o.profile);
  debug(
    `minting: long-term key ${maskKeyId(key.accessKeyId)}, MFA device ${o.mfaSerial}, ${o.durationSeconds} s, region ${o.region ?? '(none: us-east-1)'}`,
  );
  return withCode(o.getCode, { expiring }, async (code) => {
    const { getSessionToken } = await import('../aws/sts.js');
    const done = o.onCall?.();
    try {
      const session = await getSessionToken({
        key,
        mfaSerial: o.mfaSerial,
        code,
        durationSeconds: o.durationSeconds,
        region: o.region,
      });
      return { ...session, profile: o.profile, sourceKeyId: key.accessKeyId, mfaSerial: o.mfaSerial };
    } finally {
      done?.();
    }
  });
}

/**
 * `call` with an MFA code from `getCode`; a code AWS refuses (wrong, or
 * already used) is asked again, up to CODE_ATTEMPTS, when the answer said it
 * can be (a person at the terminal, not --code or mfa_process).
 */
export async function withCode<T>(
  getCode: (why: CodeRequest) => Promise<CodeAnswer>,
  why: Omit<CodeRequest, 'refused'>,
  call: (code: string) => Promise<T>,
): Promise<T> {
  let refused: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const answer = await getCode({ ...why, refused });
    try {
      return await call(answer.code);
    } catch (err) {
      const again = err instanceof AwsRefusedError && err.codeRefused;
      if (!(answer.canRetry && attempt < CODE_ATTEMPTS && again)) throw err;
      refused = answer.code;
    }
  }
}

/** Takes `dir/file`, waiting for another process that holds it (role-credentials.ts shares this). */
export async function lockProfile(
  dir: string,
  file: string,
  purpose: string,
  onWait?: (holder?: string) => void,
): Promise<() => void> {
  privateDir(dirname(dir), { allowLink: true });
  privateDir(dir, { allowLink: false });
  // The holder may be waiting for a person to type a code or touch a key:
  // wait long. It keeps its lock fresh meanwhile; a dead or silent holder's
  // lock is taken over (see acquireLock).
  const path = join(dir, file);
  const started = Date.now();
  let waited = false;
  return acquireLock(path, {
    timeoutMs: MINT_LOCK_TIMEOUT_MS,
    purpose,
    onWait: (holder) => {
      waited = true;
      debug(`lock: ${path} is held by another mfa-env${holder ? ` (${holder})` : ''}; waiting`);
      onWait?.(holder);
    },
  }).then(
    (release) => {
      debug(`lock: ${path} taken${waited ? ` after waiting ${Date.now() - started} ms` : ''}`);
      return release;
    },
    (err: unknown) => {
      if (err instanceof MfaEnvError) throw err;
      throw new StoreError(
        `cannot create ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        'set MFA_ENV_STORE_DIR to a writable directory',
      );
    },
  );
}
