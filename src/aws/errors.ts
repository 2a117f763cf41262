import { AwsRefusedError, MfaEnvError, NetworkError, UnexpectedAwsError } from '../errors.js';
import { redactUrl } from './endpoints.js';

/** The longest piece of an AWS message that goes into ours: a 30 MB error body is still one short line. */
const MAX_MESSAGE_CHARS = 200;

/** AWS's codes for "too many requests, slow down": the request was not acted on, so it can be sent again. */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Waits before each retry of a throttled call: about 0.3, 0.6, 1.2 s, with jitter (AWS's advice: back off, exponentially). */
const THROTTLE_BACKOFF_MS = [300, 600, 1200];

function isThrottled(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLING.has(e?.name ?? '') || THROTTLING.has(e?.Code ?? '');
}

/**
 * Runs an AWS call again while AWS answers that it is throttling, backing
 * off between tries; the last refusal is thrown as it came, and named by
 * mapAwsError. A throttled request was not acted on: even a GetSessionToken
 * with an MFA code can be sent again.
 */
export async function retryThrottled<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottled(err) || attempt >= THROTTLE_BACKOFF_MS.length || signal.aborted) {
        if (isThrottled(err)) Object.assign(err as object, { mfaEnvAttempts: attempt + 1 });
        throw err;
      }
      const wait = THROTTLE_BACKOFF_MS[attempt]! * (0.75 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** An AWS message as one line of printable text, cut to a sane length. */
export function awsMessageLine(text: string): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 3)}...` : line;
}

const CLOCK_HINT =
  "is this machine's clock right? Compare it with a time server (timedatectl, or sntp), then try again";

// Certificate and TLS failures: the endpoint was reached but cannot be trusted (a proxy, a wrong URL).
const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

/** Codes of a connection that failed (the endpoint, or the proxy in front of it: src/aws/http-handler.ts). */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Turns what the AWS SDK threw into one of our typed errors, with what to do next. */
export function mapAwsError(err: unknown, service: 'STS' | 'IAM', endpoint: string): MfaEnvError {
  if (err instanceof MfaEnvError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const message = awsMessageLine((e.message ?? String(err)).split('\n')[0]!);
  const where = endpoint ? redactUrl(endpoint) : `${service} (default endpoint)`;

  const status = e.$metadata?.httpStatusCode;
  if (
    NETWORK_CODES.has(e.code ?? '') ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|socket hang up|timed? ?out/i.test(message)
  ) {
    return new NetworkError(
      `could not reach ${where}: ${e.code || name || message || 'network error'}`,
      'check your network or AWS_ENDPOINT_URL, then try again',
    );
  }
  if (TLS_CODE.test(e.code ?? '')) {
    return new NetworkError(
      `could not talk to ${where} securely: ${e.code}`,
      'check AWS_ENDPOINT_URL and any proxy; a private CA goes in NODE_EXTRA_CA_CERTS',
    );
  }
  // A 5xx, or an answer that is not AWS's XML (a proxy's or captive portal's
  // HTML page): the service was not really reached; trying later may work.
  // The SDK names an error it could not read from the body "Unknown" (or
  // after the HTTP status, "NotFound"), with the message "Unknown": no AWS
  // error XML came back.
  const notAws =
    !name ||
    name === 'Error' ||
    name === 'SyntaxError' ||
    name === 'Unknown' ||
    message === 'Unknown' ||
    /Deserialization error|char '.' is not expected|Unexpected end|not valid XML/i.test(message);
  if ((status !== undefined && status >= 500) || (notAws && status !== undefined)) {
    return new NetworkError(
      `${where} answered HTTP ${status}${name && name !== 'Error' ? ` (${name})` : ''}, not an ${service} response`,
      'AWS or a proxy in between is failing; try again later, or check AWS_ENDPOINT_URL',
    );
  }
  // The SDK could not read a timestamp in a 200: whatever answered is not STS.
  if (name === 'TypeError' && /RFC-?3339|date-?time|timestamp|Invalid date/i.test(message)) {
    return new NetworkError(
      `${where} answered an expiry that is not a time: not an ${service} response`,
      'check AWS_ENDPOINT_URL and any proxy in between, then try again',
    );
  }
  // A request signed at a time AWS does not believe: this machine's clock, not the key.
  if (
    name === 'RequestExpired' ||
    name === 'RequestTimeTooSkewed' ||
    (name === 'SignatureDoesNotMatch' && /Signature (expired|not yet current)/i.test(message)) ||
    (name === 'InvalidSignatureException' && /Signature (expired|not yet current)/i.test(message))
  ) {
    return new NetworkError(
      `${service} refused the request as signed at the wrong time (${name}): this machine's clock is off`,
      CLOCK_HINT,
    );
  }
  if (isThrottled(err)) {
    const attempts = (err as { mfaEnvAttempts?: number }).mfaEnvAttempts ?? 1;
    return new NetworkError(
      `${service} is throttling requests (${name || e.Code}); gave up after ${attempts} ${attempts === 1 ? 'try' : 'tries'}`,
      'too many calls to AWS from this account right now: wait a minute and try again',
    );
  }
  if (name === 'AccessDenied' && /invalid MFA one time pass code/i.test(message)) {
    return new AwsRefusedError(
      'AWS refused the MFA code: wrong or already used',
      'wait for the next code and try again',
      name,
      true,
    );
  }
  if (name === 'AccessDenied' && /unable to validate MFA code|serial/i.test(message)) {
    return new AwsRefusedError(
      'AWS could not validate the MFA code against this device',
      'check mfa_serial in the profile (mfa-env setup can discover it)',
      name,
    );
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'UnrecognizedClientException') {
    return new AwsRefusedError(
      `AWS rejected the stored key (${name})`,
      'the stored key is invalid or was rotated; run mfa-env setup',
      name,
    );
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new AwsRefusedError(`AWS says the token has expired (${name})`, 'run mfa-env --refresh', name);
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new AwsRefusedError(`${service} denied the request: ${message}`, 'check the IAM user’s permissions', name);
  }
  return new UnexpectedAwsError(`${service} error ${name || 'unknown'}: ${message}`, name);
}

