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
