// The start of every moto_server test: the tools (a missing one fails in CI,
// skips elsewhere), moto on a free port, a sandbox pointed at it, and the IAM
// user alice with an access key and an enabled virtual MFA device, made with
// the AWS CLI the way an admin makes them.
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import { fileStoreEnv, makeSandbox, runCommand, type Sandbox } from './cli.js';
import { assertOk } from './dev-profile.js';
import { findAwsCli, onPath, requireTool, startMoto, type AwsCli } from './tools.js';

type Answer = Record<string, Record<string, string>>;

export interface MotoUser {
  cli: AwsCli;
  url: string;
  sandbox: Sandbox;
  /** `--endpoint-url` for AWS CLI v2 (v1 reads AWS_ENDPOINT_URL from the sandbox). */
  endpoint: string[];
  /** The AWS CLI against moto, as the admin by default; the parsed JSON answer. */
  aws(args: string[], env?: Record<string, string | undefined>): Promise<Answer>;
  user: Record<string, string>;
  key: Record<string, string>;
  device: Record<string, string>;
}

/** Runs `fn` with alice set up in moto; when a tool is missing, the test fails in CI and is skipped elsewhere. */
export async function withMotoUser(t: TestContext, fn: (m: MotoUser) => Promise<void>): Promise<void> {
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
    const aws = async (args: string[], env: Record<string, string | undefined> = admin) => {
      const r = await runCommand(cli!.bin, [...args, ...endpoint, '--region', 'us-east-1', '--output', 'json'], env);
      assertOk(r, `aws ${args.slice(0, 2).join(' ')}`);
      return JSON.parse(r.stdout || '{}') as Answer;
    };
    const user = (await aws(['iam', 'create-user', '--user-name', 'alice'])).User!;
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
    await fn({ cli: cli!, url: moto.url, sandbox, endpoint, aws, user, key, device });
  } finally {
    await moto.stop();
    sandbox.cleanup();
  }
}
