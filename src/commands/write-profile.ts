import { statSync } from 'node:fs';
import { pathOf, readText, updateAwsFile } from '../config/edit-files.js';
import { assertWritable } from '../config/file-errors.js';
import { checkSessionTarget, withSessionProfile } from '../config/session-profile.js';
import { checkProfileName } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { rfc3339 } from '../session/environment.js';
import { findLongTermKey } from '../session/long-term-key.js';
import type { Session } from '../session/types.js';
import { posixWord } from '../shells/posix.js';
import { openStore } from '../store/index.js';

export interface WriteProfileInput {
  target: string;
  sourceProfile: string;
  session: Session;
  force: boolean;
}

/**
 * Everything that would make the write refuse, checked before a session is
 * minted, so a refusal never costs an MFA code. (Checked again under the lock.)
 */
export async function checkWriteProfile(target: string, sourceProfile: string, force: boolean): Promise<void> {
  checkTargetName(target, sourceProfile);
  // Another mfa-env source profile (its key moved into the store by setup
  // --import --remove-plaintext): a session written there would stand in
  // for its long-term key in every tool. Refused even with --force, like the source.
  if (await findLongTermKey(openStore(), target)) {
    throw new UsageError(
      `--write-profile ${target}: mfa-env keeps the long-term key of profile '${target}'; a session written there would shadow it`,
      `name another profile (for example ${target}-mfa)`,
    );
  }
  const path = pathOf('credentials');
  checkSessionTarget(readText(path), target, path, force);
  assertWritable(path, 'AWS_SHARED_CREDENTIALS_FILE'); // before a code is spent on a session we could not write
}

function checkTargetName(target: string, sourceProfile: string): void {
  checkProfileName(target);
  if (target === sourceProfile) {
    // Even with --force: the long-term profile must stay the long-term profile.
    throw new UsageError(
      `--write-profile ${target} is the profile the session comes from; name another profile (for example ${sourceProfile}-mfa)`,
    );
  }
}

export async function writeSessionProfile(input: WriteProfileInput): Promise<void> {
  checkTargetName(input.target, input.sourceProfile);
  const path = pathOf('credentials');
  const expiration = rfc3339(input.session.expiration);
  await updateAwsFile(path, (text) => {
    checkSessionTarget(text, input.target, path, input.force);
    return withSessionProfile(text, input.target, { ...input.session, expiration });
  });
  process.stderr.write(
    `mfa-env: wrote the session of '${input.sourceProfile}' to [${input.target}] in ${path} (expires ${expiration}); use it with --profile ${input.target} or AWS_PROFILE=${input.target}\n`,
  );
  warnIfReadable(path);
}

/**
 * The file keeps its mode (the user chose it), but a mode that lets others
 * read it now lets them read a live session: say so, with the fix.
 */
function warnIfReadable(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o044) === 0) return; // neither group- nor world-readable
  process.stderr.write(
    `mfa-env: warning: ${path} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}) and now holds session credentials; to fix: chmod 600 ${posixWord(path)}\n`,
  );
}
