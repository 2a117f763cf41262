// The 15-minute margin (SPEC "Margins"), measured through botocore: how often
// one AWS CLI process runs credential_process while it makes many requests.
// botocore refreshes credentials that have 15 minutes or less left before
// every request (advisory refresh), so if mfa-env handed it a cached session
// with 12 minutes left, the CLI would run mfa-env again for every page of
// `aws iam list-users --page-size 1`. mfa-env hands out fresh credentials
// instead, and the CLI runs it once. A role with duration_seconds = 900 shows
// that the counting sees every run: botocore then refreshes on every request,
// which is why `doctor` warns about such a profile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { roleArn, type EmulatorRole } from '../../src/demo/emulator/server.js';
import { makeUser, randomAccountId } from '../../src/demo/emulator/users.js';
import { MFA_ENV, runCommand, type RunResult } from '../helpers/cli.js';
import { assertOk, devProfile, type Dev } from '../helpers/dev-profile.js';
import { findAwsCli, requireTool, type AwsCli } from '../helpers/tools.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Users in each account: one `list-users --page-size 1` makes this many requests. */
const PAGES = 8;

interface Setup {
  dev: Dev;
  /** The credential_process runs so far, one line (the profile) each. */
  runs(): string[];
  /** What the next mfa_process of dev prints. */
  nextCode(code: string): void;
  listUsers(cli: AwsCli, profile: string): Promise<RunResult>;
}

/**
 * dev with PATH-less credential_process profiles that count their runs
 * (dev-sdk, prod-sdk, short-sdk), an mfa_process for dev, and PAGES users in
 * dev's account and in the role's.
 */
async function setUp(): Promise<Setup> {
  const dev = await devProfile();
  const s = dev.sandbox;
  const prod: EmulatorRole = { accountId: randomAccountId(), roleName: 'admin', trust: [dev.user.accountId] };
  dev.emulator.addRole(prod);
  for (let i = 1; i < PAGES; i++) {
    dev.emulator.addUser({ ...makeUser(`colleague-${i}`), accountId: dev.user.accountId });
    dev.emulator.addUser({ ...makeUser(`ops-${i}`), accountId: prod.accountId });
  }
  dev.emulator.addUser({ ...makeUser('ops-0'), accountId: prod.accountId });

  const count = join(s.dir, 'credential-process-runs');
  const wrapper = join(s.dir, 'counting-credential-process');
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho "$1" >> ${q(count)}\nexec ${q(process.execPath)} ${q(MFA_ENV)} credential-process --profile "$1"\n`,
  );
  chmodSync(wrapper, 0o755);
  const codeFile = join(s.dir, 'next-code');
  writeFileSync(
    s.configFile,
    readFileSync(s.configFile, 'utf8').replace(/^\[profile dev\]$/m, `[profile dev]\nmfa_process = cat ${codeFile}`),
  );
  appendFileSync(
    s.configFile,
    `\n[profile prod]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\n` +
      `\n[profile short]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\nduration_seconds = 900\n` +
      ['dev', 'prod', 'short'].map((p) => `\n[profile ${p}-sdk]\ncredential_process = ${wrapper} ${p}\n`).join(''),
  );
  return {
    dev,
    runs: () => {
      try {
        return readFileSync(count, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    nextCode: (code) => writeFileSync(codeFile, `${code}\n`),
    listUsers: (cli, profile) =>
      runCommand(
        cli.bin,
        [
          'iam',
          'list-users',
          '--page-size',
          '1',
          '--profile',
          profile,
          '--endpoint-url',
          dev.emulator.url,
          '--region',
          'us-east-1',
          '--output',
          'json',
        ],
        s.env,
      ),
  };
}

function assertAllUsers(r: RunResult, what: string): void {
  assertOk(r, what);
  assert.equal((JSON.parse(r.stdout) as { Users: unknown[] }).Users.length, PAGES, 'every page was fetched');
}

for (const major of [1, 2] as const) {
  const cli = findAwsCli(major);

  describe(`AWS CLI v${major}: credential_process runs once for many requests near expiry`, () => {
    test('a plain profile whose cached session has 12 minutes left: one run, which mints a new session', async (t) => {
      if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
      const { dev, runs, nextCode, listUsers } = await setUp();
      try {
        dev.emulator.setLifetime(() => 720);
        assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '-c', dev.code()]), 'export dev');
        dev.emulator.setLifetime(undefined);
        nextCode(dev.code());
        assertAllUsers(await listUsers(cli!, 'dev-sdk'), 'aws iam list-users --profile dev-sdk');
        assert.equal(dev.emulator.count('ListUsers', 'ok'), PAGES, 'one request per page');
        assert.deepEqual(runs(), ['dev'], 'credential_process ran once for all the requests');
        assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 2, 'the 12-minute session was replaced');
        assert.equal(dev.emulator.count('ListUsers', 'error'), 0);
      } finally {
        await dev.close();
      }
    });

    test('a role whose cached credentials have 12 minutes left: one run, one AssumeRole, no code', async (t) => {
      if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
      const { dev, runs, listUsers } = await setUp();
      try {
        dev.emulator.setLifetime(({ action, durationSeconds }) => (action === 'AssumeRole' ? 720 : durationSeconds));
        assertOk(await dev.sandbox.mfaEnv(['-p', 'prod', '-s', 'bash', '-c', dev.code()]), 'export prod');
        dev.emulator.setLifetime(undefined);
        assertAllUsers(await listUsers(cli!, 'prod-sdk'), 'aws iam list-users --profile prod-sdk');
        assert.equal(dev.emulator.count('ListUsers', 'ok'), PAGES);
        assert.deepEqual(runs(), ['prod']);
        assert.equal(dev.emulator.count('AssumeRole', 'ok'), 2, 'assumed again from the cached MFA session');
        assert.equal(dev.emulator.count('GetSessionToken'), 1, 'no new MFA session, no code');
      } finally {
        await dev.close();
      }
    });

    test('a role with duration_seconds = 900 (what doctor warns about): a run and an AssumeRole for every request', async (t) => {
      if (!requireTool(t, cli, `AWS CLI v${major}`)) return;
      const { dev, runs, listUsers } = await setUp();
      try {
        assertOk(await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash', '-c', dev.code()]), 'export dev');
        assertAllUsers(await listUsers(cli!, 'short-sdk'), 'aws iam list-users --profile short-sdk');
        const n = runs().length;
        assert.ok(n >= PAGES, `credential_process ran ${n} times for ${PAGES} requests`);
        assert.equal(dev.emulator.count('AssumeRole', 'ok'), n, 'each run assumed the role again');
        assert.equal(dev.emulator.count('GetSessionToken'), 1);
      } finally {
        await dev.close();
      }
    });
  });
}
