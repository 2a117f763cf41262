import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { CommandError, ExitCode } from '../errors.js';
import { inTerminalForeground } from './foreground.js';

// Node's child_process.spawn, not execa: mfa-exec is a pure passthrough and
// execa's value (piping, buffering, rich errors, killing the child when we
// exit) is all in the way here. Its `cleanup` installs signal-exit handlers
// that change how our own signals behave, a failed or signalled child becomes
// a rejected promise to be taken apart again, and it is one more module tree
// to load on the path a benchmark measures. spawn gives exactly what is
// needed: an argv array passed to the OS (no shell), inherited stdio and
// terminal, and the raw exit code or signal.
//
// Nothing here opens process.stdin: a stream on it would start reading the
// input that belongs to the child.

/** The signals passed on to the child; mfa-exec itself waits for the child to end. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Signals a terminal sends by itself to its whole foreground process group
 * (Ctrl-C, Ctrl-\). The child stays in our process group (spawn can only give
 * it a new session, which would cost it the controlling terminal: no job
 * control, no /dev/tty prompts), so when the terminal sends one, the child
 * already has it. Forwarding it too would deliver it twice, and programs
 * count: a second Ctrl-C makes terraform abandon an apply mid-way.
 *
 * Node cannot see who sent a signal (no siginfo), so the rule is: a keyboard
 * signal is not forwarded when mfa-exec and the child are both in their
 * terminal's foreground group — then the terminal has just sent it to both.
 * Otherwise (mfa-exec in the background, no terminal at all as in CI or under
 * systemd, or a child shell that took the terminal for itself) it cannot have
 * come from the terminal, and it is forwarded. The one case this gets wrong:
 * `kill -INT <mfa-exec pid>` from elsewhere while both run in the foreground
 * of a terminal is not passed on. SIGTERM, which is what tools send, always
 * is; `kill -INT -PGID` reaches the child directly.
 *
 * SIGTERM and SIGHUP do not come from the keyboard: always forwarded.
 */
const KEYBOARD_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);

/** True when the terminal has just delivered a keyboard signal to the child itself. */
function terminalReached(childPid: number): boolean {
  return inTerminalForeground(process.pid) === true && inTerminalForeground(childPid) === true;
}

export interface ChildCommand {
  /** The resolved file to execute. */
  file: string;
  /** argv[0] as the user typed it. */
  argv0: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The shells' convention: the exit code, or 128 + N for a child killed by signal N. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

function spawnFailure(name: string, err: NodeJS.ErrnoException): CommandError {
  // The file was found and executable a moment ago (resolveCommand): ENOENT
  // now means its #! interpreter or its loader is missing; bash says 127 too.
  if (err.code === 'ENOENT') {
    return new CommandError(
      `${name}: cannot execute: required file not found (its #! interpreter or loader)`,
      ExitCode.commandNotFound,
    );
  }
  if (err.code === 'EACCES') return new CommandError(`${name}: permission denied`, ExitCode.cannotExecute);
  return new CommandError(`${name}: cannot execute: ${err.code ?? err.message}`, ExitCode.cannotExecute);
}

/** Runs the command with our stdio and terminal, forwards signals, and resolves to its exit status once it has ended. */
export function runChild(cmd: ChildCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess | undefined;
    const forward = (signal: NodeJS.Signals) => {
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
      if (KEYBOARD_SIGNALS.has(signal) && terminalReached(child.pid)) return;
      child.kill(signal);
    };
    // Listening before the child exists: a signal in between must not kill
    // mfa-exec with its default action and leave the child orphaned.
    for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    const stopForwarding = () => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    };

    // With no terminal to share (CI, cron, a service) or from the background,
    // the child gets a session of its own: then a signal sent to our whole
    // process group (timeout(1), kill -TERM -PGID) reaches mfa-exec alone and
    // is forwarded once, instead of reaching the child twice (directly and
    // forwarded). In a terminal's foreground it stays in our group, which is
    // what keeps the terminal its own (prompts, job control, Ctrl-C).
    const ownSession = process.platform !== 'win32' && inTerminalForeground(process.pid) === false;
    try {
      child = spawn(cmd.file, cmd.args, { argv0: cmd.argv0, env: cmd.env, stdio: 'inherit', detached: ownSession });
    } catch (err) {
      stopForwarding();
      reject(spawnFailure(cmd.argv0, err as NodeJS.ErrnoException));
      return;
    }
    const started = child;
    started.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed start ends the run; a failed kill() of a running child does not.
      if (started.pid !== undefined) return;
      stopForwarding();
      reject(spawnFailure(cmd.argv0, err));
    });
    started.once('exit', (code, signal) => {
      if (started.pid === undefined) return;
      stopForwarding();
      resolve(exitStatus(code, signal));
    });
  });
}
