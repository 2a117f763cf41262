// The keychain module's parts, measured (docs/design-keychain.md): each
// keyring operation in a fresh process, with the D-Bus look (the default)
// and without it (MFA_ENV_KEYCHAIN_PROBE=0: a ping, then the search for a
// read, the worker process for a write), on a private gnome-keyring.
//
//   node --import tsx bench/keychain-parts.ts [RUNS]
//
// Prints the median time of the operation itself (test/helpers/store-op.ts
// reports it, Node's start and module loading excluded) and, with
// hyperfine, a cached `mfa-env` export end to end.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeUser, startEmulator } from '../src/demo/emulator/server.js';
import { makeSandbox } from '../test/helpers/cli.js';
import { runStoreOp } from '../test/helpers/run.js';
import { startSecretService } from '../test/helpers/secret-service.js';

const RUNS = Number(process.argv[2] ?? 15);
const ROOT = resolve(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ss = await startSecretService();
const emulator = await startEmulator();
const sandbox = makeSandbox({ env: { ...ss.env, AWS_ENDPOINT_URL: emulator.url } });
try {
  const env = { ...process.env, ...ss.env };
  const probeOff = { ...env, MFA_ENV_KEYCHAIN_PROBE: '0' };
  await runStoreOp('keychain', ['set', 'session:dev', 'x'.repeat(1500)], env);
  for (let i = 0; i < 20; i++) await runStoreOp('keychain', ['set', `session:other${i}`, 'y'.repeat(1500)], env);

  const op = async (args: string[], e: NodeJS.ProcessEnv) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await runStoreOp('keychain', args, e);
      if (r.code !== 0 || r.opMs === undefined) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      times.push(r.opMs);
    }
    return median(times);
  };
  const rows: [string, number][] = [
    ['get, present, look + entry read (default)', await op(['get', 'session:dev'], env)],
    ['get, present, ping + search (PROBE=0)', await op(['get', 'session:dev'], probeOff)],
    ['get, absent, look only (default)', await op(['get', 'session:none'], env)],
    ['get, absent, ping + search (PROBE=0)', await op(['get', 'session:none'], probeOff)],
    ['set, look + in-process write (default)', await op(['set', 'session:dev', 'z'.repeat(1500)], env)],
    ['set, worker process (PROBE=0)', await op(['set', 'session:dev', 'z'.repeat(1500)], probeOff)],
  ];
  console.log(`store operations, median of ${RUNS} fresh processes, 21 items of service mfa-env in the keyring:`);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(44)} ${ms} ms`);

  // End to end: a cached export through the CLI, probe on and off.
  const user = makeUser();
  emulator.addUser(user);
  writeFileSync(sandbox.configFile, '');
  // Not execFileSync: the emulator answers from this process's event loop.
  const cli = async (args: string[], input = '') => {
    const child = promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'mfa-env.js'), ...args], {
      env: sandbox.env as NodeJS.ProcessEnv,
    });
    child.child.stdin?.end(input);
    await child;
  };
  await cli(
    [
      'setup',
      '--profile',
      'dev',
      '--access-key-id',
      user.accessKeyId,
      '--secret-stdin',
      '--mfa-serial',
      user.mfaDevices[0]!.serialNumber,
    ],
    user.secretAccessKey,
  );
  await cli(['-p', 'dev', '-c', emulator.codeFor(user.mfaDevices[0]!.serialNumber)]);
  const envArgs = Object.entries(sandbox.env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const js = join(ROOT, 'dist', 'mfa-env.js');
  const out = execFileSync(
    'hyperfine',
    [
      '-N',
      '--warmup',
      '3',
      '--runs',
      String(RUNS * 2),
      '--style',
      'basic',
      `env -i ${envArgs.join(' ')} ${process.execPath} -e 0`,
      `env -i ${envArgs.join(' ')} ${process.execPath} ${js} -p dev`,
      `env -i ${envArgs.join(' ')} MFA_ENV_KEYCHAIN_PROBE=0 ${process.execPath} ${js} -p dev`,
    ],
    { encoding: 'utf8' },
  );
  const mean = (text: string) =>
    text
      .split('\n')
      .filter((l) => /Time \(mean/.test(l))
      .map((l) => l.trim());
  console.log('\ncached export end to end (hyperfine, mean ± σ): node -e 0; probe on; probe off');
  console.log(mean(out).join('\n'));

  // What the write worker costs in the built product: a Node start, the keyring, one write.
  const request = join(sandbox.dir, 'request.json');
  writeFileSync(request, JSON.stringify({ op: 'set', account: 'session:bench', value: 'w'.repeat(1500) }));
  const worker = execFileSync(
    'hyperfine',
    [
      '-N',
      '--warmup',
      '3',
      '--runs',
      String(RUNS * 2),
      '--style',
      'basic',
      `env -i ${envArgs.join(' ')} sh -c '${process.execPath} ${join(ROOT, 'dist', 'keychain-worker.js')} < ${request}'`,
    ],
    { encoding: 'utf8' },
  );
  console.log('\nthe write worker, one set, end to end (hyperfine):');
  console.log(mean(worker).join('\n'));
} finally {
  await emulator.close();
  sandbox.cleanup();
  await ss.stop();
}
