// npm run bench: mfa-env's startup budget, measured side by side against its
// baselines in one run, on loopback (a private Secret Service, the project's
// STS emulator), and printed as ratios.
//
//   B0  node -e 0                                   the baseline
//   B1  node -e 0 without NODE_EXTRA_CA_CERTS       Node's own start, when the machine sets it (no target)
//   K0  node + one @napi-rs/keyring read            the floor with the keychain (no target)
//   P1  mfa-env (export), cached session, keychain  ≤ 1.25 × B0
//   P2  a cold mint vs aws sts get-session-token     ≤ 0.4 × the AWS CLI
//   P3  mfa-exec -- true, cached session            ≤ 1.4 × B0
//   P4  1000 prompt renders in bash and zsh         ≤ 50 ms, 0 processes
//   P5  8 concurrent mfa-exec -- true, no session   1 STS call
//   P6  mfa-env -p ROLE, cached role credentials     ≤ 1.1 × P1
//   P7  a warm fetch from mfa-exec --server          ≤ 5 ms
//   P8  a new interactive bash, zsh, fish with the  ≤ 1.5 × the same shell
//       install.sh block                            without it
//
// Writes bench/results/latest.json and latest.md; commit them with the change
// they measure. Options: --quick (fewer runs, for iterating), --strict (exit 1
// when a target is missed), --only=P8 (that figure alone; the others in
// latest.json stay as they were), --roles (B0, P1 and P6 only, printed,
// nothing written: for a loaded machine, where only their ratio means
// anything). MFA_ENV_BENCH_HARNESS=node skips hyperfine;
// MFA_ENV_BENCH_AWS=/path/to/aws picks the AWS CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startEmulator, makeUser, roleArn, type Emulator, type EmulatorUser } from '../src/demo/emulator/server.js';
import { appendFileSync } from 'node:fs';
import { makeSandbox, runCommand, type Sandbox } from '../test/helpers/cli.js';
import { findTool } from '../test/helpers/require-tool.js';
import { startSecretService, type SecretService } from '../test/helpers/secret-service.js';
import { makeServerCertificate } from '../test/helpers/tls.js';
import { median, pickHarness, timeOnce, type Command, type Harness } from './measure.js';
import { measurePrompt, RENDERS } from './prompt.js';
import { measureShellStart } from './shell-start.js';
import { randomBytes } from 'node:crypto';

const ROOT = resolve(import.meta.dirname, '..');
// What install.sh puts on PATH: the launchers (see scripts/build.mjs).
const MFA_ENV = join(ROOT, 'dist', 'mfa-env');
const MFA_EXEC = join(ROOT, 'dist', 'mfa-exec');
// npm's bin entry: Node run on the bundle directly.
const MFA_ENV_JS = join(ROOT, 'dist', 'mfa-env.js');
/** Node with the machine's environment minus NODE_EXTRA_CA_CERTS, when that is set: Node's own start. */
const withoutExtraCa = (argv: string[]): string[] =>
  process.env.NODE_EXTRA_CA_CERTS ? ['env', '-u', 'NODE_EXTRA_CA_CERTS', ...argv] : argv;
const RESULTS = join(ROOT, 'bench', 'results');

const quick = process.argv.includes('--quick');
const strict = process.argv.includes('--strict');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const rolesOnly = process.argv.includes('--roles');
const plan = quick
  ? { warmup: 2, rounds: 2, runs: 5, mints: 4, promptRepeats: 3, concurrentTrials: 1, serverFetches: 50 }
  : { warmup: 3, rounds: 6, runs: 10, mints: 10, promptRepeats: 5, concurrentTrials: 3, serverFetches: 500 };
const CONCURRENT = 8;

interface Figure {
  id: string;
  what: string;
  /** The measured value: a median in ms, or a count. */
  value: number | null;
  unit: 'ms' | 'calls';
  /** What the value is compared with: another figure's id, or undefined for absolute targets. */
  baseline?: string;
  ratio?: number;
  target: string;
  pass: boolean | null;
  note?: string;
}

const figures: Figure[] = [];
const ms = (seconds: number[]) => median(seconds) * 1000;
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

