import { debug } from '../debug.js';
import { NetworkError } from '../errors.js';
import { redactUrl } from './endpoints.js';

/**
 * An AWS call never takes longer than this (the README says 12 s). The SDK
 * gives up on a connection after 3 s (src/aws/client-config.ts), so when the
 * deadline fires the request has been sent and no answer came.
 */
export const CALL_DEADLINE_MS = 12_000;

export interface DeadlineOptions {
  /** The AWS operation, for --debug. */
  operation?: string;
  /** What a request that was sent and never answered may have done (GetSessionToken: used the code). */
  sentMayHave?: { message: string; hint: string };
}

/**
 * Runs an SDK call with an abort signal that fires at the deadline; the
 * result is a NetworkError (exit 5) rather than a hung shell startup.
 */
export async function withAwsDeadline<T>(
  service: string,
  endpoint: string | undefined,
  call: (signal: AbortSignal) => Promise<T>,
  opts: DeadlineOptions = {},
): Promise<T> {
  const operation = opts.operation ?? 'call';
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CALL_DEADLINE_MS);
  const started = Date.now();
  const where = endpoint ?? `the SDK's ${service} endpoint`;
  try {
    const out = await call(ctl.signal);
    debug(`aws: ${service} ${operation} at ${where}: answered in ${Date.now() - started} ms`);
    return out;
  } catch (err) {
    const outcome = ctl.signal.aborted ? 'timed out' : `failed (${(err as Error)?.name || 'error'})`;
    debug(`aws: ${service} ${operation} at ${where}: ${outcome} after ${Date.now() - started} ms`);
    if (ctl.signal.aborted) {
      const target = endpoint ? redactUrl(endpoint) : service;
      if (opts.sentMayHave)
        throw new NetworkError(
          `no answer from ${target} within ${CALL_DEADLINE_MS / 1000} s after the request was sent; ${opts.sentMayHave.message}`,
          opts.sentMayHave.hint,
        );
      throw new NetworkError(
        `no answer from ${target} within ${CALL_DEADLINE_MS / 1000} s`,
        'check your network or AWS_ENDPOINT_URL, then try again',
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
