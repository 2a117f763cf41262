// Which proxy an AWS call takes, read from the environment as the AWS CLI
// reads it. No network code here: doctor shows the decision without loading
// the SDK's HTTP handler.
import { NetworkError } from '../errors.js';
import { redactUrl } from './endpoints.js';

/**
 * NO_PROXY as the AWS CLI reads it (botocore, through Python's urllib): `*`
 * is every host; otherwise a comma-separated list of names, each matching
 * the host itself or any name under it (a leading dot changes nothing), with
 * or without `:port`.
 */
export function bypassesProxy(hostname: string, port: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  if (noProxy.trim() === '*') return true;
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const hostPort = port ? `${host}:${port}` : host;
  return noProxy.split(',').some((raw) => {
    const name = raw
      .trim()
      .replace(/^\.+/, '')
      .toLowerCase()
      .replace(/^\[(.*)\](:\d+)?$/, '$1$2');
    if (!name) return false;
    return host === name || hostPort === name || host.endsWith(`.${name}`) || hostPort.endsWith(`.${name}`);
  });
}

/**
 * The proxy for a request to `target`, as the AWS CLI picks it: https_proxy
 * or HTTPS_PROXY for https, http_proxy or HTTP_PROXY for http (lower case
 * first), unless NO_PROXY (no_proxy first) names the host. A proxy without
 * a scheme is http://.
 */
export function proxyFor(
  target: { protocol: string; hostname: string; port?: number | string },
  env: NodeJS.ProcessEnv = process.env,
): URL | undefined {
  const https = target.protocol.replace(/:$/, '').toLowerCase() === 'https';
  const raw = (https ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY)?.trim();
  if (!raw) return undefined;
  const port = target.port === undefined || target.port === '' ? (https ? '443' : '80') : String(target.port);
  if (bypassesProxy(target.hostname, port, env.no_proxy || env.NO_PROXY)) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new NetworkError(
      `${https ? 'HTTPS_PROXY' : 'HTTP_PROXY'} is not a URL: ${redactUrl(raw)}`,
      'set it to http://HOST:PORT (or unset it)',
    );
  }
}
