// `mfa-env rotate` against moto_server, an AWS emulator nobody here wrote:
// the happy path, twice in a row, then an export with the new key. The
// failure paths need what moto does not model (propagation, MFA in policies):
// rotate.test.ts runs them against the project's emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileStoreEnv, makeSandbox, runCommand } from '../helpers/cli.js';
import { assertOk, exportsOf } from '../helpers/dev-profile.js';
import { findAwsCli, onPath, requireTool, startMoto, type AwsCli } from '../helpers/tools.js';

test('moto_server: setup → rotate → rotate → export; IAM lists only the newest key, and it is the one stored', async (t) => {
  const motoBin = process.env.MFA_ENV_TEST_MOTO_SERVER ?? onPath('moto_server')[0];
  if (!requireTool(t, motoBin, 'moto_server (pip install "moto[server]")')) return;
  const cli: AwsCli | undefined = findAwsCli(1) ?? findAwsCli(2);
  if (!requireTool(t, cli, 'the AWS CLI (v1 or v2)')) return;

  const moto = await startMoto(motoBin!);
  const sandbox = makeSandbox({ env: { AWS_ENDPOINT_URL: moto.url } });
  Object.assign(sandbox.env, fileStoreEnv(sandbox.dir));
  try {
    const endpoint = cli!.major === 2 ? ['--endpoint-url', moto.url] : [];
    const admin = { ...sandbox.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    const aws = async (args: string[]) => {
      const r = await runCommand(cli!.bin, [...args, ...endpoint, '--region', 'us-east-1', '--output', 'json'], admin);
      assertOk(r, `aws ${args.slice(0, 2).join(' ')}`);
      return JSON.parse(r.stdout || '{}') as Record<string, Record<string, string>>;
    };
    await aws(['iam', 'create-user', '--user-name', 'alice']);
    const key = (await aws(['iam', 'create-access-key', '--user-name', 'alice'])).AccessKey!;
    const device = (
      await aws([
        'iam',
        'create-virtual-mfa-device',
        '--virtual-mfa-device-name',
        'alice',
        '--outfile',
        join(sandbox.dir, 'qr.png'),
        '--bootstrap-method',
        'QRCodePNG',
      ])
    ).VirtualMFADevice!;
    await aws([
      'iam',
      'enable-mfa-device',
      '--user-name',
      'alice',
      '--serial-number',
      device.SerialNumber!,
      '--authentication-code1',
      '123456',
      '--authentication-code2',
      '654321',
    ]);
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
  } finally {
    await moto.stop();
    sandbox.cleanup();
  }
});
