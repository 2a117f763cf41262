import type { CachedSession, Session } from '../session/types.js';
import { lockDir } from '../config/paths.js';
import { readProfile, resolveProfileName } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { readLongTermKey } from '../session/long-term-key.js';
import { lockProfile } from '../session/obtain.js';
import { roleProfileError, rotateKey } from '../session/rotate.js';
import { openStore } from '../store/index.js';
import { sessionFromArgs } from './session.js';

export interface RotateArgs {
  profile?: string;
  code?: string;
}

/** Follows source_profile from a role profile to the profile that holds the key (undefined on a loop or a gap). */
async function baseOf(name: string): Promise<string | undefined> {
  const seen = new Set<string>([name]);
  let at = await readProfile(name);
  while (at.roleArn) {
    const next = at.sourceProfile;
    if (!next || seen.has(next)) return undefined;
    seen.add(next);
    at = await readProfile(next);
  }
  return at.name;
}

const say = (line: string) => process.stderr.write(`mfa-env: ${line}\n`);

export async function rotateCommand(args: RotateArgs): Promise<number> {
  const name = resolveProfileName(args.profile);
  const profile = await readProfile(name);
  if (profile.roleArn) throw roleProfileError(name, await baseOf(name).catch(() => undefined));
  const store = openStore();
  const oldKey = await readLongTermKey(store, name);
  // The IAM calls are signed with an MFA session of the stored key: the cached one, else a new one.
  // A plain profile's credentials are its cached MFA session, which knows the key it came from.
  const signedBy = (s: Session) => (s as Partial<CachedSession>).sourceKeyId;
  let { session } = await sessionFromArgs({ profile: name, code: args.code });
  if (signedBy(session) !== oldKey.accessKeyId) {
    // Cached from a key that is no longer the stored one.
    ({ session } = await sessionFromArgs({ profile: name, code: args.code, refresh: true }));
  }
  if (signedBy(session) !== oldKey.accessKeyId)
    throw new UsageError(`the stored key for '${name}' changed while rotating it`, 'run mfa-env rotate again');
  // A mint of this profile meanwhile would sign with the key being replaced: it waits for the rotation.
  const release = await lockProfile(lockDir(), `${name}.lock`, `rotating the key of profile '${name}'`, () =>
    say(`waiting for another mfa-env minting a session for '${name}'`),
  );
  let rotated: Awaited<ReturnType<typeof rotateKey>>;
  try {
    // Another rotate may have finished while this one waited.
    if ((await readLongTermKey(store, name)).accessKeyId !== oldKey.accessKeyId)
      throw new UsageError(
        `the stored key for '${name}' changed while rotating it (another mfa-env rotate?)`,
        'run mfa-env rotate again if you still want a new key',
      );
    rotated = await rotateKey({ store, profile: name, oldKey, session, region: profile.region, onProgress: say });
  } finally {
    release();
  }
  say(
    `created key ${rotated.newKeyId} for IAM user ${rotated.userName}; stored for profile '${rotated.profiles.join("', '")}'; it works (after ${(rotated.verifiedAfterMs / 1000).toFixed(1)} s)`,
  );
  const forgotten = rotated.forgotten.length
    ? `; forgot the cached session${rotated.forgotten.length > 1 ? 's' : ''} of '${rotated.forgotten.join("', '")}' (the next export asks for a code)`
    : '';
  say(`deleted the old key ${rotated.oldKeyId}${forgotten}`);
  return 0;
}