function machine() {
  const tool = (bin: string | undefined, args: string[]) => {
    if (!bin) return null;
    try {
      return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')[0]!;
    } catch {
      return null;
    }
  };
  let commit: string | null = tool(findTool('git'), ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  if (
    commit &&
    tool(findTool('git'), ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results'])
  )
    commit += '+dirty';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    os: `${type()} ${release()}`,
    node: process.version,
    nodeExtraCaCerts: Boolean(process.env.NODE_EXTRA_CA_CERTS),
  };
}

/** The AWS CLI to compare with: the real program, not a version manager's shim in front of it. */
function findAwsCli(): { bin: string; version: string; note?: string } | undefined {
  let bin = process.env.MFA_ENV_BENCH_AWS || findTool('aws');
  if (!bin) return undefined;
  let note: string | undefined;
  try {
    if (readFileSync(bin, 'utf8').slice(0, 400).includes('pyenv')) {
      const real = execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim();
      note = `pyenv shim resolved to ${real}`;
      bin = real;
    }
  } catch {
    // a binary, or no pyenv: run it as found
  }
  try {
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split(' ')[0]!;
    return { bin, version, note };
  } catch (err) {
    say(`P2: ${bin} --version failed (${(err as Error).message.split('\n')[0]}): no AWS CLI to compare with`);
    return undefined;
  }
}

interface Fixture {
  ss: SecretService;
  emulator: Emulator;
  sandbox: Sandbox;
  /** The environment every measured command gets. */
  env: NodeJS.ProcessEnv;
  /** One IAM user; every profile and AWS CLI run uses its own MFA device of it (a code is good once per device). */
  user: EmulatorUser;
}

function newDevice(f: Fixture, name: string): string {
  const serialNumber = `arn:aws:iam::${f.user.accountId}:mfa/${name}`;
  f.user.mfaDevices.push({ serialNumber, secret: randomBytes(20) });
  return serialNumber;
}

/** `mfa-env setup` for a profile on its own device, the way a user does it. */
async function setUp(f: Fixture, profile: string): Promise<string> {
  const serial = newDevice(f, profile);
  const r = await f.sandbox.mfaEnv(
    [
      'setup',
      '--profile',
      profile,
      '--access-key-id',
      f.user.accessKeyId,
      '--secret-stdin',
      '--mfa-serial',
      serial,
      '--region',
      'eu-west-1',
    ],
    { input: f.user.secretAccessKey },
  );
  if (r.code !== 0) throw new Error(`setup --profile ${profile} failed: ${r.stderr}`);
  return serial;
}

async function startFixture(): Promise<Fixture> {
  const ss = await startSecretService();
  const user = makeUser('bench');
  const emulator = await startEmulator({ users: [user] });
  const sandbox = makeSandbox({ env: { ...ss.env, AWS_ENDPOINT_URL: emulator.url } });
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(sandbox.env).filter(([, v]) => v !== undefined));
  // The launchers run `node` from PATH: the Node that B0 measures comes first.
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  // Kept as the machine has it, for the baseline and for mfa-env alike: it
  // slows every Node start the same way.
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
  return { ss, emulator, sandbox, env, user };
}

