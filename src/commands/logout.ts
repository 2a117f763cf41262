import { resolveProfileName } from '../config/profiles.js';
import type { Dialect } from '../shells/types.js';
import { clearedEnvironment } from '../session/environment.js';
import { forgetSession, profilesWithSession } from '../session/cache.js';
import { detectDialect } from '../shells/detect.js';
import { dialects, renderChange } from '../shells/index.js';
import { ExitCode, MfaEnvError, StoreError } from '../errors.js';
import { openStore } from '../store/index.js';

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
    throw new StoreError(err.message, `${err.hint ? `${err.hint}; ` : ''}mfa unset (or eval "$(mfa-env unset)") clears this shell meanwhile`);
  }
  throw err;
}

export async function logoutCommand(args: { profile?: string; all?: boolean; shell?: Dialect }): Promise<number> {
  const store = openStore();
  // --all: every session in the store, also of profiles no longer in the AWS files.
  const names = args.all ? await profilesWithSession(store).catch(withUnsetHint) : [resolveProfileName(args.profile)];
  const removed: string[] = [];
  for (const name of names) {
    if (await forgetSession(store, name).catch(withUnsetHint)) removed.push(name);
  }
  process.stderr.write(
    removed.length
      ? `mfa-env: deleted the cached session of ${removed.map((n) => `'${n}'`).join(', ')}\n`
      : `mfa-env: no cached session to delete\n`,
  );
  printUnset(args.shell);
  return 0;
}
