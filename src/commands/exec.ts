import type { ExecArgs } from '../cli/options.js';
import { resolveProfileName } from '../config/profiles.js';
import { runChild } from '../exec/child.js';
import { resolveCommand } from '../exec/resolve-command.js';
import { EXEC_SHELL_VARIABLE, refuseNesting, userShell } from '../exec/subshell.js';
import { applyEnvironment, sessionEnvironment } from '../session/environment.js';
import { sessionFromArgs } from './session.js';

/**
 * `mfa-exec [options] -- COMMAND [ARGS...]`: the session goes into the
 * child's environment, built from the same change the export renders.
 * No command: the user's shell, marked so it is not nested by accident.
 * `env` is the caller's environment, untouched by mfa-exec itself.
 */
export async function execCommand(args: ExecArgs, command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [first, ...rest] = command;
  const subshell = first === undefined;
  const name = first ?? userShell(env);
  if (subshell) refuseNesting(resolveProfileName(args.profile, env), env, args.force === true);

  // Before the session: a mistyped command must not cost an MFA code.
  const file = resolveCommand(name, env);
  if (args.server) {
    const extra = new Map(subshell ? [[EXEC_SHELL_VARIABLE, resolveProfileName(args.profile, env)]] : []);
    // The command is run here: runChild is in mfa-exec's own file, which the
    // server's lazily loaded chunk would otherwise share (scripts/build.mjs).
    const served = await (await import('../server/exec-server.js')).startExecServer(args, env, extra);
    try {
      return await runChild({ file, argv0: name, args: rest, env: served.env });
    } finally {
      await served.close();
    }
  }
  const { session, profile, region, mfaExpiration } = await sessionFromArgs(args, env);

  const change = sessionEnvironment(session, profile.name, region, mfaExpiration);
  if (subshell) change.set(EXEC_SHELL_VARIABLE, profile.name);
  return runChild({ file, argv0: name, args: rest, env: applyEnvironment(env, change) });
}
