import { AwsRefusedError, MfaEnvError, NetworkError, UnexpectedAwsError } from '../errors.js';

// Certificate and TLS failures: the endpoint was reached but cannot be trusted (a proxy, a wrong URL).
const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Turns what the AWS SDK threw into one of our typed errors, with what to do next. */
export function mapAwsError(err: unknown, service: 'STS' | 'IAM', endpoint: string): MfaEnvError {
  if (err instanceof MfaEnvError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const message = (e.message ?? String(err)).split('\n')[0]!.trim();
  const where = endpoint || `${service} (default endpoint)`;

  const status = e.$metadata?.httpStatusCode;
  if (NETWORK_CODES.has(e.code ?? '') || name === 'TimeoutError' || name === 'RequestTimeout' || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|socket hang up|timed? ?out/i.test(message)) {
    return new NetworkError(`could not reach ${where}: ${e.code || name || message || 'network error'}`, 'check your network or AWS_ENDPOINT_URL, then try again');
  }
  if (TLS_CODE.test(e.code ?? '')) {
    return new NetworkError(`could not talk to ${where} securely: ${e.code}`, 'check AWS_ENDPOINT_URL and any proxy; a private CA goes in NODE_EXTRA_CA_CERTS');
  }
  // A 5xx, or an answer that is not AWS's XML (a proxy's or captive portal's
  // HTML page): the service was not really reached; trying later may work.
  // The SDK names an error it could not read from the body "Unknown" (or
  // after the HTTP status, "NotFound"), with the message "Unknown": no AWS
  // error XML came back.
  const notAws =
    !name || name === 'Error' || name === 'SyntaxError' || name === 'Unknown' || message === 'Unknown' ||
    /Deserialization error|char '.' is not expected|Unexpected end|not valid XML/i.test(message);
  if ((status !== undefined && status >= 500) || (notAws && status !== undefined)) {
    return new NetworkError(`${where} answered HTTP ${status}${name && name !== 'Error' ? ` (${name})` : ''}, not an ${service} response`, 'AWS or a proxy in between is failing; try again later, or check AWS_ENDPOINT_URL');
  }
  if (name === 'AccessDenied' && /invalid MFA one time pass code/i.test(message)) {
    return new AwsRefusedError('AWS refused the MFA code: wrong or already used', 'wait for the next code and try again', name);
  }
  if (name === 'AccessDenied' && /unable to validate MFA code|serial/i.test(message)) {
    return new AwsRefusedError('AWS could not validate the MFA code against this device', 'check mfa_serial in the profile (mfa-env setup can discover it)', name);
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'UnrecognizedClientException') {
    return new AwsRefusedError(`AWS rejected the stored key (${name})`, 'the stored key is invalid or was rotated; run mfa-env setup', name);
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new AwsRefusedError(`AWS says the token has expired (${name})`, 'run mfa-env --refresh', name);
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new AwsRefusedError(`${service} denied the request: ${message}`, 'check the IAM user’s permissions', name);
  }
  return new UnexpectedAwsError(`${service} error ${name || 'unknown'}: ${message}`, name);
}
