// What an STS answer must look like before mfa-env uses, caches or prints
// it: the checks every call that returns credentials makes (GetSessionToken
// today, AssumeRole with role profiles).
import { NetworkError } from '../errors.js';
import type { Session } from '../session/types.js';

/** The longest session STS issues (GetSessionToken's 129600 s); a later expiry is not STS's. */
export const MAX_SESSION_MS = 36 * 3600_000;

/**
 * Field lengths far above AWS's real ones (a key id is 16–128 characters, a
 * secret 40, a session token about 400–4000) and far below what breaks a
 * shell: a 1 MB token in the environment makes every later exec fail (E2BIG).
 */
export const MAX_FIELD_CHARS = { accessKeyId: 128, secretAccessKey: 1024, sessionToken: 16_384 } as const;

export interface StsCredentials {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date | string;
}

const clockHint = "is this machine's clock right? Compare it with a time server (timedatectl, or sntp), then try again";

/** `where` (e.g. "STS at https://…") answered something that is not credentials. */
function notSts(where: string, what: string): NetworkError {
  return new NetworkError(
    `${where} answered ${what}: not an STS response`,
    'check AWS_ENDPOINT_URL and any proxy in between, then try again',
  );
}

/**
 * The credentials in an STS answer, checked: all four fields, each of a
 * sane length, and an expiry STS could have meant: in the future, and no
 * further than the longest session STS gives. A session outside that would
 * be cached and exported for nothing (already expired: every AWS tool then
 * fails "refreshed credentials are still expired") or for ever (9999-12-31);
 * either way, nothing is cached. Throws NetworkError (exit 5).
 */
export function checkStsCredentials(c: StsCredentials | undefined, where: string, now = Date.now()): Session {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || c.Expiration === undefined) return missing(where);
  for (const [field, max] of Object.entries(MAX_FIELD_CHARS)) {
    const value = c[(field[0]!.toUpperCase() + field.slice(1)) as 'AccessKeyId'] as string;
    if (typeof value !== 'string' || value.length > max)
      throw notSts(where, `a ${field} of ${String(value?.length)} characters`);
  }
  const expiration = c.Expiration instanceof Date ? c.Expiration : new Date(c.Expiration);
  if (Number.isNaN(expiration.getTime())) throw notSts(where, 'an expiry that is not a time');
  const stamp = expiration.toISOString().replace(/\.000Z$/, 'Z');
  if (expiration.getTime() <= now) {
    throw new NetworkError(
      `${where} issued credentials that expired at ${stamp}, before this machine's time ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      clockHint,
    );
  }
  if (expiration.getTime() > now + MAX_SESSION_MS) {
    throw new NetworkError(
      `${where} issued credentials that expire at ${stamp}, more than 36 h after this machine's time`,
      clockHint,
    );
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration };
}

function missing(where: string): never {
  throw notSts(where, 'without credentials');
}
