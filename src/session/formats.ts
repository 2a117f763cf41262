import { rfc3339 } from './environment.js';
import type { Session } from './types.js';

/** The shape `aws sts get-session-token` prints. */
export function sessionJson(session: Session): string {
  return (
    JSON.stringify(
      {
        Credentials: {
          AccessKeyId: session.accessKeyId,
          SecretAccessKey: session.secretAccessKey,
          SessionToken: session.sessionToken,
          Expiration: rfc3339(session.expiration),
        },
      },
      null,
      4,
    ) + '\n'
  );
}

/** What `credential_process` must print (Version 1, with Expiration so SDKs refresh). */
export function credentialProcessJson(session: Session): string {
  return (
    JSON.stringify({
      Version: 1,
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: rfc3339(session.expiration),
    }) + '\n'
  );
}
