import { checkCode } from '../config/validate.js';
import { UsageError } from '../errors.js';

export interface CodeSource {
  /** `--code` */
  flag?: string;
  /** `mfa_process` from the profile */
  mfaProcess?: string;
  profile: string;
  mfaSerial: string;
}

/**
 * `--code`, else the profile's `mfa_process`, else a prompt on the terminal,
 * else — no terminal, but a desktop session — a dialog. All but the first are
 * loaded only when asked for (child processes, the terminal and `prompts` are
 * not what a cached session needs).
 */
export async function resolveCode(src: CodeSource): Promise<string> {
  if (src.flag !== undefined) return checkCode(src.flag);
  if (src.mfaProcess) return (await import('./mfa-process.js')).runMfaProcess(src.mfaProcess);
  const device = src.mfaSerial.replace(/^arn:aws[-a-z]*:iam::\d{12}:mfa\//, '');
  const question = `MFA code for ${device} (profile ${src.profile})`;
  const { ask } = await import('./ask.js');
  const noTerminal = new UsageError('an MFA code is needed and there is no terminal to ask on', 'pass --code 123456, or set mfa_process in the profile');
  const typed = await ask<string>(
    {
      type: 'text',
      message: question,
      validate: (v: string) => (/^\s*\d{6}\s*$/.test(v) ? true : 'enter the 6 digits from your authenticator'),
    },
    () => noTerminal,
  ).catch(async (err: unknown) => {
    if (err !== noTerminal) throw err;
    const { askWithDialog, findDialog, hasDisplay } = await import('./dialog.js');
    const dialog = findDialog(question);
    if (!dialog && hasDisplay()) throw new UsageError(noTerminal.message, 'pass --code 123456, set mfa_process in the profile, or install zenity (or kdialog) for a desktop dialog');
    if (!dialog) throw noTerminal;
    return askWithDialog(dialog);
  });
  return checkCode(typed);
}