/**
 * AssumeRole's own refusals, named after the role and who asked; undefined
 * for anything else (the network, a wrong code, a bad key: mapAwsError).
 * AWS's wording ("is not authorized to perform: sts:AssumeRole", "the 1 hour
 * session limit for roles assumed by role chaining") never reaches a user raw.
 */
export function mapAssumeRoleError(
  err: unknown,
  ctx: { roleArn: string; asker: string; durationSeconds: number },
): MfaEnvError | undefined {
  if (err instanceof MfaEnvError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const message = (e.message ?? '').split('\n')[0]!.trim();
  if (name === 'AccessDenied' && /not authorized to perform: sts:AssumeRole/i.test(message)) {
    const who = /^User: (\S+) is not authorized/.exec(message)?.[1] ?? `profile '${ctx.asker}'`;
    return new AwsRefusedError(
      `AWS refused to let ${who} (for profile '${ctx.asker}') assume ${ctx.roleArn}`,
      "check the role's trust policy: it must trust this user or account, its MFA condition needs an MFA session, and its sts:ExternalId must match external_id; nothing was cached",
      name,
    );
  }
  if (name === 'ValidationError' && /role chaining/i.test(message)) {
    return new AwsRefusedError(
      `AWS limits ${ctx.roleArn} to 1 hour when it is assumed with another role's credentials (asked for ${ctx.durationSeconds} s)`,
      'ask for 1h or less (-d or duration_seconds); nothing was cached',
      name,
    );
  }
  if (name === 'ValidationError' && /MaxSessionDuration/i.test(message)) {
    return new AwsRefusedError(
      `${ctx.roleArn} allows shorter sessions than the ${ctx.durationSeconds} s asked for (its maximum session duration)`,
      "ask for less (-d or duration_seconds), or raise the role's maximum session duration in IAM; nothing was cached",
      name,
    );
  }
  return undefined;
}
