// Drives one secret store backend in its own process, the way the CLI will:
//
//   node --import tsx test/helpers/store-op.ts keychain|file get ACCOUNT
//   ... set ACCOUNT VALUE | delete ACCOUNT | entries | set-many PREFIX COUNT
//
// The file backend reads MFA_ENV_STORE_DIR and MFA_ENV_FILE_PASSPHRASE.
// stdout: one JSON line {"result": ..., "ms": N}. On a MfaEnvError: one line
// on stderr and the error's exit code (StoreError: 4), via process.exit like
// the CLI's error handler, because a keyring call that outlived its deadline
// keeps running in a native thread and would otherwise keep the process alive.
import { MfaEnvError } from '../../src/errors.js';
import { createFileStore } from '../../src/store/file.js';
import { createKeychainStore } from '../../src/store/keychain.js';
import type { SecretStore } from '../../src/store/types.js';

function open(backend: string | undefined): SecretStore {
  if (backend === 'keychain') return createKeychainStore();
  if (backend === 'file') {
    const dir = process.env.MFA_ENV_STORE_DIR;
    if (!dir) throw new Error('store-op: MFA_ENV_STORE_DIR is not set');
    return createFileStore(dir, async () => process.env.MFA_ENV_FILE_PASSPHRASE ?? '');
  }
  throw new Error(`store-op: unknown backend ${backend}`);
}

async function run(store: SecretStore, op: string | undefined, args: string[]): Promise<unknown> {
  const [account = '', value = ''] = args;
  switch (op) {
    case 'get':
      return (await store.get(account)) ?? null;
    case 'set':
      await store.set(account, value);
      return true;
    case 'delete':
      return store.delete(account);
    case 'entries':
      return Object.fromEntries(await store.entries());
    case 'set-many': {
      const count = Number(value);
      for (let i = 0; i < count; i++) await store.set(`${account}${i}`, `value-of-${account}${i}`);
      return count;
    }
    default:
      throw new Error(`store-op: unknown op ${op}`);
  }
}

const [backend, op, ...args] = process.argv.slice(2);
const started = performance.now();
try {
  const result = await run(open(backend), op, args);
  process.stdout.write(JSON.stringify({ result, ms: Math.round(performance.now() - started) }) + '\n');
  process.exit(0);
} catch (err) {
  const ms = Math.round(performance.now() - started);
  if (err instanceof MfaEnvError) {
    process.stderr.write(`${err.name}: ${err.message} (${ms} ms)\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`store-op: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
