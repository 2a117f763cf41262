// Role credentials, cached in the secret store under the role profile, next
// to the base profile's MFA session (cache.ts).
import { accountFor, accountOf, entriesOfKind, type SecretStore } from '../store/types.js';
import { decodeStored } from './stored.js';
import type { Session } from './types.js';

/** Role credentials plus what they were assumed from. */
export interface CachedRole extends Session {
  /** The role profile. */
  profile: string;
  roleArn: string;
  /** The profile whose long-term key the chain starts from (logout of it forgets this). */
  baseProfile: string;
  /** The profile whose credentials signed the AssumeRole (the base, or another role). */
  sourceProfile: string;
  /** The MFA session's expiry behind these credentials (MFA_ENV_MFA_EXPIRES). */
  mfaExpiration: Date;
}

interface Stored {
  v: 1;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  profile: string;
  roleArn: string;
  baseProfile: string;
  sourceProfile: string;
  mfaExpiration: string;
}

function decode(text: string): CachedRole | undefined {
  return decodeStored(
    text,
    ['accessKeyId', 'secretAccessKey', 'sessionToken', 'profile', 'roleArn', 'baseProfile', 'sourceProfile'],
    ['expiration', 'mfaExpiration'],
  );
}

export async function peekRole(store: SecretStore, profile: string): Promise<CachedRole | undefined> {
  const text = await store.get(accountFor.role(profile));
  return text === undefined ? undefined : decode(text);
}

/** The role credentials among a store's entries, by role profile, valid or not (for status). */
export function rolesIn(entries: Map<string, string>): Map<string, CachedRole> {
  return entriesOfKind(entries, 'role', decode);
}

/** The cached credentials when they are of this role, from this source, with more than `marginMs` left. */
export async function reusableRole(
  store: SecretStore,
  want: { profile: string; roleArn: string; sourceProfile: string },
  marginMs: number,
  now = Date.now(),
): Promise<CachedRole | undefined> {
  const r = await peekRole(store, want.profile);
  if (!r || r.profile !== want.profile || r.roleArn !== want.roleArn || r.sourceProfile !== want.sourceProfile)
    return undefined;
  return r.expiration.getTime() - now > marginMs ? r : undefined;
}

export async function saveRole(store: SecretStore, role: CachedRole): Promise<void> {
  const stored: Stored = {
    v: 1,
    ...role,
    expiration: role.expiration.toISOString(),
    mfaExpiration: role.mfaExpiration.toISOString(),
  };
  await store.set(accountFor.role(role.profile), JSON.stringify(stored));
}

export async function forgetRole(store: SecretStore, profile: string): Promise<boolean> {
  return store.delete(accountFor.role(profile));
}

/** Role profiles with cached credentials; with `baseProfile`, only those made from it (logout of the base). */
export async function profilesWithRole(store: SecretStore, baseProfile?: string): Promise<string[]> {
  const entries = await store.entries();
  if (baseProfile === undefined) {
    return [...entries.keys()]
      .map(accountOf)
      .flatMap((of) => (of?.kind === 'role' ? [of.profile] : []))
      .sort();
  }
  return [...rolesIn(entries)]
    .filter(([, r]) => r.baseProfile === baseProfile)
    .map(([name]) => name)
    .sort();
}
