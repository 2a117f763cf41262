import { join } from 'node:path';
import { storeDir } from '../config/paths.js';
import { StoreError, UsageError } from '../errors.js';
import type { PassphraseSource } from './file.js';
import { createKeychainStore, keychainReadAhead } from './keychain.js';
import { STORE_FILE_NAME, type SecretStore } from './types.js';

export type { SecretStore } from './types.js';
export { accountFor, accountOf } from './types.js';

/**
 * A read of `account` from the store `env` names comes next: let it start
 * what it can now, to travel while the caller does other work (the keychain
 * sends its look at the Secret Service). Never throws; openStore reports a
 * bad MFA_ENV_STORE.
 */
export function readAhead(account: string, env = process.env): void {
  if ((env.MFA_ENV_STORE || 'keychain').toLowerCase() === 'keychain') keychainReadAhead(account);
}

const opened = new Map<string, SecretStore>();

/**
 * The backend named by MFA_ENV_STORE: `keychain` (default) or `file`. One
 * store per backend and place for the whole run: commands that look at the
 * store twice (setup, --write-profile's checks, then the session) ask for the
 * file store's passphrase and derive its key once, not once per look.
 */
export function openStore(env = process.env): SecretStore {
  const kind = (env.MFA_ENV_STORE || 'keychain').toLowerCase();
  const id = kind === 'file' ? `file:${storeDir(env)}` : kind;
  let store = opened.get(id);
  if (!store) {
    store = newStore(kind, env);
    opened.set(id, store);
  }
  return store;
}

function newStore(kind: string, env: NodeJS.ProcessEnv): SecretStore {
  if (kind === 'keychain') return createKeychainStore();
  if (kind === 'file') {
    return lazyFileStore(storeDir(env), async (creating) => {
      if (env.MFA_ENV_FILE_PASSPHRASE) return env.MFA_ENV_FILE_PASSPHRASE;
      const { ask } = await import('../prompts/ask.js');
      const noTerminal = () =>
        new StoreError(
          'the file store needs a passphrase and there is no terminal to ask on',
          'set MFA_ENV_FILE_PASSPHRASE',
        );
      const pass = await ask<string>(
        {
          type: 'password',
          message: creating ? 'New passphrase for the mfa-env file store' : 'mfa-env file store passphrase',
        },
        noTerminal,
      );
      if (creating) {
        const again = await ask<string>({ type: 'password', message: 'Same passphrase again' }, noTerminal);
        if (again !== pass)
          throw new UsageError('the two passphrases differ; nothing was stored', 'run the command again');
      }
      return pass;
    });
  }
  throw new UsageError(
    `MFA_ENV_STORE='${kind.slice(0, 20)}' is not a store (use keychain or file)`,
    'see mfa-env --help',
  );
}

/**
 * The file store, its module (and node:crypto, ~10 ms to load) loaded on
 * first use: the default keychain store's users never pay for it.
 */
function lazyFileStore(dir: string, askPassphrase: PassphraseSource): SecretStore {
  let store: Promise<SecretStore> | undefined;
  const open = () => (store ??= import('./file.js').then((m) => m.createFileStore(dir, askPassphrase)));
  return {
    backend: 'file',
    location: join(dir, STORE_FILE_NAME),
    get: async (account) => (await open()).get(account),
    set: async (account, value) => (await open()).set(account, value),
    delete: async (account) => (await open()).delete(account),
    entries: async () => (await open()).entries(),
  };
}
