import assert from 'node:assert/strict';
import type { Emulator, EmulatorUser } from '../../src/demo/emulator/server.js';
import { makeUser } from '../../src/demo/emulator/server.js';
import type { Sandbox } from './cli.js';

/** A fresh emulator user, set up in the sandbox under `profile` the way a user would. */
export async function setUpUser(
  sandbox: Sandbox,
  emulator: Emulator,
  profile = 'dev',
  extra: string[] = [],
): Promise<EmulatorUser> {
  const user = makeUser();
  emulator.addUser(user);
  const r = await sandbox.mfaEnv(
    [
      'setup',
      '--profile',
      profile,
      '--access-key-id',
      user.accessKeyId,
      '--secret-stdin',
      '--mfa-serial',
      user.mfaDevices[0]!.serialNumber,
      ...extra,
    ],
    // setup checks the key with STS: straight at the emulator, whatever
    // endpoint or proxy the sandbox gives the commands under test.
    {
      input: user.secretAccessKey,
      env: {
        AWS_ENDPOINT_URL: emulator.url,
        HTTP_PROXY: undefined,
        http_proxy: undefined,
        HTTPS_PROXY: undefined,
        https_proxy: undefined,
      },
    },
  );
  assert.equal(r.code, 0, `setup failed: ${r.stderr}`);
  return user;
}

export function serialOf(user: EmulatorUser): string {
  return user.mfaDevices[0]!.serialNumber;
}
