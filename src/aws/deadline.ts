import { debug } from '../debug.js';
import { NetworkError } from '../errors.js';

/** Whatever the SDK's own timeouts do, an AWS call never takes longer than this. */
export const CALL_DEADLINE_MS = 12_000;

/**
 * Runs an SDK call with an abort signal that fires at the deadline; the
 * result is a NetworkError (exit 5) rather than a hung shell startup.
 */
export async function withAwsDeadline<T>(service: string, endpoint: string | undefined, call: (signal: AbortSignal) => Promise<T>, operation = 'call'): Promise<T> {
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
      throw new NetworkError(`could not reach ${endpoint || service}: no answer within ${CALL_DEADLINE_MS / 1000} s`, 'check your network or AWS_ENDPOINT_URL, then try again');
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
