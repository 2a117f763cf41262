import type { LongTermKey } from '../session/types.js';
import { signingRegion } from './endpoints.js';
import { CALL_DEADLINE_MS } from './deadline.js';
import { requestHandler } from './http-handler.js';

/**
 * Shared client settings. Credentials are always the stored long-term key,
 * passed explicitly, so AWS_* variables from an earlier session in the
 * environment are never used to sign.
 */
export function clientConfig(
  key: LongTermKey,
  region: string | undefined,
  endpoint: string | undefined,
  maxAttempts = 2,
) {
  return {
    region: signingRegion(region),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts,
    // The proxy from the environment, the extra CA certificates (HTTPS only),
    // and a cap on the answer's size. A connection takes 3 s at most; then the
    // answer gets until the call's deadline (src/aws/deadline.ts), which ends
    // the call first.
    requestHandler: requestHandler({ connectionTimeout: 3000, requestTimeout: CALL_DEADLINE_MS + 1000 }),
    // stderr belongs to our one-line messages, not to SDK warnings.
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(endpoint ? { endpoint } : {}),
  };
}
