import type { SecretStore } from '../../src/store/types.js';

/** A secret store for unit tests: nothing leaves the process. The product knows no such backend. */
export function createMemoryStore(initial: Record<string, string> = {}): SecretStore & { dump(): Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    backend: 'memory' as SecretStore['backend'],
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
