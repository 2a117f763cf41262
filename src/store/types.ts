/** Where secrets live. One small interface, one file per backend. */
export interface SecretStore {
  readonly backend: 'keychain' | 'file';
  /** Human description for status/doctor (never secret). */
  readonly location: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account of this store and its value, in one read (for status and logout --all). */
  entries(): Promise<Map<string, string>>;
}

/** The file store's one file, in its directory (MFA_ENV_STORE_DIR). */
export const STORE_FILE_NAME = 'store.enc';

/** Account names inside the store: one namespace, built in one place. */
export const accountFor = {
  longTermKey: (profile: string) => `key:${profile}`,
  session: (profile: string) => `session:${profile}`,
  /** A role profile's credentials (src/session/role-cache.ts). */
  role: (profile: string) => `role:${profile}`,
};

export type AccountKind = 'longTermKey' | 'session' | 'role';

/** The other way: what an account holds and for which profile; undefined for one that is not ours. */
export function accountOf(account: string): { kind: AccountKind; profile: string } | undefined {
  const colon = account.indexOf(':');
  const profile = account.slice(colon + 1);
  if (colon < 0 || !profile) return undefined;
  const prefix = account.slice(0, colon);
  if (prefix === 'key') return { kind: 'longTermKey', profile };
  if (prefix === 'session') return { kind: 'session', profile };
  if (prefix === 'role') return { kind: 'role', profile };
  return undefined;
}

/** The entries of one kind (SecretStore.entries), decoded, by profile; undecodable ones left out. */
export function entriesOfKind<T>(
  entries: Map<string, string>,
  kind: AccountKind,
  decode: (text: string) => T | undefined,
): Map<string, T> {
  const found = new Map<string, T>();
  for (const [account, text] of entries) {
    const of = accountOf(account);
    const value = of?.kind === kind ? decode(text) : undefined;
    if (value !== undefined) found.set(of!.profile, value);
  }
  return found;
}
