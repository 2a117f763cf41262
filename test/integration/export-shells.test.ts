// Hostile credential values, served by the STS emulator, through the SDK,
// the cache and mfa-env's rendering, into real bash, zsh and fish: what a
// child process of the shell sees must be byte-identical, and nothing in a
// value may ever run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { makeSandbox, MFA_ENV, runCommand, type Sandbox } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { startSecretService, type SecretService } from '../helpers/secret-service.js';

const SETS = Number(process.env.MFA_ENV_HOSTILE_SETS ?? 200);

const PIECES = [
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  '$',
  '$HOME',
  '${PATH}',
  '`id`',
  '$(touch CANARY)',
  '`touch CANARY`',
  '\n',
  '\r\n',
  '\t',
  ' ',
  ';',
  '|',
  '&',
  '>',
  '<',
  '*',
  '?',
  '~',
  '#',
  '!',
  '%',
  '{',
  '}',
  '(',
  ')',
  'é',
  '☃',
  '𝄞',
  '\u2018',
  '\u2019',
  '\u201A',
  '\u201B',
  'a',
  'Z',
  '0',
  '-',
  '=',
  '+',
  '/',
  "'; touch CANARY; '",
];

function hostile(): string {
  // Starts with a letter: the SDK's XML parser trims a value that is only white space.
  let s = 'k';
  const n = randomInt(1, 16);
  for (let i = 0; i < n; i++) s += PIECES[randomInt(PIECES.length)];
  return s;
}

interface Issued {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

let emulator: Emulator;
let sandbox: Sandbox;
let secrets: SecretService;
const issued = new Map<string, Issued>(); // userName → credentials
const profiles: string[] = [];

before(
  async () => {
    emulator = await startEmulator({
      issueCredentials: ({ user }) => {
        const creds = { accessKeyId: hostile(), secretAccessKey: hostile(), sessionToken: hostile() };
        issued.set(user.userName, creds);
        return creds;
      },
    });
    secrets = await startSecretService();
    sandbox = makeSandbox({ env: { ...secrets.env, AWS_ENDPOINT_URL: emulator.url } });

    // SETS profiles, one emulator user each, each minted once through the
    // product's own code (SDK → emulator → session cache in the real Secret
    // Service), in this process: the shells below then read them as a user's
    // `eval "$(mfa-env -p pN)"` does.
    const users: EmulatorUser[] = [];
    let config = '';
    for (let i = 0; i < SETS; i++) {
      const user = makeUser(`hostile-${i}`);
      emulator.addUser(user);
      users.push(user);
      profiles.push(`p${i}`);
      config += `[profile p${i}]\nmfa_serial = ${user.mfaDevices[0]!.serialNumber}\n\n`;
    }
    writeFileSync(sandbox.configFile, config);
    Object.assign(process.env, sandbox.env);
    const { keychainInProcess } = await import('../../src/store/keychain.js');
    const { saveLongTermKey } = await import('../../src/session/long-term-key.js');
    const { saveSession } = await import('../../src/session/cache.js');
    const { getSessionToken } = await import('../../src/aws/sts.js');
    // In-process writes: the CLI's worker process per write would cost a Node start each.
    const store = { backend: 'keychain' as const, location: 'test', ...keychainInProcess() };
    for (let i = 0; i < SETS; i++) {
      const key = { accessKeyId: users[i]!.accessKeyId, secretAccessKey: users[i]!.secretAccessKey };
      const mfaSerial = users[i]!.mfaDevices[0]!.serialNumber;
      await saveLongTermKey(store, `p${i}`, key);
      const session = await getSessionToken({
        key,
        mfaSerial,
        code: emulator.codeFor(mfaSerial),
        durationSeconds: 3600,
        region: 'us-east-1',
      });
      await saveSession(store, { ...session, profile: `p${i}`, sourceKeyId: key.accessKeyId, mfaSerial });
    }
    assert.equal(emulator.count('GetSessionToken', 'ok'), SETS);
    writeFileSync(join(sandbox.dir, 'profiles'), profiles.join('\n') + '\n');
  },
  { timeout: 300_000 },
);

after(async () => {
  await emulator.close();
  await secrets?.stop();
  sandbox.cleanup();
});

// bash and zsh read the same script; only the dialect asked for differs.
const posixLoop = (dialect: string) => `while IFS= read -r p; do
  out=$("$NODE" "$MFA_ENV" -p "$p" -s ${dialect}) || exit 90
  eval "$out"
  printf 'BEGIN %s\\0' "$p"; env -0
done < "$DIR/profiles"`;

const LOOPS: Record<string, { args: (script: string) => string[]; script: string }> = {
  bash: { args: (s) => ['--noprofile', '--norc', '-c', s], script: posixLoop('bash') },
  zsh: { args: (s) => ['-f', '-c', s], script: posixLoop('zsh') },
  fish: {
    args: (s) => ['--no-config', '-c', s],
    script: `for p in (cat $DIR/profiles)
  $NODE $MFA_ENV -p $p -s fish | source
  test $pipestatus[1] -eq 0; or exit 90
  printf 'BEGIN %s\\0' $p; env -0
end`,
  },
};

async function runLoop(shell: string): Promise<void> {
  const loop = LOOPS[shell]!;
  const work = join(sandbox.dir, `cwd-${shell}`);
  mkdirSync(work);
  const r = await runCommand(
    shell,
    loop.args(loop.script),
    { ...sandbox.env, NODE: process.execPath, MFA_ENV, DIR: sandbox.dir },
    { cwd: work },
  );
  assert.equal(r.code, 0, `${shell}: ${r.stderr}`);
  const seen = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const chunk of r.stdout.split('\0')) {
    if (chunk.startsWith('BEGIN ')) {
      current = new Map();
      seen.set(chunk.slice(6), current);
    } else if (current && chunk.includes('=')) {
      const eq = chunk.indexOf('=');
      current.set(chunk.slice(0, eq), chunk.slice(eq + 1));
    }
  }
  assert.equal(seen.size, SETS, shell);
  for (let i = 0; i < SETS; i++) {
    const env = seen.get(`p${i}`)!;
    const want = issued.get(`hostile-${i}`)!;
    assert.equal(env.get('AWS_ACCESS_KEY_ID'), want.accessKeyId, `${shell} p${i} access key id`);
    assert.equal(env.get('AWS_SECRET_ACCESS_KEY'), want.secretAccessKey, `${shell} p${i} secret`);
    assert.equal(env.get('AWS_SESSION_TOKEN'), want.sessionToken, `${shell} p${i} token`);
    assert.equal(env.get('MFA_ENV_PROFILE'), `p${i}`);
  }
  assert.equal(existsSync(join(work, 'CANARY')), false, `${shell}: no value ever ran as code`);
}

describe(`${SETS} hostile credential sets come out byte-identical`, () => {
  // One test running the three shells side by side: each loop is SETS runs
  // of the real CLI, and they need not wait for each other.
  test('in bash, zsh and fish', { timeout: 900_000, ...requireTool('bash', 'zsh', 'fish', 'env') }, async () => {
    await Promise.all(Object.keys(LOOPS).map(runLoop));
  });
});
