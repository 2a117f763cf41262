// Interactive questions on the terminal, through `prompts`. Loaded lazily:
// only the paths that really ask pay for it.
import type { PromptObject } from 'prompts';
import { InterruptedError, type MfaEnvError } from '../errors.js';
import { openTerminal } from './terminal.js';

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

/** Asks one question on /dev/tty. Ctrl-C → InterruptedError (exit 130). */
export async function ask<T = string>(question: Question, noTerminal: () => MfaEnvError, opts: AskOptions = {}): Promise<T> {
  const tty = openTerminal();
  if (!tty) throw noTerminal();
  const prompts = await loadPrompts();
  let cancelled = false;
  function onRender(this: { done: boolean }, colors: Colors) {
    if (noColor()) colors.enabled = false;
    if (opts.pending && this.done) this.done = false;
  }
  try {
    const answer = await prompts(
      { ...question, name: 'value', stdin: tty.input, stdout: tty.output, onRender } as unknown as PromptObject<'value'>,
      { onCancel: () => { cancelled = true; return false; } },
    );
    if (cancelled || answer.value === undefined) throw new InterruptedError();
    return answer.value as T;
  } finally {
    tty.close();
  }
}
