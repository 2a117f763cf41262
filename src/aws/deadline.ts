import { NetworkError } from '../errors.js';

/** Whatever the SDK's own timeouts do, an AWS call never takes longer than this. */
export const CALL_DEADLINE_MS = 12_000;

/**
 * Runs an SDK call with an abort signal that fires at the deadline; the
 * result is a NetworkError (exit 5) rather than a hung shell startup.
 */
export async function withAwsDeadline<T>(service: string, endpoint: string | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CALL_DEADLINE_MS);
  try {
    return await call(ctl.signal);
  } catch (err) {
    if (ctl.signal.aborted) {
      throw new NetworkError(`could not reach ${endpoint || service}: no answer within ${CALL_DEADLINE_MS / 1000} s`, 'check your network or AWS_ENDPOINT_URL, then try again');
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
