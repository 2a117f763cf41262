import type { LongTermKey } from '../session/types.js';
import { signingRegion } from './endpoints.js';
import { CALL_DEADLINE_MS } from './deadline.js';
import { extraCaOption } from './extra-ca.js';

/**
 * Shared client settings. Credentials are always the stored long-term key,
 * passed explicitly, so AWS_* variables from an earlier session in the
 * environment are never used to sign.
 */
export function clientConfig(key: LongTermKey, region: string | undefined, endpoint: string | undefined, maxAttempts = 2) {
  return {
    region: signingRegion(region),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts,
    // The HTTPS agent only where HTTPS is spoken: making it parses every CA certificate.
    // A connection takes 3 s at most; then the answer gets until the call's
    // deadline (src/aws/deadline.ts), which ends the call first.
    requestHandler: { connectionTimeout: 3000, requestTimeout: CALL_DEADLINE_MS + 1000, throwOnRequestTimeout: true, ...(/^http:\/\//i.test(endpoint ?? '') ? {} : extraCaOption()) },
    // stderr belongs to our one-line messages, not to SDK warnings.
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(endpoint ? { endpoint } : {}),
  };
}
