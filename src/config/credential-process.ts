// `setup --credential-process NAME`: a profile in the AWS config file whose
// credentials come from `mfa-env credential-process`. The AWS CLI splits the
// line with shlex and runs it without a shell; the JS SDK runs it through
// /bin/sh; the Go SDK (terraform) through sh -c. A word quoted for sh is read
// the same way by all three.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { findOnPath } from '../os/path-search.js';
import { posixWord } from '../shells/posix.js';
import { editSection, inFile, readSection, sectionFor } from './ini-edit.js';

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * How a tool should start this mfa-env, with no PATH needed (an IDE, cron
 * and `ssh host cmd` do not get the one an interactive shell builds): the
 * mfa-env found on PATH by its absolute name when it is this very program
 * (~/.local/bin/mfa-env: a link that survives upgrades); otherwise the
 * absolute node binary and script.
 */
export function selfInvocation(env = process.env, script = process.argv[1] ?? ''): string {
  const self = realpathOrUndefined(script);
  // The first mfa-env on PATH is the one a tool would run: it must be us,
  // or our launcher next to us (dist/mfa-env for dist/mfa-env.js: what install.sh links).
  const candidate = findOnPath('mfa-env', env);
  const found = candidate === undefined ? undefined : realpathOrUndefined(candidate);
  const us =
    found !== undefined &&
    self !== undefined &&
    (found === self || (self.endsWith('.js') && found === self.slice(0, -3)));
  return us && candidate !== undefined ? posixWord(resolve(candidate)) : absolute(self ?? script);
}

function absolute(script: string): string {
  return `${posixWord(process.execPath)} ${posixWord(script)}`;
}

export function credentialProcessLine(invocation: string, sourceProfile: string): string {
  return `${invocation} credential-process --profile ${posixWord(sourceProfile)}`;
}

export type CredentialProcessPlan = 'create' | 'unchanged' | 'update' | 'replace';

/** mfa-env for the same source profile, started some other way (before an install moved it). */
function sameSource(existing: string, line: string): boolean {
  const tail = line.slice(line.indexOf(' credential-process --profile '));
  return existing.endsWith(tail) && /mfa-env(\.js)?'? credential-process /.test(existing);
}

/**
 * What writing `[profile name]` would do, or the refusal: a section that
 * already runs mfa-env for this source profile is ours (its other keys are
 * kept); any other existing section is the user's and is replaced only with
 * --force.
 */
export function planCredentialProcessProfile(
  text: string,
  name: string,
  line: string,
  path: string,
  force: boolean,
): CredentialProcessPlan {
  let existing: Record<string, string> | undefined;
  try {
    existing = readSection(text, sectionFor(name, 'config'));
  } catch (err) {
    throw inFile(err, path);
  }
  if (existing === undefined) return 'create';
  if (existing.credential_process === line) return 'unchanged';
  if (existing.credential_process !== undefined && sameSource(existing.credential_process, line)) return 'update';
  if (!force) {
    throw new UsageError(
      `[${sectionFor(name, 'config')}] already exists in ${path} with other settings; left it alone (pick another name, or add --force to replace it)`,
    );
  }
  return 'replace';
}

/**
 * The config text with `[profile name]` running `line`. `replace` drops the
 * section's other keys (a leftover role_arn or sso_session would win over
 * credential_process); `region` is set when given.
 */
export function withCredentialProcessProfile(
  text: string,
  name: string,
  line: string,
  region: string | undefined,
  plan: CredentialProcessPlan,
): string {
  const section = sectionFor(name, 'config');
  const drop =
    plan === 'replace' ? Object.fromEntries(Object.keys(readSection(text, section) ?? {}).map((k) => [k, null])) : {};
  return editSection(text, section, { ...drop, credential_process: line, ...(region ? { region } : {}) });
}
