// The credential endpoint of `mfa-exec --server`: what the AWS SDKs, the AWS
// CLI and terraform call the container credential provider
// (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN).
// It lives in mfa-exec's own process, so it ends with mfa-exec on every path,
// kill -9 included, and listens on 127.0.0.1 only.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rfc3339 } from '../session/environment.js';
import type { Session } from '../session/types.js';

/** Hands out credentials; the server calls it for every authorised GET, one call at a time. */
export type CredentialSource = () => Promise<Session>;

export interface CredentialServer {
  /** http://127.0.0.1:PORT/PATH: the value of AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string;
  /** The value of AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  token: string;
  close(): Promise<void>;
}

export interface CredentialServerOptions {
  /** Told once per failed hand-out, with the error the SDK was answered with. */
  onError?: (err: unknown) => void;
  /** Told when credentials were handed out. */
  onSuccess?: () => void;
}

/** What an SDK shows of a failure: one line, never a secret (our errors carry none). */
export interface ErrorBody {
  code: string;
  message: string;
}

/** 256 random bits, URL- and header-safe. */
function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of the Authorization header with the token. */
function authorised(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time flat.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: object | undefined): void {
  const text = body === undefined ? '' : `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(text);
}

/**
 * Starts the endpoint. Every request but a GET of the exact path with the
 * exact token gets a 4xx with no body. Concurrent requests share one call
 * of `source` (one MFA prompt, one AssumeRole).
 */
export async function startCredentialServer(
  source: CredentialSource,
  options: CredentialServerOptions = {},
): Promise<CredentialServer> {
  const token = randomToken();
  const expected = Buffer.from(token, 'utf8');
  // A path nobody can guess as well: a request that reaches the port by
  // accident (a browser, a scanner) gets a 404 without a token being compared.
  const path = `/${randomBytes(16).toString('base64url')}`;
  let inFlight: Promise<Session> | undefined;
  const credentials = () => {
    inFlight ??= source().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== path) return send(res, 404, undefined);
    if (req.method !== 'GET') return send(res, 405, undefined);
    if (!authorised(req.headers.authorization, expected)) return send(res, 403, undefined);
    try {
      const s = await credentials();
      options.onSuccess?.();
      send(res, 200, {
        AccessKeyId: s.accessKeyId,
        SecretAccessKey: s.secretAccessKey,
        Token: s.sessionToken,
        Expiration: rfc3339(s.expiration),
      });
    } catch (err) {
      options.onError?.(err);
      const message = err instanceof Error ? err.message.replace(/[\u0000-\u001f\u007f]+/g, ' ') : 'no credentials';
      send(res, 503, { code: 'MfaEnvCredentialsUnavailable', message: `mfa-env: ${message}` } satisfies ErrorBody);
    }
  };

  // Idle and slow connections are checked every second, not Node's 30 s: a
  // local process that opens thousands and sends nothing holds them seconds,
  // not half a minute, and the SDK's retry gets through.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    // The body of a GET is not read; drain anything sent so the socket closes cleanly.
    req.resume();
    void handle(req, res);
  });
  // No slow-loris: a client that does not send its headers in time is dropped.
  server.headersTimeout = 5_000;
  server.requestTimeout = 0; // a hand-out may wait for a person typing a code
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref(); // the child, not the endpoint, keeps mfa-exec alive
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
