import type { LongTermKey } from '../session/types.js';
import { signingRegion } from './endpoints.js';
import { requestHandler } from './http-handler.js';

/**
 * Shared client settings. Credentials are always the stored long-term key,
 * passed explicitly, so AWS_* variables from an earlier session in the
 * environment are never used to sign. Timeouts keep a dead network under 15 s.
 */
export function clientConfig(key: LongTermKey, region: string | undefined, endpoint: string | undefined, maxAttempts = 2) {
  return {
    region: signingRegion(region),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts,
    // The proxy from the environment, the extra CA certificates, and a cap on the answer's size.
    requestHandler: requestHandler({ connectionTimeout: 3000, requestTimeout: 5000 }),
    // stderr belongs to our one-line messages, not to SDK warnings.
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(endpoint ? { endpoint } : {}),
  };
}
