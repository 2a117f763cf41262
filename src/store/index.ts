import { storeDir } from '../config/paths.js';
import { StoreError, UsageError } from '../errors.js';
import { createFileStore } from './file.js';
import { createKeychainStore } from './keychain.js';
import type { SecretStore } from './types.js';

export type { SecretStore } from './types.js';
export { accountFor } from './types.js';

/** The backend named by MFA_ENV_STORE: `keychain` (default) or `file`. */
export function openStore(env = process.env): SecretStore {
  const kind = (env.MFA_ENV_STORE || 'keychain').toLowerCase();
  if (kind === 'keychain') return createKeychainStore();
  if (kind === 'file') {
    return createFileStore(storeDir(env), async (creating) => {
      if (env.MFA_ENV_FILE_PASSPHRASE) return env.MFA_ENV_FILE_PASSPHRASE;
      const { ask } = await import('../prompts/ask.js');
      const noTerminal = () =>
        new StoreError('the file store needs a passphrase and there is no terminal to ask on', 'set MFA_ENV_FILE_PASSPHRASE');
      const pass = await ask<string>({ type: 'password', message: creating ? 'New passphrase for the mfa-env file store' : 'mfa-env file store passphrase' }, noTerminal);
      if (creating) {
        const again = await ask<string>({ type: 'password', message: 'Same passphrase again' }, noTerminal);
        if (again !== pass) throw new UsageError('the two passphrases differ; nothing was stored', 'run the command again');
      }
      return pass;
    });
  }
  throw new UsageError(`MFA_ENV_STORE='${kind.slice(0, 20)}' is not a store (use keychain or file)`, 'see mfa-env --help');
}
