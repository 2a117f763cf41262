// Interactive questions on the terminal, through `prompts`. Loaded lazily:
// only the paths that really ask pay for it.
import type { PromptObject } from 'prompts';
import { InterruptedError, type MfaEnvError } from '../errors.js';
import { writeSync } from 'node:fs';
import { openTerminal, type Terminal } from './terminal.js';

export type Question = Omit<PromptObject<'value'>, 'name' | 'stdin' | 'stdout'>;

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

/** Asks one question on /dev/tty. Ctrl-C → InterruptedError (exit 130). */
export async function ask<T = string>(question: Question, noTerminal: () => MfaEnvError): Promise<T> {
  const tty = openTerminal();
  if (!tty) throw noTerminal();
  const { default: prompts } = await import('prompts');
  let cancelled = false;
  const undo = restoreTerminalOnSignal(tty);
  try {
    const answer = await prompts(
      { ...question, name: 'value', stdin: tty.input, stdout: tty.output } as PromptObject<'value'>,
      { onCancel: () => { cancelled = true; return false; } },
    );
    if (cancelled || answer.value === undefined) throw new InterruptedError();
    return answer.value as T;
  } finally {
    undo();
    tty.close();
  }
}
