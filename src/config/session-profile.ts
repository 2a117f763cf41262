// `--write-profile NAME`: the session as a static profile in the shared
// credentials file, for tools that only read profiles. Pure text in, text out;
// the command does the file I/O (under the lock) and the talking.
import { UsageError } from '../errors.js';
import { editSection, inFile, readSection, sectionFor } from './ini-edit.js';

export interface SessionProfileValues {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** RFC 3339, UTC, `Z`. */
  expiration: string;
}

/**
 * Keys a reader would take over ours, so a leftover one must go:
 * botocore reads `aws_security_token` before `aws_session_token` (an old
 * token would be paired with the new key), and prompts such as starship read
 * `expiration` before `x_security_token_expires` (an old time would be shown).
 */
const SHADOWING_KEYS = ['aws_security_token', 'expiration'] as const;

/** A section with a key and no token is someone's long-term key, not a session we wrote. */
export function holdsLongTermKey(section: Record<string, string> | undefined): boolean {
  return Boolean(section?.aws_access_key_id) && !section?.aws_session_token && !section?.aws_security_token;
}

/**
 * Throws the refusal for writing into `[target]` of this credentials text, if
 * there is one: checked before a code is spent, and again under the lock.
 */
export function checkSessionTarget(text: string, target: string, path: string, force: boolean): void {
  let section: Record<string, string> | undefined;
  try {
    section = readSection(text, sectionFor(target, 'credentials'));
  } catch (err) {
    throw inFile(err, path);
  }
  if (!force && holdsLongTermKey(section)) {
    throw new UsageError(
      `[${target}] in ${path} holds a long-term key; not overwriting it (pick another --write-profile name, or add --force to replace it)`,
    );
  }
}

/** The credentials text with `[target]` holding the session; every other line untouched. */
export function withSessionProfile(text: string, target: string, v: SessionProfileValues): string {
  return editSection(text, sectionFor(target, 'credentials'), {
    aws_access_key_id: v.accessKeyId,
    aws_secret_access_key: v.secretAccessKey,
    aws_session_token: v.sessionToken,
    // The name of the AWS_CREDENTIAL_EXPIRATION variable, in the file.
    aws_credential_expiration: v.expiration,
    // The de-facto key of saml2aws, gimme-aws-creds and others; starship reads it.
    x_security_token_expires: v.expiration,
    ...Object.fromEntries(SHADOWING_KEYS.map((k) => [k, null])),
  });
}
