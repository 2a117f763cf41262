import { NetworkError } from '../errors.js';

/**
 * An AWS call never takes longer than this (the README says 12 s). The SDK
 * gives up on a connection after 3 s (src/aws/client-config.ts), so when the
 * deadline fires the request has been sent and no answer came.
 */
export const CALL_DEADLINE_MS = 12_000;

export interface DeadlineOptions {
  /** What a request that was sent and never answered may have done (GetSessionToken: used the code). */
  sentMayHave?: { message: string; hint: string };
}

/**
 * Runs an SDK call with an abort signal that fires at the deadline; the
 * result is a NetworkError (exit 5) rather than a hung shell startup.
 */
export async function withAwsDeadline<T>(service: string, endpoint: string | undefined, call: (signal: AbortSignal) => Promise<T>, opts: DeadlineOptions = {}): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CALL_DEADLINE_MS);
  try {
    return await call(ctl.signal);
  } catch (err) {
    if (ctl.signal.aborted) {
      const where = endpoint || service;
      if (opts.sentMayHave) throw new NetworkError(`no answer from ${where} within ${CALL_DEADLINE_MS / 1000} s after the request was sent; ${opts.sentMayHave.message}`, opts.sentMayHave.hint);
      throw new NetworkError(`no answer from ${where} within ${CALL_DEADLINE_MS / 1000} s`, 'check your network or AWS_ENDPOINT_URL, then try again');
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
