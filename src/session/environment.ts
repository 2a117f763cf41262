import type { Session } from './types.js';

/**
 * The change to make to an environment, as plain data: name → value, where
 * `undefined` means "unset". Built once here; the shells only render it
 * (src/shells) and mfa-exec applies it to the child's environment.
 */
export type EnvChange = Map<string, string | undefined>;

/** Credential variables that must never leak from an older session or profile. */
export const STALE_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'MFA_ENV_PROFILE',
  'MFA_ENV_EXPIRES',
  'MFA_ENV_MFA_EXPIRES',
] as const;

/** RFC 3339, UTC, `Z`, whole seconds: what botocore, the JS SDK and starship parse. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch seconds, what a prompt compares with its own clock. */
const epoch = (date: Date) => String(Math.floor(date.getTime() / 1000));

/**
 * `mfaExpiration`: the MFA session behind the credentials (a role's base
 * session); for a plain profile, the session itself.
 */
export function sessionEnvironment(
  session: Session,
  profile: string,
  region: string | undefined,
  mfaExpiration = session.expiration,
): EnvChange {
  const expiry = rfc3339(session.expiration);
  const change: EnvChange = new Map<string, string | undefined>([
    ['AWS_ACCESS_KEY_ID', session.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', session.secretAccessKey],
    ['AWS_SESSION_TOKEN', session.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', expiry],
    ['AWS_SESSION_EXPIRATION', expiry],
  ]);
  if (region) {
    change.set('AWS_REGION', region);
    change.set('AWS_DEFAULT_REGION', region);
  }
  change.set('MFA_ENV_PROFILE', profile);
  change.set('MFA_ENV_EXPIRES', epoch(session.expiration));
  change.set('MFA_ENV_MFA_EXPIRES', epoch(mfaExpiration));
  // AWS_PROFILE would point SDKs back at the long-term profile.
  change.set('AWS_PROFILE', undefined);
  change.set('AWS_SECURITY_TOKEN', undefined);
  return change;
}

/**
 * What `logout` and `unset` print: every credential variable a session sets.
 * The region and AWS_PROFILE are the user's choice, not secrets: left alone.
 */
export function clearedEnvironment(): EnvChange {
  return new Map(STALE_VARIABLES.filter((n) => n !== 'AWS_PROFILE').map((n) => [n, undefined]));
}

/**
 * What unlocks the long-term key. No process we start gets it: mfa-exec's
 * child gets the session only, mfa_process a code to print.
 */
export const NOT_FOR_CHILDREN = ['MFA_ENV_FILE_PASSPHRASE'] as const;

/** A copy of `base` for any process we start (mfa_process, mfa-exec's child): NOT_FOR_CHILDREN removed. */
export function childEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...base };
  for (const name of NOT_FOR_CHILDREN) delete out[name];
  return out;
}

/** Applies a change to a copy of `base` (for mfa-exec's child). */
export function applyEnvironment(base: NodeJS.ProcessEnv, change: EnvChange): NodeJS.ProcessEnv {
  const out = childEnvironment(base);
  for (const name of STALE_VARIABLES) delete out[name];
  for (const [name, value] of change) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}
