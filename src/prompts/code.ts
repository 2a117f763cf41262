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
 * `--code`, else the profile's `mfa_process`, else a prompt on the terminal.
 * The last two are loaded only when asked for (child processes, the terminal
 * and `prompts` are not what a cached session needs).
 */
export async function resolveCode(src: CodeSource): Promise<string> {
  if (src.flag !== undefined) return checkCode(src.flag);
  if (src.mfaProcess) return (await import('./mfa-process.js')).runMfaProcess(src.mfaProcess);
  const device = src.mfaSerial.replace(/^arn:aws[-a-z]*:iam::\d{12}:mfa\//, '');
  const { ask } = await import('./ask.js');
  const code = await ask<string>(
    {
      type: 'text',
      message: `MFA code for ${device} (profile ${src.profile})`,
      validate: (v: string) => (/^\s*\d{6}\s*$/.test(v) ? true : 'enter the 6 digits from your authenticator'),
    },
    () => new UsageError('an MFA code is needed and there is no terminal to ask on', 'pass --code 123456, or set mfa_process in the profile'),
  );
  return checkCode(code);
}
