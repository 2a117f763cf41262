// Loaded only by `setup` when it has to discover the MFA device.
import { IAMClient, ListMFADevicesCommand } from '@aws-sdk/client-iam';
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
  throw new NetworkError(`${where} answered an MFA device serial that is not one (${s.length} characters): not an IAM response`, 'check AWS_ENDPOINT_URL and any proxy in between; or pass --mfa-serial ARN. Nothing was stored');
}

export async function listMfaDevices(key: LongTermKey, region: string | undefined): Promise<MfaDevice[]> {
  const endpoint = iamEndpoint();
  const client = new IAMClient(clientConfig(key, region, endpoint));
  try {
    const out = await withAwsDeadline('IAM', endpoint, (abortSignal) => retryThrottled(abortSignal, () => client.send(new ListMFADevicesCommand({}), { abortSignal })), { operation: 'ListMFADevices' });
    return (out.MFADevices ?? []).map((d) => ({ serialNumber: checkedSerial(d.SerialNumber, endpoint), userName: d.UserName, enableDate: d.EnableDate }));
  } catch (err) {
    throw mapAwsError(err, 'IAM', endpoint ?? '');
  } finally {
    client.destroy();
  }
}
