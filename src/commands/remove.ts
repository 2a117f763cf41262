import { resolveProfileName } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { forgetSession } from '../session/cache.js';
import { deleteLongTermKey } from '../session/long-term-key.js';
import { openStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';

export async function removeCommand(args: { profile: string }): Promise<number> {
  const name = resolveProfileName(args.profile);
  const store = traceStore(openStore());
  const session = await forgetSession(store, name);
  const key = await deleteLongTermKey(store, name);
  if (!key && !session) {
    throw new UsageError(`nothing is stored for profile '${name}'`, 'mfa-env status lists what is stored');
  }
  process.stderr.write(`mfa-env: removed the ${[key && 'long-term key', session && 'cached session'].filter(Boolean).join(' and ')} of '${name}' from the ${store.location}\n`);
  return 0;
}
