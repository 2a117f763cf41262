import { debug, debugEnabled } from '../debug.js';
import type { SecretStore } from '../store/types.js';

// --debug's view of the secret store: which backend, what each look answered
// (hit, miss, or the error: locked, timed out, unreachable) and how long it
// took. Account names carry a profile name only; values are never shown.

function failed(err: unknown): string {
  const e = err as { name?: string; message?: string; exitCode?: number };
  return `failed: ${e?.message ?? String(err)}${e?.exitCode ? ` (exit ${e.exitCode})` : ''}`;
}

async function timed<T>(what: string, call: () => Promise<T>, answer: (value: T) => string): Promise<T> {
  const started = Date.now();
  try {
    const value = await call();
    debug(`${what}: ${answer(value)} in ${Date.now() - started} ms`);
    return value;
  } catch (err) {
    debug(`${what}: ${failed(err)} after ${Date.now() - started} ms`);
    throw err;
  }
}

/** The store itself when --debug is off; otherwise the same store, each call traced. */
export function traceStore(store: SecretStore): SecretStore {
  if (!debugEnabled()) return store;
  const name = `store ${store.backend}`;
  debug(`${name}: ${store.location}`);
  return {
    backend: store.backend,
    location: store.location,
    get: (account) =>
      timed(
        `${name}: get ${account}`,
        () => store.get(account),
        (v) => (v === undefined ? 'miss' : 'hit'),
      ),
    set: (account, value) =>
      timed(
        `${name}: set ${account}`,
        () => store.set(account, value),
        () => 'written',
      ),
    delete: (account) =>
      timed(
        `${name}: delete ${account}`,
        () => store.delete(account),
        (gone) => (gone ? 'deleted' : 'nothing there'),
      ),
    entries: () =>
      timed(
        `${name}: all entries`,
        () => store.entries(),
        (m) => `${m.size} entries`,
      ),
  };
}
