// Interactive questions on the terminal, through `prompts`. Loaded lazily:
// only the paths that really ask pay for it.
import type { PromptObject } from 'prompts';
import { InterruptedError, type MfaEnvError } from '../errors.js';
import { writeSync } from 'node:fs';
import { inTerminalForeground } from '../exec/foreground.js';
import { openTerminal, type Terminal } from './terminal.js';

export type Question = Omit<PromptObject<'value'>, 'name' | 'stdin' | 'stdout'>;

export interface AskOptions {
  /**
   * The answer is not settled when it is typed (an MFA code until AWS
   * accepts it): the answered line keeps the question mark, no ✔.
   */
  pending?: boolean;
}

/** What `prompts` hands to onRender: its colour library (kleur). */
interface Colors {
  enabled: boolean;
}

/** https://no-color.org: a NO_COLOR that is set and not empty. */
const noColor = () => Boolean(process.env.NO_COLOR);

/**
 * `prompts`, loaded with colour off under NO_COLOR: its colour library
 * (kleur) reads NODE_DISABLE_COLORS, not NO_COLOR, once, as it loads, and
 * `prompts` colours its symbols (?, ✔) then. The variable is put back at
 * once, so nothing mfa-env starts later sees it changed.
 */
async function loadPrompts() {
  if (!noColor() || process.env.NODE_DISABLE_COLORS !== undefined) return (await import('prompts')).default;
  process.env.NODE_DISABLE_COLORS = '1';
  try {
    return (await import('prompts')).default;
  } finally {
    delete process.env.NODE_DISABLE_COLORS;
  }
}

/** Signals that end mfa-env at a prompt without Ctrl-C: a closed terminal window (HUP), a kill (TERM). */
const ENDING = ['SIGHUP', 'SIGTERM'] as const;

/**
 * While a question is on the terminal, a SIGHUP or SIGTERM first puts the
 * terminal back as it was (line mode, echo, the cursor shown: prompts turns
 * them off), then ends mfa-env by that same signal, as it would have without
 * this. Returns the undo.
 */
function restoreTerminalOnSignal(tty: Terminal): () => void {
  const handlers = ENDING.map((signal) => {
    const handler = () => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      try {
        if (tty.input.isRaw) tty.input.setRawMode(false);
        writeSync(tty.outputFd, '\u001b[?25h\n');
      } catch {
        // the terminal is gone (a real hangup): nothing left to restore
      }
      // Nobody else listening: the signal's own default ends the process, as without this handler.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [s, h] of handlers) process.removeListener(s, h);
  };
}

/** Why there is no terminal to ask on: none at all, or one this process runs in the background of. */
export type NoTerminal = 'none' | 'background';

/**
 * The terminal, when a question can go to it now: there is one, and this
 * process is in its foreground. In the background (`cmd &`, or mfa-exec
 * under an interactive shell that took the terminal) a read or a change of
 * the terminal's mode would stop the process (SIGTTIN, SIGTTOU), with a
 * credential endpoint frozen inside it.
 */
function terminalToAsk(): Terminal | NoTerminal {
  const tty = openTerminal();
  if (!tty) return 'none';
  if (inTerminalForeground(process.pid) !== false) return tty;
  tty.close();
  return 'background';
}

/** Asks one question on /dev/tty. Ctrl-C → InterruptedError (exit 130). */
export async function ask<T = string>(
  question: Question,
  noTerminal: (why: NoTerminal) => MfaEnvError,
  opts: AskOptions = {},
): Promise<T> {
  const tty = terminalToAsk();
  if (typeof tty === 'string') throw noTerminal(tty);
  const prompts = await loadPrompts();
  let cancelled = false;
  function onRender(this: { done: boolean }, colors: Colors) {
    if (noColor()) colors.enabled = false;
    if (opts.pending && this.done) this.done = false;
  }
  const undo = restoreTerminalOnSignal(tty);
  try {
    const answer = await prompts(
      {
        ...question,
        name: 'value',
        stdin: tty.input,
        stdout: tty.output,
        onRender,
      } as unknown as PromptObject<'value'>,
      {
        onCancel: () => {
          cancelled = true;
          return false;
        },
      },
    );
    if (cancelled || answer.value === undefined) throw new InterruptedError();
    return answer.value as T;
  } finally {
    undo();
    tty.close();
  }
}
