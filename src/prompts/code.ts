import { checkCode } from '../config/validate.js';
import { UsageError } from '../errors.js';
import type { CodeAnswer, CodeRequest } from '../session/obtain.js';
import type { NoTerminal } from './ask.js';

export interface CodeSource {
  /** `--code` */
  flag?: string;
  /** `mfa_process` from the profile */
  mfaProcess?: string;
  profile: string;
  mfaSerial: string;
  /** What to do when there is no terminal, for a tool that runs mfa-env (credential_process): it cannot pass --code. */
  forTools?: boolean;
}

/** "3m", "<1m": how long an expiring session has left. */
function left(expiration: Date): string {
  const minutes = Math.floor((expiration.getTime() - Date.now()) / 60_000);
  return minutes < 1 ? '<1m' : `${minutes}m`;
}

/**
 * `--code`, else the profile's `mfa_process`, else a prompt on the terminal,
 * else — no terminal, but a desktop session — a dialog. All but the first are
 * loaded only when asked for (child processes, the terminal and `prompts` are
 * not what a cached session needs).
 */
export async function resolveCode(src: CodeSource, why: CodeRequest = {}): Promise<CodeAnswer> {
  if (src.flag !== undefined) return { code: checkCode(src.flag), canRetry: false };
  if (src.mfaProcess) {
    if (why.expiring)
      process.stderr.write(
        `mfa-env: the session of '${src.profile}' has ${left(why.expiring.expiration)} left; a new one takes a code from mfa_process\n`,
      );
    return { code: await (await import('./mfa-process.js')).runMfaProcess(src.mfaProcess), canRetry: false };
  }
  const device = src.mfaSerial.replace(/^arn:aws[-a-z]*:iam::\d{12}:mfa\//, '');
  const context = why.expiring
    ? `profile ${src.profile}; its session has ${left(why.expiring.expiration)} left, a new code starts a new one`
    : `profile ${src.profile}`;
  const message = why.refused
    ? `AWS refused ${why.refused} (wrong or already used). Next MFA code for ${device} (${context})`
    : `MFA code for ${device} (${context})`;
  const { ask } = await import('./ask.js');
  // Not asked: no terminal, or run in the background of one (mfa-exec --server under an interactive shell, `cmd &`).
  let noTerminal: UsageError | undefined;
  const withoutTerminal = (why: NoTerminal) =>
    why === 'background'
      ? `set mfa_process in [profile ${src.profile}], or mint a session where you can type (mfa -p ${src.profile}): it is used from the cache`
      : src.forTools
        ? `mint a session from a terminal once (mfa-env credential-process -p ${src.profile} >/dev/null; tools then use it), or set mfa_process in [profile ${src.profile}]`
        : `pass --code 123456, or set mfa_process in [profile ${src.profile}]`;
  const tellNoTerminal = (why: NoTerminal) =>
    (noTerminal = new UsageError(
      why === 'background'
        ? 'an MFA code is needed and mfa-env runs in the background of its terminal, where it cannot ask'
        : 'an MFA code is needed and there is no terminal to ask on',
      withoutTerminal(why),
    ));
  return ask<string>(
    {
      type: 'text',
      message,
      validate: (v: string) => {
        if (!/^\s*\d{6}\s*$/.test(v)) return 'enter the 6 digits from your authenticator';
        if (why.refused && v.trim() === why.refused) return 'AWS refused that code; wait for the next one';
        return true;
      },
    },
    tellNoTerminal,
    // No ✔ next to a code AWS has not accepted yet.
    { pending: true },
  ).then(
    (typed) => ({ code: checkCode(typed), canRetry: true }),
    async (err: unknown) => {
      if (noTerminal === undefined || err !== noTerminal) throw err;
      const { askWithDialog, findDialog, hasDisplay } = await import('./dialog.js');
      const dialog = findDialog(`MFA code for ${device} (profile ${src.profile})`);
      if (!dialog && hasDisplay())
        throw new UsageError(
          noTerminal.message,
          `${noTerminal.hint}; or install zenity (or kdialog) for a desktop dialog`,
        );
      if (!dialog) throw noTerminal;
      return { code: checkCode(await askWithDialog(dialog)), canRetry: false };
    },
  );
}
