import { maskKeyId } from '../commands/mask.js';
import { debug } from '../debug.js';
import { accountFor, accountOf, entriesOfKind, type SecretStore } from '../store/types.js';
import { decodeStored } from './stored.js';
import type { CachedSession } from './types.js';

/** A cached session is reused by export and mfa-exec while more than this remains. */
export const REUSE_MARGIN_MS = 5 * 60 * 1000;

/**
 * What goes to an SDK (credential_process, -f credential-process, the
 * credential server) is reused only while more than this remains: botocore
 * and the other SDKs refresh 15 minutes before expiry and would otherwise
 * ask again on every call.
 */
export const SDK_MARGIN_MS = 15 * 60 * 1000;

interface Stored {
  v: 1;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  profile: string;
  sourceKeyId: string;
  mfaSerial: string;
}

function decode(text: string): CachedSession | undefined {
  return decodeStored(
    text,
    ['accessKeyId', 'secretAccessKey', 'sessionToken', 'profile', 'sourceKeyId', 'mfaSerial'],
    ['expiration'],
  );
}

/** Any session cached for the profile, valid or not (for status). */
export async function peekSession(store: SecretStore, profile: string): Promise<CachedSession | undefined> {
  const text = await store.get(accountFor.session(profile));
  return text === undefined ? undefined : decode(text);
}

/** The sessions among a store's entries (SecretStore.entries), by profile, valid or not (for status). */
export function sessionsIn(entries: Map<string, string>): Map<string, CachedSession> {
  return entriesOfKind(entries, 'session', decode);
}

/** The profiles with a session in the store, valid or not (for logout --all). */
export async function profilesWithSession(store: SecretStore): Promise<string[]> {
  return [...(await store.entries()).keys()]
    .map(accountOf)
    .flatMap((of) => (of?.kind === 'session' ? [of.profile] : []))
    .sort();
}

/** The cached session when it matches the profile's MFA device and has time left. */
export async function reusableSession(
  store: SecretStore,
  profile: string,
  mfaSerial: string,
  now = Date.now(),
  marginMs = REUSE_MARGIN_MS,
): Promise<CachedSession | undefined> {
  const s = await peekSession(store, profile);
  if (!s || s.profile !== profile || s.mfaSerial !== mfaSerial) {
    debug(
      `cache: ${s ? `the session cached for '${profile}' is for another profile or MFA device` : `no session cached for '${profile}'`}`,
    );
    return undefined;
  }
  const left = s.expiration.getTime() - now;
  const reuse = left > marginMs;
  debug(
    `cache: session ${maskKeyId(s.accessKeyId)} for '${profile}' expires ${s.expiration.toISOString()} (${Math.round(left / 60_000)} min left): ${reuse ? 'reused' : 'too close to expiry'}`,
  );
  return reuse ? s : undefined;
}

export async function saveSession(store: SecretStore, session: CachedSession): Promise<void> {
  const stored: Stored = { v: 1, ...session, expiration: session.expiration.toISOString() };
  await store.set(accountFor.session(session.profile), JSON.stringify(stored));
  debug(
    `cache: saved session ${maskKeyId(session.accessKeyId)} for '${session.profile}', expires ${stored.expiration}`,
  );
}

export async function forgetSession(store: SecretStore, profile: string): Promise<boolean> {
  return store.delete(accountFor.session(profile));
}
