// The only module that loads @aws-sdk/client-sts. Import it dynamically, on
// the path that calls AWS: the cached path must not pay for the SDK.
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandOutput,
} from '@aws-sdk/client-sts';
import type { LongTermKey, Session } from '../session/types.js';
import { clientConfig } from './client-config.js';
import { redactUrl, stsEndpoint } from './endpoints.js';
import { checkStsCredentials } from './sts-answer.js';
import { withAwsDeadline } from './deadline.js';
import { mapAssumeRoleError, mapAwsError, retryThrottled } from './errors.js';

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
    const out = await withAwsDeadline(
      'STS',
      endpoint,
      (abortSignal) =>
        retryThrottled(abortSignal, () =>
          client.send(
            new GetSessionTokenCommand({
              SerialNumber: input.mfaSerial,
              TokenCode: input.code,
              DurationSeconds: input.durationSeconds,
            }),
            { abortSignal },
          ),
        ),
      {
        operation: 'GetSessionToken',
        sentMayHave: { message: 'AWS may have used the MFA code', hint: 'wait for the next code, then try again' },
      },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      // A 200 that is not STS's XML (a captive portal's page parses to nothing): not an STS answer.
      throw Object.assign(new Error('GetSessionToken answered without credentials'), {
        name: '',
        $metadata: out.$metadata,
      });
    }
    return checkStsCredentials(c, endpoint ? `STS at ${redactUrl(endpoint)}` : 'STS');
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
export async function getCallerIdentity(
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string | undefined,
): Promise<CallerIdentity> {
  const endpoint = stsEndpoint();
  const client = new STSClient({
    ...clientConfig({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, region, endpoint),
    credentials: creds,
  });
  try {
    const out = await withAwsDeadline(
      'STS',
      endpoint,
      (abortSignal) => client.send(new GetCallerIdentityCommand({}), { abortSignal }),
      { operation: 'GetCallerIdentity' },
    );
    return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
  } catch (err) {
    throw mapAwsError(err, 'STS', endpoint ?? '');
  } finally {
    client.destroy();
  }
}

export interface AssumeRoleInput {
  /** The caller: the base's MFA session, another role's credentials, or the base's long-term key (with mfa). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  roleArn: string;
  roleSessionName: string;
  externalId?: string;
  durationSeconds: number;
  /** SerialNumber/TokenCode: when the caller signs with the long-term key and the role wants MFA. */
  mfa?: { serialNumber: string; code: string };
  region: string | undefined;
  /** Who asks (a profile name), for the refusal message. */
  asker: string;
}

export async function assumeRole(input: AssumeRoleInput): Promise<Session> {
  const endpoint = stsEndpoint();
  // One attempt when a code goes with it, for the reason getSessionToken gives.
  const c = input.credentials;
  const client = new STSClient({
    ...clientConfig(
      { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
      input.region,
      endpoint,
      input.mfa ? 1 : undefined,
    ),
    credentials: c,
  });
  try {
    const send = (abortSignal: AbortSignal) =>
      client.send(
        new AssumeRoleCommand({
          RoleArn: input.roleArn,
          RoleSessionName: input.roleSessionName,
          DurationSeconds: input.durationSeconds,
          ...(input.externalId !== undefined ? { ExternalId: input.externalId } : {}),
          ...(input.mfa ? { SerialNumber: input.mfa.serialNumber, TokenCode: input.mfa.code } : {}),
        }),
        { abortSignal },
      );
    // A code goes once (see getSessionToken); without one, Throttling is retried.
    const out = await withAwsDeadline(
      'STS',
      endpoint,
      (abortSignal) => (input.mfa ? send(abortSignal) : retryThrottled(abortSignal, () => send(abortSignal))),
      {
        operation: 'AssumeRole',
        ...(input.mfa
          ? {
              sentMayHave: {
                message: 'AWS may have used the MFA code',
                hint: 'wait for the next code, then try again',
              },
            }
          : {}),
      },
    );
    return assumeRoleCredentials(out, endpoint);
  } catch (err) {
    throw (
      mapAssumeRoleError(err, { roleArn: input.roleArn, asker: input.asker, durationSeconds: input.durationSeconds }) ??
      mapAwsError(err, 'STS', endpoint ?? '')
    );
  } finally {
    client.destroy();
  }
}

/** AssumeRole's answer → the credentials: the one place it is read (a sanity check plugs in here). */
export function assumeRoleCredentials(
  out: Pick<AssumeRoleCommandOutput, 'Credentials' | '$metadata'>,
  endpoint?: string,
): Session {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw Object.assign(new Error('AssumeRole answered without credentials'), { name: '', $metadata: out.$metadata });
  }
  return checkStsCredentials(c, endpoint ? `STS at ${redactUrl(endpoint)}` : 'STS');
}
