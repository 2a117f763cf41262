import { followMfaEnvWrappers, profileNames, readProfile, resolveProfileName } from '../config/profiles.js';
import { nearest } from '../nearest.js';
import type { Dialect } from '../shells/types.js';
import { clearedEnvironment } from '../session/environment.js';
import { forgetSession, profilesWithSession } from '../session/cache.js';
import { forgetRole, profilesWithRole } from '../session/role-cache.js';
import { detectDialect } from '../shells/detect.js';
import { dialects, renderChange } from '../shells/index.js';
import { ExitCode, MfaEnvError, StoreError } from '../errors.js';
import { openStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';

function printUnset(shell: Dialect | undefined): void {
  process.stdout.write(renderChange(dialects[shell ?? detectDialect()], clearedEnvironment()));
}

export async function unsetCommand(args: { shell?: Dialect }): Promise<number> {
  printUnset(args.shell);
  return 0;
}

/**
 * The store failed: nothing is printed on stdout (a wrapper applies nothing
 * on failure), and the cached session is still there; say how to clear the
 * shell meanwhile.
 */
function withUnsetHint(err: unknown): never {
  if (err instanceof MfaEnvError && err.exitCode === ExitCode.store) {
    throw new StoreError(
      err.message,
      `${err.hint ? `${err.hint}; ` : ''}mfa unset (or eval "$(mfa-env unset)") clears this shell meanwhile`,
    );
  }
  throw err;
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * A role profile: its credentials. Any other profile: its session, and the
 * role credentials made from it (they would outlive the logout otherwise).
 * --all: every session and every role's credentials in the store, also of
 * profiles no longer in the AWS files.
 */
export async function logoutCommand(args: { profile?: string; all?: boolean; shell?: Dialect }): Promise<number> {
  const store = traceStore(openStore());
  const sessions: string[] = [];
  const roles: string[] = [];
  // A `setup --credential-process` profile's session is the one of the profile it runs mfa-env for.
  const asked = args.all ? undefined : resolveProfileName(args.profile);
  const name = asked === undefined ? undefined : await followMfaEnvWrappers(asked).catch(() => asked);
  // A bad line elsewhere in the profile (duration_seconds) must not stop a logout: read as unknown.
  const profile = name === undefined ? undefined : await readProfile(name).catch(() => undefined);
  const isRole = profile?.roleArn !== undefined;
  const sessionNames = args.all ? await profilesWithSession(store).catch(withUnsetHint) : isRole ? [] : [name!];
  const roleNames = args.all
    ? await profilesWithRole(store).catch(withUnsetHint)
    : isRole
      ? [name!]
      : await profilesWithRole(store, name).catch(withUnsetHint);
  for (const n of sessionNames) {
    if (await forgetSession(store, n).catch(withUnsetHint)) sessions.push(n);
  }
  for (const n of roleNames) {
    if (await forgetRole(store, n).catch(withUnsetHint)) roles.push(n);
  }
  const parts: string[] = [];
  if (sessions.length) parts.push(`the cached session of ${quoted(sessions)}`);
  if (roles.length)
    parts.push(
      args.all || isRole
        ? `the cached credentials of ${quoted(roles)}`
        : `the role credentials made from '${name}': ${quoted(roles)}`,
    );
  let said = parts.length
    ? `deleted ${parts.join(' and ')}`
    : isRole
      ? `no cached credentials to delete`
      : 'no cached session to delete';
  if (!parts.length && name !== undefined && profile !== undefined && !profile.exists) {
    // Nothing cached and in neither file: a typo, most likely.
    const guess = nearest(name, await profileNames().catch(() => []));
    said += ` (no profile '${name}'${guess ? `; did you mean ${guess}?` : ''})`;
  }
  process.stderr.write(`mfa-env: ${said}\n`);
  if (process.stdout.isTTY && args.shell === undefined) {
    // The lines are for a shell to apply; on the screen they clear nothing.
    process.stderr.write(
      `mfa-env: a shell that holds the session keeps it until it runs: mfa logout (or eval "$(mfa-env logout)")\n`,
    );
    return 0;
  }
  printUnset(args.shell);
  return 0;
}