/** B0, P1, P3: the cached paths against Node's own start, in alternating rounds. */
async function cachedPaths(f: Fixture, harness: Harness): Promise<void> {
  const serial = await setUp(f, 'bench');
  const mint = await f.sandbox.mfaEnv(['-p', 'bench', '--code', f.emulator.codeFor(serial)]);
  if (mint.code !== 0 || !mint.stdout.includes('AWS_SESSION_TOKEN'))
    throw new Error(`the first mint failed: ${mint.stderr}`);
  // P6: a role profile whose credentials are cached (assumed once, from the cached MFA session).
  const role = { accountId: f.user.accountId, roleName: 'bench-role' };
  f.emulator.addRole(role);
  appendFileSync(f.sandbox.configFile, `\n[profile bench-role]\nrole_arn = ${roleArn(role)}\nsource_profile = bench\n`);
  const assumed = await f.sandbox.mfaEnv(['-p', 'bench-role']);
  if (assumed.code !== 0 || !assumed.stdout.includes('AWS_SESSION_TOKEN'))
    throw new Error(`the first AssumeRole failed: ${assumed.stderr}`);
  const calls = f.emulator.count('GetSessionToken') + f.emulator.count('AssumeRole');

  const all: Command[] = [
    { name: 'B0', argv: [process.execPath, '-e', '0'] },
    { name: 'B1', argv: withoutExtraCa([process.execPath, '-e', '0']) },
    { name: 'K0', argv: withoutExtraCa([process.execPath, join(ROOT, 'bench', 'keyring-read.cjs'), 'session:bench']) },
    { name: 'P1', argv: [MFA_ENV, '-p', 'bench'] },
    { name: 'P1-js', argv: [process.execPath, MFA_ENV_JS, '-p', 'bench'] },
    { name: 'P3', argv: [MFA_EXEC, '-p', 'bench', '--', 'true'] },
    { name: 'P6', argv: [MFA_ENV, '-p', 'bench-role'] },
  ];
  const commands = rolesOnly ? all.filter((c) => ['B0', 'P1', 'P6'].includes(c.name)) : all;
  say(`${commands.map((c) => c.name).join('/')}: ${plan.rounds} rounds × ${plan.runs} runs each (${harness.name})`);
  const timings = await harness.time(commands, {
    env: f.env,
    warmup: plan.warmup,
    rounds: plan.rounds,
    runs: plan.runs,
  });
  if (f.emulator.count('GetSessionToken') + f.emulator.count('AssumeRole') !== calls)
    throw new Error('a cached run called STS: the cache was not used');

  const timed = new Map(commands.map((c, i) => [c.name, ms(timings[i]!.times)]));
  const p6 = timed.get('P6')!;
  figures.push({
    id: 'P6',
    what: '`mfa-env -p ROLE`, cached role credentials',
    value: p6,
    unit: 'ms',
    baseline: 'P1',
    ratio: p6 / timed.get('P1')!,
    target: '≤ 1.1×',
    pass: p6 / timed.get('P1')! <= 1.1,
  });
  if (rolesOnly) {
    figures.push({
      id: 'B0',
      what: '`node -e 0`',
      value: timed.get('B0')!,
      unit: 'ms',
      target: 'baseline',
      pass: null,
    });
    figures.push({
      id: 'P1',
      what: '`mfa-env` export, cached session, keychain store',
      value: timed.get('P1')!,
      unit: 'ms',
      baseline: 'B0',
      ratio: timed.get('P1')! / timed.get('B0')!,
      target: '≤ 1.25×',
      pass: timed.get('P1')! / timed.get('B0')! <= 1.25,
    });
    return;
  }
  const [b0, b1, k0, p1, p1js, p3] = ['B0', 'B1', 'K0', 'P1', 'P1-js', 'P3'].map((n) => timed.get(n)!) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  figures.push({ id: 'B0', what: '`node -e 0`', value: b0, unit: 'ms', target: 'baseline', pass: null });
  if (process.env.NODE_EXTRA_CA_CERTS) {
    figures.push({
      id: 'B1',
      what: '`node -e 0` without NODE_EXTRA_CA_CERTS (Node’s own start)',
      value: b1,
      unit: 'ms',
      baseline: 'B0',
      ratio: b1 / b0,
      target: 'none (a floor)',
      pass: null,
      note: `P1 is ${(p1 / b1).toFixed(2)}×, P3 ${(p3 / b1).toFixed(2)}× this: against it, ${p1 / b1 <= 1.25 ? 'P1 meets' : 'P1 misses'} 1.25×, ${p3 / b1 <= 1.4 ? 'P3 meets' : 'P3 misses'} 1.4×`,
    });
  }
  figures.push({
    id: 'K0',
    what: `Node + one \`@napi-rs/keyring\` read (the floor with the keychain${process.env.NODE_EXTRA_CA_CERTS ? '; Node started as the launcher starts it' : ''})`,
    value: k0,
    unit: 'ms',
    baseline: 'B0',
    ratio: k0 / b0,
    target: 'none (a floor)',
    pass: null,
    note: `P1 is ${(p1 / k0).toFixed(2)}× this`,
  });
  figures.push({
    id: 'P1',
    what: '`mfa-env` export, cached session, keychain store',
    value: p1,
    unit: 'ms',
    baseline: 'B0',
    ratio: p1 / b0,
    target: '≤ 1.25×',
    pass: p1 / b0 <= 1.25,
  });
  figures.push({
    id: 'P1-js',
    what: 'the same through npm’s bin entry (`node dist/mfa-env.js`: Node loads NODE_EXTRA_CA_CERTS as it starts)',
    value: p1js,
    unit: 'ms',
    baseline: 'B0',
    ratio: p1js / b0,
    target: 'none',
    pass: null,
  });
  figures.push({
    id: 'P3',
    what: '`mfa-exec -- true`, cached session',
    value: p3,
    unit: 'ms',
    baseline: 'B0',
    ratio: p3 / b0,
    target: '≤ 1.4×',
    pass: p3 / b0 <= 1.4,
  });
}

