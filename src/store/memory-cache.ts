// A store whose cached sessions and role credentials live in this process's
// memory only, over the real store that holds the long-term keys: what
// `mfa-exec --server --no-cache` renews from, so that a job running for hours
// asks one code per MFA session (role credentials are assumed again from it)
// and still writes no session anywhere.
import { accountOf, type SecretStore } from './types.js';

export function withMemoryCache(store: SecretStore): SecretStore {
  const memory = new Map<string, string>();
  const cached = (account: string) => {
    const kind = accountOf(account)?.kind;
    return kind === 'session' || kind === 'role';
  };
  return {
    backend: store.backend,
    location: store.location,
    get: async (account) => (cached(account) ? memory.get(account) : store.get(account)),
    set: async (account, value) => {
      if (cached(account)) memory.set(account, value);
      else await store.set(account, value);
    },
    delete: async (account) => (cached(account) ? memory.delete(account) : store.delete(account)),
    entries: async () => {
      const all = new Map([...(await store.entries())].filter(([account]) => !cached(account)));
      for (const [account, value] of memory) all.set(account, value);
      return all;
    },
  };
}
