// Interactive questions on the terminal, through `prompts`. Loaded lazily:
// only the paths that really ask pay for it.
import type { PromptObject } from 'prompts';
import { InterruptedError, type MfaEnvError } from '../errors.js';
import { openTerminal } from './terminal.js';

export type Question = Omit<PromptObject<'value'>, 'name' | 'stdin' | 'stdout'>;

/** Asks one question on /dev/tty. Ctrl-C → InterruptedError (exit 130). */
export async function ask<T = string>(question: Question, noTerminal: () => MfaEnvError): Promise<T> {
  const tty = openTerminal();
  if (!tty) throw noTerminal();
  const { default: prompts } = await import('prompts');
  let cancelled = false;
  try {
    const answer = await prompts(
      { ...question, name: 'value', stdin: tty.input, stdout: tty.output } as PromptObject<'value'>,
      { onCancel: () => { cancelled = true; return false; } },
    );
    if (cancelled || answer.value === undefined) throw new InterruptedError();
    return answer.value as T;
  } finally {
    tty.close();
  }
}