/**
 * A second emulator, over HTTPS with a certificate from a private CA, for the
 * same user; and the CA bundle both sides of P2 verify it with: the one the
 * machine uses (NODE_EXTRA_CA_CERTS, else Debian's) with that CA appended.
 * Undefined without openssl.
 */
async function httpsEmulator(
  f: Fixture,
): Promise<{ emulator: Emulator; bundle: string; close(): Promise<void> } | undefined> {
  if (!findTool('openssl')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-bench-tls-'));
  const made = makeServerCertificate(dir);
  const system = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find(
    (file) => file && existsSync(file),
  );
  const bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, (system ? readFileSync(system, 'utf8') : '') + '\n' + readFileSync(made.ca, 'utf8'));
  const emulator = await startEmulator({ users: [f.user], tls: { key: made.key, cert: made.cert } });
  return {
    emulator,
    bundle,
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * P2: a cold mint against the AWS CLI's get-session-token on the same
 * endpoint. A code is accepted once per device, so every run — ours and the
 * AWS CLI's — gets its own device and a fresh code, made just before the
 * batch it runs in. Batches of the two alternate.
 */
async function coldMint(f: Fixture, harness: Harness, https: boolean): Promise<void> {
  const id = https ? 'P2s' : 'P2';
  const aws = findAwsCli();
  if (!aws) {
    figures.push({
      id,
      what: 'cold mint vs `aws sts get-session-token`',
      value: null,
      unit: 'ms',
      target: '≤ 0.4× AWS CLI',
      pass: null,
      note: 'skipped: no AWS CLI installed (apt package awscli)',
    });
    return;
  }
  // P2s: over HTTPS, as against AWS: both sides verify the emulator's
  // certificate against the machine's CA bundle with a private CA appended.
  const tls = https ? await httpsEmulator(f) : undefined;
  if (https && !tls) {
    figures.push({
      id,
      what: 'cold mint over HTTPS',
      value: null,
      unit: 'ms',
      target: 'none',
      pass: null,
      note: 'skipped: no openssl to make a certificate',
    });
    return;
  }
  const profiles: { profile: string; serial: string }[] = [];
  for (let i = 0; i <= plan.mints; i++)
    profiles.push({ profile: `${id}-mint-${i}`, serial: await setUp(f, `${id}-mint-${i}`) });
  const awsDevices = Array.from({ length: plan.mints + 1 }, (_, i) => newDevice(f, `${id}-aws-${i}`));
  const sts = tls?.emulator ?? f.emulator;
  const oursEnv: NodeJS.ProcessEnv = tls
    ? { ...f.env, AWS_ENDPOINT_URL: sts.url, NODE_EXTRA_CA_CERTS: tls.bundle }
    : f.env;
  const awsEnv: NodeJS.ProcessEnv = {
    ...f.env,
    AWS_ACCESS_KEY_ID: f.user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: f.user.secretAccessKey,
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_PAGER: '',
    ...(tls ? { AWS_CA_BUNDLE: tls.bundle } : {}),
  };
  const ours = (i: number): Command => ({
    name: `mint-${i}`,
    argv: [MFA_ENV, '-p', profiles[i]!.profile, '--refresh', '--code', sts.codeFor(profiles[i]!.serial)],
  });
  const theirs = (i: number): Command => ({
    name: `aws-${i}`,
    argv: [
      aws.bin,
      'sts',
      'get-session-token',
      '--serial-number',
      awsDevices[i]!,
      '--token-code',
      sts.codeFor(awsDevices[i]!),
      '--endpoint-url',
      sts.url,
    ],
  });
  const once = { warmup: 0, rounds: 1, runs: 1 };
  say(
    `${id}: ${plan.mints} mints each, mfa-env and ${aws.version}${aws.note ? ` (${aws.note})` : ''}, over ${tls ? 'HTTPS' : 'HTTP'}`,
  );
  const before = sts.count('GetSessionToken', 'ok');
  // Warm-up: one of each, untimed (the last device of each).
  await timeOnce(ours(plan.mints).argv, oursEnv);
  await timeOnce(theirs(plan.mints).argv, awsEnv);
  const mine: number[] = [];
  const awsTimes: number[] = [];
  const BATCH = 5;
  for (let start = 0; start < plan.mints; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, plan.mints - start) }, (_, k) => start + k);
    for (const t of await harness.time(ids.map(ours), { ...once, env: oursEnv })) mine.push(...t.times);
    for (const t of await harness.time(ids.map(theirs), { ...once, env: awsEnv })) awsTimes.push(...t.times);
  }
  const minted = sts.count('GetSessionToken', 'ok') - before;
  await tls?.close();
  if (minted !== 2 * plan.mints + 2)
    throw new Error(`expected ${2 * plan.mints + 2} successful GetSessionToken calls, the emulator saw ${minted}`);
  const p2 = ms(mine);
  const base = ms(awsTimes);
  figures.push({
    id: `${id}-aws`,
    what: `\`aws sts get-session-token\` (${aws.version}${tls ? '; AWS_CA_BUNDLE' : ''})`,
    value: base,
    unit: 'ms',
    target: 'baseline',
    pass: null,
  });
  if (tls) {
    figures.push({
      id,
      what: 'the same over HTTPS: both verify against the machine’s CA bundle + a private CA (`NODE_EXTRA_CA_CERTS` / `AWS_CA_BUNDLE`)',
      value: p2,
      unit: 'ms',
      baseline: `${id}-aws`,
      ratio: p2 / base,
      target: 'none (see docs/performance.md)',
      pass: null,
    });
  } else {
    figures.push({
      id,
      what: 'cold mint: `mfa-env --refresh --code …`, keychain store, emulator over HTTP',
      value: p2,
      unit: 'ms',
      baseline: `${id}-aws`,
      ratio: p2 / base,
      target: '≤ 0.4×',
      pass: p2 / base <= 0.4,
    });
  }
}

