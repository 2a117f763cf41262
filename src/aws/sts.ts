// The only module that loads @aws-sdk/client-sts. Import it dynamically, on
// the path that calls AWS: the cached path must not pay for the SDK.
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { LongTermKey, Session } from '../session/types.js';
import { clientConfig } from './client-config.js';
import { stsEndpoint } from './endpoints.js';
import { withAwsDeadline } from './deadline.js';
import { mapAwsError } from './errors.js';

export interface GetSessionTokenInput {
  key: LongTermKey;
  mfaSerial: string;
  code: string;
  durationSeconds: number;
  region: string | undefined;
}

export async function getSessionToken(input: GetSessionTokenInput): Promise<Session> {
  const endpoint = stsEndpoint();
  // One attempt: a retry would send the same MFA code again, and if the first
  // request reached AWS (an answer lost to a timeout or a reset connection)
  // AWS refuses the reused code, which would read as "wrong code" (exit 3)
  // instead of what happened (the network, exit 5).
  const client = new STSClient(clientConfig(input.key, input.region, endpoint, 1));
  try {
    const out = await withAwsDeadline('STS', endpoint, (abortSignal) => client.send(new GetSessionTokenCommand({ SerialNumber: input.mfaSerial, TokenCode: input.code, DurationSeconds: input.durationSeconds }), { abortSignal }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      // A 200 that is not STS's XML (a captive portal's page parses to nothing): not an STS answer.
      throw Object.assign(new Error('GetSessionToken answered without credentials'), { name: '', $metadata: out.$metadata });
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
  } catch (err) {
    throw mapAwsError(err, 'STS', endpoint ?? '');
  } finally {
    client.destroy();
  }
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

/** Who a set of credentials belongs to (demo, doctor). */
export async function getCallerIdentity(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string | undefined): Promise<CallerIdentity> {
  const endpoint = stsEndpoint();
  const client = new STSClient({ ...clientConfig({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, region, endpoint), credentials: creds });
  try {
    const out = await withAwsDeadline('STS', endpoint, (abortSignal) => client.send(new GetCallerIdentityCommand({}), { abortSignal }));
    return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
  } catch (err) {
    throw mapAwsError(err, 'STS', endpoint ?? '');
  } finally {
    client.destroy();
  }
}
