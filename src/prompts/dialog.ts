// A desktop dialog for the MFA code, when there is no terminal but a desktop
// session: how an IDE or a GUI tool that runs credential_process gets a code.
// Loaded only on that path.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { InterruptedError, UsageError } from '../errors.js';
import { childEnvironment } from '../session/environment.js';

/** Someone has to see the dialog and type: give them two minutes, then give up. */
export const DIALOG_TIMEOUT_MS = 120_000;

export interface Dialog {
  /** zenity, kdialog or osascript: for the messages. */
  name: string;
  file: string;
  args: string[];
  /** The exit status that means the user pressed Cancel (or closed the window). */
  cancelStatus: number;
}

function onPath(bin: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A desktop session a dialog could open on (Linux and other Unix). */
export function hasDisplay(env = process.env, platform = process.platform): boolean {
  return platform !== 'darwin' && Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** AppleScript string literal. */
const appleString = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * The dialog this desktop offers for `question`, or undefined when there is no
 * desktop session: macOS's osascript; elsewhere zenity, else kdialog, when
 * DISPLAY or WAYLAND_DISPLAY says a display is there. The code comes back on
 * the dialog's stdout, never on a command line.
 */
export function findDialog(question: string, env = process.env, platform = process.platform): Dialog | undefined {
  if (platform === 'darwin') {
    const file = onPath('osascript', env);
    if (!file) return undefined;
    const script = `text returned of (display dialog ${appleString(question)} default answer "" with title "mfa-env" buttons {"Cancel", "OK"} default button "OK")`;
    return { name: 'osascript', file, args: ['-e', script], cancelStatus: 1 };
  }
  if (!hasDisplay(env, platform)) return undefined;
  const zenity = onPath('zenity', env);
  if (zenity)
    return {
      name: 'zenity',
      file: zenity,
      args: ['--entry', '--title=mfa-env', `--text=${question}`],
      cancelStatus: 1,
    };
  const kdialog = onPath('kdialog', env);
  if (kdialog)
    return { name: 'kdialog', file: kdialog, args: ['--title', 'mfa-env', '--inputbox', question], cancelStatus: 1 };
  return undefined;
}

/**
 * Shows the dialog and returns what was typed (not yet checked). Cancel →
 * InterruptedError (exit 130, as Ctrl-C at the terminal's prompt); a dialog
 * that fails or outlasts DIALOG_TIMEOUT_MS → UsageError (exit 2).
 */
export async function askWithDialog(dialog: Dialog, timeoutMs = DIALOG_TIMEOUT_MS): Promise<string> {
  const result = await execa(dialog.file, dialog.args, {
    stdin: 'ignore',
    stdout: 'pipe',
    // What the dialog says about itself (GTK warnings) is not for our one-line errors.
    stderr: 'ignore',
    env: childEnvironment(process.env),
    extendEnv: false,
    maxBuffer: 4096,
    timeout: timeoutMs,
    forceKillAfterDelay: 2000,
    reject: false,
  });
  if (result.timedOut) {
    throw new UsageError(
      `no MFA code was typed into the ${dialog.name} dialog within ${Math.round(timeoutMs / 1000)} s`,
      'run the command again, or pass --code 123456',
    );
  }
  if (result.exitCode === undefined && !result.signal) {
    throw new UsageError(
      `the MFA code dialog (${dialog.name}) could not start`,
      'pass --code 123456, or set mfa_process in the profile',
    );
  }
  if (result.exitCode === dialog.cancelStatus)
    throw new InterruptedError(`the MFA code dialog (${dialog.name}) was cancelled`);
  if (result.exitCode !== 0) {
    throw new UsageError(
      `the MFA code dialog (${dialog.name}) failed (${result.signal ?? `exit ${result.exitCode}`})`,
      'pass --code 123456, or set mfa_process in the profile',
    );
  }
  return result.stdout;
}