function prompts(): void {
  for (const shell of ['bash', 'zsh'] as const) {
    const r = measurePrompt(shell, join(ROOT, 'shell', `mfa-env.${shell}`), plan.promptRepeats);
    const what = `${RENDERS} prompt renders (the hook), ${shell}, session loaded`;
    if ('skipped' in r) {
      figures.push({
        id: `P4-${shell}`,
        what,
        value: null,
        unit: 'ms',
        target: '≤ 50 ms, 0 processes',
        pass: null,
        note: `skipped: ${r.skipped}`,
      });
      continue;
    }
    const procs = r.processes === undefined ? 'processes not counted (no usable strace)' : `${r.processes} processes`;
    const changing = `session changing on every render: ${r.changingMs.toFixed(1)} ms`;
    figures.push({
      id: `P4-${shell}`,
      what,
      value: r.ms,
      unit: 'ms',
      target: '≤ 50 ms, 0 processes',
      // Not counted: no verdict (the target is both).
      pass: r.processes === undefined ? null : r.ms <= 50 && r.processes === 0,
      note: `${procs}; ${changing}`,
    });
  }
}

/** P8: a new interactive shell with install.sh's block against one without. */
async function shellStart(harness: Harness): Promise<void> {
  for (const r of await measureShellStart(ROOT, harness, {
    warmup: plan.warmup,
    rounds: plan.rounds,
    runs: plan.runs,
  })) {
    const what = `a new interactive ${r.shell} with the install.sh block`;
    if (r.withBlock === undefined || r.without === undefined) {
      figures.push({
        id: `P8-${r.shell}`,
        what,
        value: null,
        unit: 'ms',
        target: '≤ 1.5×',
        pass: null,
        note: r.skipped,
      });
      continue;
    }
    const ratio = r.withBlock / r.without;
    figures.push({
      id: `P8-${r.shell}`,
      what,
      value: r.withBlock,
      unit: 'ms',
      baseline: 'no block',
      ratio,
      target: '≤ 1.5×',
      pass: ratio <= 1.5,
      note: `without the block: ${r.without.toFixed(1)} ms`,
    });
  }
}

