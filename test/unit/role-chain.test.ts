// Role profiles read from the AWS config file as the AWS CLI reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSessionName, readProfileChain } from '../../src/config/roles.js';

const ARN = 'arn:aws:iam::210987654321:role/admin';

async function chainOf(config: string, name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-roles-'));
  try {
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), '[dev]\naws_access_key_id = AKIAIGNOREDIGNORED12\n');
    return await readProfileChain(name, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a chain of any depth, from the base outwards, with each hop’s own settings', async () => {
  const chain = await chainOf(
    `[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n` +
      `[profile a]\nrole_arn = ${ARN}\nsource_profile = dev\nduration_seconds = 2h\nexternal_id = ext-1\n` +
      `[profile b]\nrole_arn = ${ARN}-b\nsource_profile = a\nrole_session_name = bee\n` +
      `[profile c]\nrole_arn = ${ARN}-c\nsource_profile = b\nregion = eu-west-3\n`,
    'c',
  );
  assert.equal(chain.base.name, 'dev');
  assert.equal(chain.target.region, 'eu-west-3');
  assert.equal(chain.mfaSerial, 'arn:aws:iam::123456789012:mfa/alice', "down to the base's device");
  assert.deepEqual(chain.hops, [
    { profile: 'a', roleArn: ARN, externalId: 'ext-1', roleSessionName: 'mfa-env-dev', durationSeconds: 7200 },
    { profile: 'b', roleArn: `${ARN}-b`, roleSessionName: 'bee' },
    { profile: 'c', roleArn: `${ARN}-c`, roleSessionName: 'mfa-env-dev' },
  ]);
});

test("the role profile's own mfa_serial comes before its source's", async () => {
  const chain = await chainOf(
    `[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n[profile a]\nrole_arn = ${ARN}\nsource_profile = dev\nmfa_serial = arn:aws:iam::123456789012:mfa/other\n`,
    'a',
  );
  assert.equal(chain.mfaSerial, 'arn:aws:iam::123456789012:mfa/other');
});

test('a plain profile is its own base, with no hops', async () => {
  const chain = await chainOf(`[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n`, 'dev');
  assert.deepEqual([chain.base.name, chain.hops], ['dev', []]);
});

test('the default session name is cut to the 64 characters STS allows', () => {
  assert.equal(defaultSessionName('dev'), 'mfa-env-dev');
  assert.equal(defaultSessionName('x'.repeat(64)).length, 64);
});
