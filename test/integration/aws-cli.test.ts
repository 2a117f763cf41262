// The AWS CLI, v1 (botocore, from pip) and v2, consuming what mfa-env makes in
// each of the three ways: evaluated exports, a written profile, and a
// credential_process profile. Against the local STS: v1 honours
// AWS_ENDPOINT_URL (set in the sandbox), v2 2.9 does not, so it gets
// --endpoint-url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MFA_ENV, ROOT, runCommand, type RunResult } from '../helpers/cli.js';
import { assertOk, devProfile, exportsOf, type Dev } from '../helpers/dev-profile.js';
import { findAwsCli, requireTool, runOnTerminal, type AwsCli } from '../helpers/tools.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function aws(cli: AwsCli, dev: Dev, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const endpoint = cli.major === 2 ? ['--endpoint-url', dev.emulator.url] : [];
  return runCommand(cli.bin, [...args, ...endpoint, '--region', 'us-east-1', '--output', 'json'], {
    ...dev.sandbox.env,
    ...env,
  });
}

async function callerArn(cli: AwsCli, dev: Dev, args: string[] = []): Promise<string> {
  const r = await aws(cli, dev, ['sts', 'get-caller-identity', ...args]);
  assertOk(r, `aws v${cli.major} sts get-caller-identity ${args.join(' ')}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

/** The "Type" column of `aws configure list` for the access key: env, shared-credentials-file, custom-process… */
async function credentialSource(cli: AwsCli, dev: Dev, args: string[] = []): Promise<string> {
  const r = await runCommand(cli.bin, ['configure', 'list', ...args], dev.sandbox.env);
  assertOk(r, `aws v${cli.major} configure list`);
  return /^\s*access_key\s+\S+\s+(\S+)/m.exec(r.stdout)?.[1] ?? '';
}

/** v2 only: the CLI's own view of the credentials, Expiration included. */
async function exportedByCli(
  cli: AwsCli,
  dev: Dev,
  args: string[] = [],
): Promise<{ AccessKeyId: string; Expiration?: string }> {
  const r = await runCommand(
    cli.bin,
    ['configure', 'export-credentials', '--format', 'process', ...args],
    dev.sandbox.env,
  );
  assertOk(r, 'aws configure export-credentials');
  return JSON.parse(r.stdout) as { AccessKeyId: string; Expiration?: string };
}

const iso = (s: string) => new Date(s).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const major of [1, 2] as const) {
  const cli = findAwsCli(major);

  test(`AWS CLI v${major}: uses the variables from eval "$(mfa-env)", with a stale AWS_PROFILE in the shell`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const dev = await devProfile();
    try {
      const endpoint = cli!.major === 2 ? `--endpoint-url ${q(dev.emulator.url)}` : '';
      // AWS_PROFILE=dev (the long-term profile, no key in the file) would make the CLI fail; the exports unset it.
      const script = [
        `eval "$(${q(process.execPath)} ${q(MFA_ENV)} -p dev -c ${dev.code()} -d 1h -s bash)"`,
        `${q(cli!.bin)} sts get-caller-identity ${endpoint} --region us-east-1 --output json`,
        `${q(cli!.bin)} configure list`,
      ];
      if (cli!.major === 2) script.push(`${q(cli!.bin)} configure export-credentials --format process`);
      const r = await runCommand('bash', ['-c', script.join(' && ')], { ...dev.sandbox.env, AWS_PROFILE: 'dev' });
      assertOk(r, 'eval + aws');
      const identity = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('}') + 1)) as { Arn: string };
      assert.equal(identity.Arn, dev.arn);
      assert.match(r.stdout, /^\s*access_key\s+\S+\s+env\b/m, 'the credentials came from the environment');
      if (cli!.major === 2) {
        const exported = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{'))) as {
          AccessKeyId: string;
          Expiration: string;
        };
        assert.match(exported.AccessKeyId, /^ASIA/);
        assert.equal(iso(exported.Expiration), dev.expiryFor(3600), 'botocore read AWS_CREDENTIAL_EXPIRATION');
      }
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: uses the profile written by --write-profile, over a stale session in that section`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const dev = await devProfile();
    try {
      // An older session, in the legacy spelling too: botocore reads aws_security_token before aws_session_token.
      writeFileSync(
        dev.sandbox.credentialsFile,
        '[mfa-session]\naws_access_key_id = ASIAOLDOLDOLDOLDOLDO\naws_secret_access_key = old\naws_session_token = OLD\naws_security_token = OLD\n',
        { mode: 0o600 },
      );
      const r = await dev.sandbox.mfaEnv([
        '-p',
        'dev',
        '-c',
        dev.code(),
        '-d',
        '1h',
        '-s',
        'bash',
        '--write-profile',
        'mfa-session',
      ]);
      assertOk(r, 'mfa-env --write-profile');
      assert.equal(await callerArn(cli!, dev, ['--profile', 'mfa-session']), dev.arn);
      assert.equal(await credentialSource(cli!, dev, ['--profile', 'mfa-session']), 'shared-credentials-file');
      assert.match(
        readFileSync(dev.sandbox.credentialsFile, 'utf8'),
        new RegExp(`^aws_credential_expiration = ${dev.expiryFor(3600)}$`, 'm'),
      );
      if (cli!.major === 2) {
        assert.equal(
          (await exportedByCli(cli!, dev, ['--profile', 'mfa-session'])).AccessKeyId,
          exportsOf(r.stdout).AWS_ACCESS_KEY_ID,
        );
      }
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: runs credential_process — fails cleanly without a code, mints with mfa_process, then reuses the cache`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const dev = await devProfile({ setupArgs: ['--credential-process', 'dev-mfa'] });
    try {
      const failed = await aws(cli!, dev, ['sts', 'get-caller-identity', '--profile', 'dev-mfa']);
      assert.notEqual(failed.code, 0);
      assert.match(
        failed.stderr,
        /an MFA code is needed and there is no terminal to ask on/,
        'our message reaches the user through the CLI',
      );
      assert.equal(dev.emulator.count('GetSessionToken'), 0);

      const config = readFileSync(dev.sandbox.configFile, 'utf8');
      writeFileSync(
        dev.sandbox.configFile,
        config.replace(/^(mfa_serial = .*)$/m, `$1\nmfa_process = echo ${dev.code()}`),
      );
      assert.equal(await callerArn(cli!, dev, ['--profile', 'dev-mfa']), dev.arn);
      assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 1);
      assert.equal(await callerArn(cli!, dev, ['--profile', 'dev-mfa']), dev.arn);
      assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 1, 'the second CLI run got the cached session');

      assert.equal(await credentialSource(cli!, dev, ['--profile', 'dev-mfa']), 'custom-process');
      if (cli!.major === 2) {
        const exported = await exportedByCli(cli!, dev, ['--profile', 'dev-mfa']);
        assert.equal(iso(exported.Expiration!), dev.expiryFor(43_200), 'the Expiration the emulator issued');
      }
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: credential_process asks for the code on the terminal while the CLI reads its stdout`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const dev = await devProfile({ setupArgs: ['--credential-process', 'dev-mfa'] });
    try {
      // script(1) runs the CLI on a terminal and types what we give it: the code, then Enter.
      const endpoint = cli!.major === 2 ? ` --endpoint-url ${q(dev.emulator.url)}` : '';
      const cmd = `${q(cli!.bin)} sts get-caller-identity --profile dev-mfa${endpoint} --region us-east-1 --output json`;
      const r = await runOnTerminal(cmd, { ...dev.sandbox.env, AWS_PAGER: '' }, `${dev.code()}\r`);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /MFA code for .* \(profile dev\)/, 'the prompt was on the terminal');
      assert.ok(r.output.includes(`"Arn": "${dev.arn}"`), r.output);
      assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 1);
    } finally {
      await dev.close();
    }
  });

  test(`AWS CLI v${major}: a credential_process line quoted for a path with spaces runs`, async (t) => {
    if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
    const dev = await devProfile();
    try {
      const spaced = join(dev.sandbox.dir, 'Program Files', "it's");
      cpSync(join(ROOT, 'dist'), join(spaced, 'dist'), { recursive: true });
      const setup = await runCommand(
        process.execPath,
        [join(spaced, 'dist', 'mfa-env.js'), 'setup', '--profile', 'dev', '--credential-process', 'spaced'],
        dev.sandbox.env,
      );
      assertOk(setup, 'setup from a spaced path');
      assert.match(
        readFileSync(dev.sandbox.configFile, 'utf8'),
        /credential_process = \S+ '.*Program Files.*' credential-process --profile dev/,
      );
      assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-c', dev.code(), '-s', 'bash']), 'export (fills the cache)');
      assert.equal(await callerArn(cli!, dev, ['--profile', 'spaced']), dev.arn);
    } finally {
      await dev.close();
    }
  });
}