/** P5: eight mfa-exec at once with no session make one STS call between them. */
async function concurrent(f: Fixture): Promise<void> {
  let worst = 0;
  const walls: number[] = [];
  for (let trial = 0; trial < plan.concurrentTrials; trial++) {
    const profile = `conc-${trial}`;
    const serial = await setUp(f, profile);
    const code = f.emulator.codeFor(serial);
    const before = f.emulator.count('GetSessionToken');
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        timeOnce([MFA_EXEC, '-p', profile, '--code', code, '--', 'true'], f.env),
      ),
    );
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    worst = Math.max(worst, f.emulator.count('GetSessionToken') - before);
  }
  figures.push({
    id: 'P5',
    what: `${CONCURRENT} concurrent \`mfa-exec -- true\`, no session`,
    value: worst,
    unit: 'calls',
    target: '1 STS call',
    pass: worst === 1,
    note: `worst of ${plan.concurrentTrials} trial(s); all ${CONCURRENT} done in ${Math.round(median(walls))} ms`,
  });
}

/**
 * P7: one warm fetch from `mfa-exec --server`'s endpoint, as an SDK's
 * container provider makes it (a new connection each time), measured inside
 * COMMAND, so only the endpoint's answer counts.
 */
async function serverFetch(f: Fixture): Promise<void> {
  await setUp(f, 'server');
  const out = join(f.sandbox.dir, 'p7.json');
  const serial = f.user.mfaDevices.at(-1)!.serialNumber;
  // Not execFileSync: the emulator answers from this process, whose event loop must keep running.
  const r = await runCommand(
    MFA_EXEC,
    [
      '--server',
      '-p',
      'server',
      '-c',
      f.emulator.codeFor(serial),
      '--',
      process.execPath,
      join(ROOT, 'bench', 'server-fetch.mjs'),
      out,
      String(plan.serverFetches),
    ],
    f.env,
  );
  if (r.code !== 0) throw new Error(`P7: mfa-exec --server failed (${r.code}): ${r.stderr}`);
  const times = JSON.parse(readFileSync(out, 'utf8')) as number[];
  const value = median(times);
  figures.push({
    id: 'P7',
    what: 'a warm credential fetch from `mfa-exec --server`',
    value,
    unit: 'ms',
    target: '≤ 5 ms',
    pass: value <= 5,
    note: `${times.length} fetches`,
  });
}

function fmt(fig: Figure): { value: string; vs: string } {
  if (fig.value === null) return { value: '—', vs: '' };
  const value =
    fig.unit === 'calls' ? `${fig.value} STS call${fig.value === 1 ? '' : 's'}` : `${fig.value.toFixed(1)} ms`;
  const vs =
    fig.ratio !== undefined
      ? `${fig.ratio.toFixed(2)}× ${fig.baseline?.endsWith('-aws') ? 'AWS CLI' : fig.baseline}`
      : '';
  return { value, vs };
}

