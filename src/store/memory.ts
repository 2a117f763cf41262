import type { SecretStore } from './types.js';

/** For unit tests only: nothing leaves the process. */
export function createMemoryStore(initial: Record<string, string> = {}): SecretStore & { dump(): Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    backend: 'memory',
    location: 'memory',
    async get(account) {
      return items.get(account);
    },
    async set(account, value) {
      items.set(account, value);
    },
    async delete(account) {
      return items.delete(account);
    },
    async entries() {
      return new Map(items);
    },
    dump: () => new Map(items),
  };
}
