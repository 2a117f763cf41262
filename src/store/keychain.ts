import { createRequire } from 'node:module';
import { StoreError } from '../errors.js';
import type { SecretStore } from './types.js';

type Keyring = typeof import('@napi-rs/keyring');

export const KEYCHAIN_SERVICE = 'mfa-env';
const TIMEOUT_MS = 3000;

// createRequire, not import: the native addon loads in ~2 ms this way, and
// esbuild leaves it out of the bundle (it is a .node binary per platform).
const require = createRequire(import.meta.url);
let keyring: Keyring | undefined;
function load(): Keyring {
  if (!keyring) {
    try {
      keyring = require('@napi-rs/keyring') as Keyring;
    } catch (err) {
      throw new StoreError(
        `cannot load the OS keychain module: ${(err as Error).message.split('\n')[0]}`,
        'reinstall mfa-env, or set MFA_ENV_STORE=file',
      );
    }
  }
  return keyring;
}

function platformName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

const unavailableHint =
  process.platform === 'linux'
    ? 'start and unlock your keyring (gnome-keyring, KeePassXC), or use MFA_ENV_STORE=file'
    : 'unlock your keychain, or use MFA_ENV_STORE=file';

/**
 * The keyring's errors in plain words where we recognise them (the raw ones
 * run to 250 characters: "Platform failure: DBus error: Did not receive a
 * reply. Possible causes include: ..."), else its first line, shortened.
 */
function cause(err: unknown): string {
  const raw = String((err as Error)?.message ?? err);
  if (/unlock prompt was dismissed|IsLocked|is locked/i.test(raw)) return 'the keyring is locked';
  if (/Failed to connect|autolaunch|DBUS_SESSION_BUS_ADDRESS/i.test(raw)) return 'no session bus to reach it on';
  if (/Did not receive a reply|timed? ?out/i.test(raw)) return 'it did not answer';
  if (/no result found/i.test(raw)) return 'there is no default keyring to store into';
  const first = raw.split('\n')[0] ?? raw;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

/**
 * Every call gets a deadline: a locked keyring may wait for an unlock dialog
 * nobody will see. We abort the call and report exit 4 instead of hanging.
 */
async function withDeadline<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort();
      reject(new StoreError(`the ${platformName()} did not answer within ${TIMEOUT_MS / 1000} s (${what})`, unavailableHint));
    }, TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([run(ctl.signal), timeout]);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(`the ${platformName()} is unavailable or locked (${what}): ${cause(err)}`, unavailableHint);
  } finally {
    clearTimeout(timer);
  }
}

export function createKeychainStore(): SecretStore {
  // On Linux, pin to the Secret Service: the kernel keyring fallback would
  // silently lose the long-term key at the next reboot.
  const options = process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
  const entry = (account: string) => new (load().AsyncEntry)(KEYCHAIN_SERVICE, account, options);
  return {
    backend: 'keychain',
    location: platformName(),
    async get(account) {
      const value = await withDeadline('read', (signal) => entry(account).getPassword(signal));
      return value ?? undefined;
    },
    async set(account, value) {
      await withDeadline('write', (signal) => entry(account).setPassword(value, signal));
    },
    async delete(account) {
      return withDeadline('delete', (signal) => entry(account).deleteCredential(signal));
    },
  };
}
