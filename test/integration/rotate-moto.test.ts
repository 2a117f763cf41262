// `mfa-env rotate` against moto_server, an AWS emulator nobody here wrote:
// the happy path, twice in a row, then an export with the new key. The
// failure paths need what moto does not model (propagation, MFA in policies):
// rotate.test.ts runs them against the project's emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertOk, exportsOf } from '../helpers/dev-profile.js';
import { withMotoUser } from '../helpers/moto-user.js';

test('moto_server: setup → rotate → rotate → export; IAM lists only the newest key, and it is the one stored', async (t) => {
  await withMotoUser(t, async ({ sandbox, aws, key, device }) => {
    assertOk(
      await sandbox.mfaEnv(
        [
          'setup',
          '--profile',
          'dev',
          '--access-key-id',
          key.AccessKeyId!,
          '--secret-stdin',
          '--mfa-serial',
          device.SerialNumber!,
        ],
        { input: key.SecretAccessKey },
      ),
      'setup',
    );
    const listed = async () =>
      (
        (await aws(['iam', 'list-access-keys', '--user-name', 'alice'])).AccessKeyMetadata as unknown as {
          AccessKeyId: string;
        }[]
      ).map((k) => k.AccessKeyId);

    const seen = [key.AccessKeyId!];
    for (const round of [1, 2]) {
      const r = await sandbox.mfaEnv(['rotate', '-p', 'dev', '-c', '123456']);
      assertOk(r, `rotate ${round}`);
      const now = await listed();
      assert.equal(now.length, 1, `one key after rotate ${round}: ${now.join(', ')}`);
      assert.ok(!seen.includes(now[0]!), 'a new key');
      assert.match(r.stderr, new RegExp(`deleted the old key ${seen.at(-1)}`));
      seen.push(now[0]!);
    }
    const exported = await sandbox.mfaEnv(['-p', 'dev', '-c', '123456', '-s', 'bash']);
    assertOk(exported, 'export after two rotations');
    assert.ok(exportsOf(exported.stdout).AWS_SESSION_TOKEN);
    // The stored key is the newest: it signs as alice (moto checks no signature, but knows its keys).
    const stored = JSON.parse((await sandbox.mfaEnv(['status', '--json'])).stdout).profiles[0].keyId as string;
    assert.equal(stored, `${seen[2]!.slice(0, 4)}…${seen[2]!.slice(-4)}`);
  });
});
