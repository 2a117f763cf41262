/** Where secrets live. One small interface, one file per backend. */
export interface SecretStore {
  readonly backend: 'keychain' | 'file' | 'memory';
  /** Human description for status/doctor (never secret). */
  readonly location: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/** The file store's one file, in its directory (MFA_ENV_STORE_DIR). */
export const STORE_FILE_NAME = 'store.enc';

/** Account names inside the store: one namespace, built in one place. */
export const accountFor = {
  longTermKey: (profile: string) => `key:${profile}`,
  session: (profile: string) => `session:${profile}`,
};
