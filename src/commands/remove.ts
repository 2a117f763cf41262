import { resolveProfileName } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { forgetSession } from '../session/cache.js';
import { deleteLongTermKey } from '../session/long-term-key.js';
import { forgetRole, profilesWithRole } from '../session/role-cache.js';
import { openStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';

export async function removeCommand(args: { profile: string }): Promise<number> {
  const name = resolveProfileName(args.profile);
  const store = traceStore(openStore());
  const session = await forgetSession(store, name);
  const key = await deleteLongTermKey(store, name);
  // A role profile's own credentials, and the role credentials made from this profile's key.
  const roles: string[] = [];
  for (const role of [...new Set([name, ...(await profilesWithRole(store, name))])]) {
    if (await forgetRole(store, role)) roles.push(role);
  }
  if (!key && !session && roles.length === 0) {
    throw new UsageError(`nothing is stored for profile '${name}'`, 'mfa-env status lists what is stored');
  }
  const what = [key && 'long-term key', session && 'cached session', roles.includes(name) && 'cached role credentials']
    .filter(Boolean)
    .join(' and ');
  const made = roles.filter((r) => r !== name);
  process.stderr.write(
    `mfa-env: removed ${what ? `the ${what} of '${name}'` : ''}${what && made.length ? ', and ' : ''}${made.length ? `the role credentials made from it (${made.map((r) => `'${r}'`).join(', ')})` : ''} from the ${store.location}\n`,
  );
  return 0;
}
