// Loaded only by the commands that call IAM: `setup` when it has to discover
// the MFA device, `rotate`, and `doctor` for a key's age.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
} from '@aws-sdk/client-iam';
import type { LongTermKey } from '../session/types.js';
import { clientConfig } from './client-config.js';
import { iamEndpoint, redactUrl } from './endpoints.js';
import { isMfaSerial } from '../config/validate.js';
import { NetworkError } from '../errors.js';
import { withAwsDeadline } from './deadline.js';
import { mapAwsError, retryThrottled } from './errors.js';

export interface MfaDevice {
  serialNumber: string;
  userName?: string;
  enableDate?: Date;
}

/** The longest serial an answer may carry (an ARN is at most ~600 characters). */
const MAX_SERIAL_CHARS = 1024;

/**
 * A serial from ListMFADevices, checked before anything prints or stores
 * it: an MFA device ARN or hardware serial as setup accepts from the user
 * (or a FIDO key's ARN, which export then refuses with its reason).
 * Anything else is not IAM's answer (exit 5).
 */
function checkedSerial(serial: string | undefined, endpoint: string | undefined): string {
  const s = serial ?? '';
  const u2f = /^arn:aws[-a-z]*:iam::\d{12}:u2f\/[\w+=,.@/-]{1,512}$/.test(s);
  if (s.length <= MAX_SERIAL_CHARS && (u2f || isMfaSerial(s))) return s;
  const where = endpoint ? `IAM at ${redactUrl(endpoint)}` : 'IAM';
  throw new NetworkError(
    `${where} answered an MFA device serial that is not one (${s.length} characters): not an IAM response`,
    'check AWS_ENDPOINT_URL and any proxy in between; or pass --mfa-serial ARN. Nothing was stored',
  );
}

export async function listMfaDevices(key: LongTermKey, region: string | undefined): Promise<MfaDevice[]> {
  const endpoint = iamEndpoint();
  const client = new IAMClient(clientConfig(key, region, endpoint));
  try {
    const out = await withAwsDeadline(
      'IAM',
      endpoint,
      (abortSignal) => retryThrottled(abortSignal, () => client.send(new ListMFADevicesCommand({}), { abortSignal })),
      { operation: 'ListMFADevices' },
    );
    return (out.MFADevices ?? []).map((d) => ({
      serialNumber: checkedSerial(d.SerialNumber, endpoint),
      userName: d.UserName,
      enableDate: d.EnableDate,
    }));
  } catch (err) {
    throw mapAwsError(err, 'IAM', endpoint ?? '');
  } finally {
    client.destroy();
  }
}

/** Credentials that sign an IAM call: an MFA session (with its token) or a long-term key. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  createDate?: Date;
}

export interface NewAccessKey extends AccessKeyInfo {
  secretAccessKey: string;
}

/**
 * One IAM call, its errors mapped like every AWS call's. `maxAttempts` 1
 * where a retry is the caller's decision (CreateAccessKey must not make two keys).
 */
async function callIam<T>(
  creds: SigningCredentials,
  region: string | undefined,
  call: (client: IAMClient, abortSignal: AbortSignal) => Promise<T>,
  maxAttempts = 2,
): Promise<T> {
  const endpoint = iamEndpoint();
  const client = new IAMClient({ ...clientConfig(creds, region, endpoint, maxAttempts), credentials: creds });
  try {
    return await withAwsDeadline('IAM', endpoint, (abortSignal) => call(client, abortSignal));
  } catch (err) {
    throw mapAwsError(err, 'IAM', endpoint ?? '');
  } finally {
    client.destroy();
  }
}

export async function listAccessKeys(
  creds: SigningCredentials,
  region: string | undefined,
  userName?: string,
): Promise<AccessKeyInfo[]> {
  const out = await callIam(creds, region, (c, abortSignal) =>
    c.send(new ListAccessKeysCommand(userName ? { UserName: userName } : {}), { abortSignal }),
  );
  return (out.AccessKeyMetadata ?? []).map((k) => ({ accessKeyId: k.AccessKeyId ?? '', createDate: k.CreateDate }));
}

export async function createAccessKey(
  creds: SigningCredentials,
  region: string | undefined,
  userName: string,
): Promise<NewAccessKey> {
  const out = await callIam(
    creds,
    region,
    (c, abortSignal) => c.send(new CreateAccessKeyCommand({ UserName: userName }), { abortSignal }),
    1,
  );
  const k = out.AccessKey;
  if (!k?.AccessKeyId || !k.SecretAccessKey) {
    throw Object.assign(new Error('CreateAccessKey answered without a key'), { name: '', $metadata: out.$metadata });
  }
  return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, createDate: k.CreateDate };
}

export async function deleteAccessKey(
  creds: SigningCredentials,
  region: string | undefined,
  userName: string,
  accessKeyId: string,
): Promise<void> {
  await callIam(
    creds,
    region,
    (c, abortSignal) =>
      c.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }), { abortSignal }),
    1,
  );
}
