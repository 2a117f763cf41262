// The real AWS SDK clients pointed at an emulator, for its unit tests, and
// how they check an AWS error the way the SDK reports it.
import assert from 'node:assert/strict';
import { STSClient } from '@aws-sdk/client-sts';
import { IAMClient } from '@aws-sdk/client-iam';
import type { Emulator, EmulatorUser } from '../../src/demo/emulator/server.js';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A user's long-term key, as credentials. */
export const keyOf = (u: EmulatorUser): Creds => ({ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey });

// maxAttempts 1: a retry would hide the first answer and double the call count.
export const sts = (emu: Emulator, credentials: Creds) =>
  new STSClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
export const iam = (emu: Emulator, credentials: Creds) =>
  new IAMClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** Asserts that `promise` fails the way the SDK reports an AWS error. */
export async function rejectsWith(promise: Promise<unknown>, name: string, message: string | RegExp, status: number) {
  await assert.rejects(promise, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}
