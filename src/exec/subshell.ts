import { UsageError } from '../errors.js';

/**
 * Set in the shell mfa-exec starts when given no command, to the profile's
 * name: tells a nested mfa-exec (and a prompt) that this shell already holds
 * that profile's session.
 */
export const EXEC_SHELL_VARIABLE = 'MFA_ENV_EXEC_SHELL';

/** The shell to start when no command is given. */
export function userShell(env: NodeJS.ProcessEnv): string {
  return env.SHELL || '/bin/sh';
}

/** A shell inside a shell for the same session is almost always a mistake: say how to get out. */
export function refuseNesting(profile: string, env: NodeJS.ProcessEnv, force: boolean): void {
  if (force || env[EXEC_SHELL_VARIABLE] !== profile) return;
  throw new UsageError(
    `this shell already runs inside mfa-exec for profile '${profile}'`,
    'type exit to leave it, or pass --force to start another shell inside it',
  );
}
