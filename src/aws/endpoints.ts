/** Endpoint overrides, the way the AWS CLI and SDKs name them. */
export function stsEndpoint(env = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
}

export function iamEndpoint(env = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL || undefined;
}

/** STS and IAM are reachable in every partition from us-east-1 when no region is known. */
export function signingRegion(region: string | undefined, env = process.env): string {
  return region || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/**
 * A URL for a message: a user name and password in it (an endpoint or a
 * proxy written as https://user:pass@host) never reach the screen.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}
