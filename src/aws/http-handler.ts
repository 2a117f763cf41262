// How mfa-env's AWS calls reach AWS: the SDK's own Node handler, through
// the proxy the environment names (as the AWS CLI does), and with a cap on
// what an answer may weigh.
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { NetworkError } from '../errors.js';
import { NETWORK_CODES } from './errors.js';
import { extraCaOption } from './extra-ca.js';
import { redactUrl } from './endpoints.js';
import { proxyFor } from './proxy-env.js';

/**
 * The most an STS or IAM answer may weigh. Real ones are 1–3 KB (a
 * ListMFADevices of a user with many devices, ~10 KB); a 30 MB error body is
 * not AWS, and reading it whole only to print a line of it is not worth it.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024;

type HandlerOptions = ConstructorParameters<typeof NodeHttpHandler>[0] & object;
type Request = Parameters<NodeHttpHandler['handle']>[0];
type Handled = Awaited<ReturnType<NodeHttpHandler['handle']>>;

function tooLarge(bytes?: number): NetworkError {
  const what = bytes === undefined ? `more than ${MAX_RESPONSE_BYTES / 1024} KB` : `${Math.round(bytes / 1024)} KB`;
  // $metadata: the SDK then passes the error on as it is, without adding a line to its message.
  return Object.assign(
    new NetworkError(
      `the answer was ${what}, far more than any AWS answer: not an AWS response`,
      'check AWS_ENDPOINT_URL and any proxy in between, then try again',
    ),
    {
      $metadata: {},
    },
  );
}

/** A connection error through a proxy names the proxy (without its password), not only the endpoint. */
function throughProxy(err: unknown, proxy: URL, request: Request): unknown {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const name = (err as Error)?.name ?? '';
  // With a proxy in the way, it is the proxy that could not be reached or refused the tunnel.
  if (!NETWORK_CODES.has(code) && name !== 'TimeoutError') return err;
  const variable = request.protocol.replace(/:$/, '').toLowerCase() === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  return Object.assign(
    new NetworkError(
      `could not reach ${request.hostname} through the proxy ${redactUrl(proxy.href)} (${variable}): ${code || name}`,
      `check ${variable} and NO_PROXY, then try again`,
    ),
    { $metadata: {} },
  );
}

/** The response with its body cut off, as an error, past MAX_RESPONSE_BYTES. */
function capped(handled: Handled): Handled {
  const { response } = handled;
  const declared = Number(response.headers['content-length'] ?? response.headers['Content-Length']);
  const body = response.body as Readable | undefined;
  if (declared > MAX_RESPONSE_BYTES) {
    body?.destroy?.();
    throw tooLarge(declared);
  }
  if (!body || typeof body.pipe !== 'function') return handled;
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > MAX_RESPONSE_BYTES) {
        body.destroy();
        done(tooLarge());
      } else done(null, chunk);
    },
  });
  body.on('error', (err) => limit.destroy(err));
  response.body = body.pipe(limit);
  return handled;
}

/**
 * The request handler for the STS and IAM clients: NodeHttpHandler with
 * mfa-env's timeouts, the deferred NODE_EXTRA_CA_CERTS (src/aws/extra-ca.ts)
 * and, per request, the proxy the environment names for its URL.
 */
export function requestHandler(
  timeouts: { connectionTimeout: number; requestTimeout: number },
  env: NodeJS.ProcessEnv = process.env,
) {
  const handlers = new Map<string, NodeHttpHandler>();
  const handlerFor = (request: Request): NodeHttpHandler => {
    const proxy = proxyFor(request, env);
    const https = request.protocol.replace(/:$/, '').toLowerCase() === 'https';
    const id = `${https ? 'https' : 'http'} ${proxy?.href ?? 'direct'}`;
    let handler = handlers.get(id);
    if (!handler) {
      // The HTTPS agent's options only where HTTPS is spoken: making them parses every CA certificate.
      const tls = https ? extraCaOption()?.httpsAgent : undefined;
      const options: HandlerOptions = { ...timeouts, throwOnRequestTimeout: true };
      if (proxy && https)
        options.httpsAgent = new HttpsProxyAgent(proxy, { ...tls, keepAlive: true }) as unknown as HttpsAgent;
      else if (proxy) options.httpAgent = new HttpProxyAgent(proxy, { keepAlive: true }) as unknown as HttpAgent;
      else if (tls) options.httpsAgent = tls;
      handler = new NodeHttpHandler(options);
      handlers.set(id, handler);
    }
    return handler;
  };
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: Request, options?: Parameters<NodeHttpHandler['handle']>[1]): Promise<Handled> {
      const proxy = proxyFor(request, env);
      try {
        return capped(await handlerFor(request).handle(request, options));
      } catch (err) {
        throw proxy ? throughProxy(err, proxy, request) : err;
      }
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {
      for (const h of handlers.values()) h.destroy();
    },
  };
}