function markdown(info: ReturnType<typeof machine>, harness: string): string {
  const rows = figures.map((fig) => {
    const { value, vs } = fmt(fig);
    const mark = fig.pass === null ? '' : fig.pass ? 'met' : '**missed**';
    const label = fig.id.endsWith('-aws') ? '' : fig.id.replace(/-(bash|zsh|fish|js)$/, '');
    return `| ${label} | ${fig.what} | ${value}${fig.note ? ` (${fig.note})` : ''} | ${vs} | ${fig.target} | ${mark} |`;
  });
  return [
    `Measured ${info.date} on ${info.nproc} × ${info.cpu}, ${info.os}, Node ${info.node}` +
      `${info.nodeExtraCaCerts ? ', NODE_EXTRA_CA_CERTS set' : ''}; ${harness}; commit ${info.commit ?? 'unknown'}.`,
    '',
    '| | what | median | ratio | target | |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function previousRun(): { commit: string | null; date: string; figures: Figure[] } | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8')) as {
      commit: string | null;
      date: string;
      figures: Figure[];
    };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  for (const bin of [MFA_ENV, MFA_EXEC, MFA_ENV_JS]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm run bench does)`);
  }
  const info = machine();
  const harness = pickHarness();
  say(`${info.nproc} × ${info.cpu}, Node ${info.node}, ${harness.name}${quick ? ', --quick' : ''}`);
  if (info.nodeExtraCaCerts)
    say(
      'NODE_EXTRA_CA_CERTS is set: Node reads those certificates as it starts (B0 too); the launchers defer them (B1 is Node without them)',
    );

  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((t) => !findTool(t));
  if (only !== undefined && only !== 'P8') throw new Error(`--only=${only}: only P8 can be measured alone`);
  if (only === 'P8') {
    // nothing else: P8 below
  } else if (missing.length > 0) {
    const note = `skipped: the keychain store needs a Secret Service (${missing.join(', ')} not installed; scripts/setup-machine.sh installs them)`;
    const skipped = [
      ['P1', 'mfa-env, cached', '≤ 1.25× B0'],
      ['P2', 'cold mint', '≤ 0.4× AWS CLI'],
      ['P3', 'mfa-exec, cached', '≤ 1.4× B0'],
      ['P5', 'concurrent mfa-exec', '1 STS call'],
      ['P7', 'mfa-exec --server fetch', '≤ 5 ms'],
    ] as const;
    for (const [id, what, target] of skipped)
      figures.push({ id, what, value: null, unit: 'ms', target, pass: null, note });
  } else {
    const f = await startFixture();
    try {
      await cachedPaths(f, harness);
      if (!rolesOnly) {
        await coldMint(f, harness, false);
        await coldMint(f, harness, true);
        await concurrent(f);
        say('P7: mfa-exec --server fetches');
        await serverFetch(f);
      }
    } finally {
      await f.emulator.close();
      await f.ss.stop();
      f.sandbox.cleanup();
    }
  }
  if (only === undefined && !rolesOnly) {
    say('P4: prompt renders');
    prompts();
  }
  if (!rolesOnly) {
    say('P8: opening a terminal, with the block and without');
    await shellStart(harness);
  }
  const previous = previousRun();
  // --only: the other figures of the previous run stay.
  if (only !== undefined && previous)
    figures.push(...previous.figures.filter((p) => !figures.some((f) => f.id === p.id)));
  figures.sort((a, b) => a.id.localeCompare(b.id));

  process.stdout.write('\n');
  for (const fig of figures) {
    const { value, vs } = fmt(fig);
    const mark = fig.pass === null ? '' : fig.pass ? 'met' : 'MISSED';
    const was = previous?.figures.find((p) => p.id === fig.id);
    const change = was?.ratio !== undefined && fig.ratio !== undefined ? `  (was ${was.ratio.toFixed(2)}×)` : '';
    process.stdout.write(
      `${fig.id.padEnd(8)} ${fig.what.replace(/`/g, '').padEnd(50)} ${value.padStart(12)}  ${vs.padEnd(14)} target ${fig.target.padEnd(22)} ${mark}${fig.note ? `  [${fig.note}]` : ''}${change}\n`,
    );
  }
  if (previous)
    process.stdout.write(`\n(was: the previous latest.json, commit ${previous.commit ?? '?'} of ${previous.date})\n`);

  if (rolesOnly) return; // a partial run: the results files keep the last full one
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'latest.json'),
    JSON.stringify({ ...info, harness: harness.name, quick, figures }, null, 2) + '\n',
  );
  writeFileSync(join(RESULTS, 'latest.md'), markdown(info, harness.name));
  process.stdout.write(`\nwrote ${join('bench', 'results', 'latest.json')} and latest.md\n`);
  if (strict && figures.some((fig) => fig.pass === false)) process.exitCode = 1;
}

await main();
