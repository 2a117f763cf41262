// Loaded only by `setup` when it has to discover the MFA device.
import { IAMClient, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import type { LongTermKey } from '../session/types.js';
import { clientConfig } from './client-config.js';
import { iamEndpoint } from './endpoints.js';
import { withAwsDeadline } from './deadline.js';
import { mapAwsError } from './errors.js';

export interface MfaDevice {
  serialNumber: string;
  userName?: string;
  enableDate?: Date;
}

export async function listMfaDevices(key: LongTermKey, region: string | undefined): Promise<MfaDevice[]> {
  const endpoint = iamEndpoint();
  const client = new IAMClient(clientConfig(key, region, endpoint));
  try {
    const out = await withAwsDeadline('IAM', endpoint, (abortSignal) => client.send(new ListMFADevicesCommand({}), { abortSignal }));
    return (out.MFADevices ?? []).map((d) => ({ serialNumber: d.SerialNumber!, userName: d.UserName, enableDate: d.EnableDate }));
  } catch (err) {
    throw mapAwsError(err, 'IAM', endpoint ?? '');
  } finally {
    client.destroy();
  }
}
