// Hostile credential values, served by the STS emulator, through the SDK,
// the cache and mfa-env's rendering, into real bash, zsh and fish: what a
// child process of the shell sees must be byte-identical, and nothing in a
// value may ever run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../emulator/server.js';
import { fileStoreEnv, makeSandbox, MFA_ENV, runCommand, type Sandbox } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';

const SETS = Number(process.env.MFA_ENV_HOSTILE_SETS ?? 200);

const PIECES = ["'", "''", '"', '\\', '\\\'', '$', '$HOME', '${PATH}', '`id`', '$(touch CANARY)', '`touch CANARY`', '\n', '\r\n', '\t', ' ', ';', '|', '&', '>', '<', '*', '?', '~', '#', '!', '%', '{', '}', '(', ')', 'é', '☃', '𝄞', '\u2018', '\u2019', '\u201A', '\u201B', 'a', 'Z', '0', '-', '=', '+', '/', "'; touch CANARY; '"];

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
const issued = new Map<string, Issued>(); // userName → credentials
const profiles: string[] = [];

before(async () => {
  emulator = await startEmulator({
    issueCredentials: ({ user }) => {
      const creds = { accessKeyId: hostile(), secretAccessKey: hostile(), sessionToken: hostile() };
      issued.set(user.userName, creds);
      return creds;
    },
  });
  sandbox = makeSandbox();
  Object.assign(sandbox.env, fileStoreEnv(sandbox.dir), { AWS_ENDPOINT_URL: emulator.url });

  // Set up SETS profiles, one emulator user each, and mint each once through
  // the product's own session path (emulator → SDK → cache), in this process.
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
  const { openStore } = await import('../../src/store/index.js');
  const { saveLongTermKey } = await import('../../src/session/long-term-key.js');
  const { sessionFromArgs } = await import('../../src/commands/session.js');
  const store = openStore();
  for (let i = 0; i < SETS; i++) {
    await saveLongTermKey(store, `p${i}`, { accessKeyId: users[i]!.accessKeyId, secretAccessKey: users[i]!.secretAccessKey });
  }
  for (let i = 0; i < SETS; i++) {
    const r = await sessionFromArgs({ profile: `p${i}`, code: emulator.codeFor(users[i]!.mfaDevices[0]!.serialNumber) });
    assert.equal(r.source, 'minted');
  }
  assert.equal(emulator.count('GetSessionToken', 'ok'), SETS);
  writeFileSync(join(sandbox.dir, 'profiles'), profiles.join('\n') + '\n');
});

after(async () => {
  await emulator.close();
  sandbox.cleanup();
});

const LOOPS: Record<string, { args: (script: string) => string[]; script: string }> = {
  bash: {
    args: (s) => ['--noprofile', '--norc', '-c', s],
    script: `while IFS= read -r p; do
  out=$("$NODE" "$MFA_ENV" -p "$p" -s bash) || exit 90
  eval "$out"
  printf 'BEGIN %s\\0' "$p"; env -0
done < "$DIR/profiles"`,
  },
  zsh: {
    args: (s) => ['-f', '-c', s],
    script: `while IFS= read -r p; do
  out=$("$NODE" "$MFA_ENV" -p "$p" -s zsh) || exit 90
  eval "$out"
  printf 'BEGIN %s\\0' "$p"; env -0
done < "$DIR/profiles"`,
  },
  fish: {
    args: (s) => ['--no-config', '-c', s],
    script: `for p in (cat $DIR/profiles)
  $NODE $MFA_ENV -p $p -s fish | source
  test $pipestatus[1] -eq 0; or exit 90
  printf 'BEGIN %s\\0' $p; env -0
end`,
  },
};

describe(`${SETS} hostile credential sets per shell come out byte-identical`, () => {
  for (const [shell, loop] of Object.entries(LOOPS)) {
    test(shell, requireTool(shell, 'env'), async () => {
      const work = join(sandbox.dir, `cwd-${shell}`);
      mkdirSync(work);
      const r = await runCommand(shell, loop.args(loop.script), { ...sandbox.env, NODE: process.execPath, MFA_ENV, DIR: sandbox.dir }, { cwd: work });
      assert.equal(r.code, 0, r.stderr);
      const chunks = r.stdout.split('\0');
      const seen = new Map<string, Map<string, string>>();
      let current: Map<string, string> | undefined;
      for (const chunk of chunks) {
        if (chunk.startsWith('BEGIN ')) {
          current = new Map();
          seen.set(chunk.slice(6), current);
        } else if (current && chunk.includes('=')) {
          const eq = chunk.indexOf('=');
          current.set(chunk.slice(0, eq), chunk.slice(eq + 1));
        }
      }
      assert.equal(seen.size, SETS);
      for (let i = 0; i < SETS; i++) {
        const env = seen.get(`p${i}`)!;
        const want = issued.get(`hostile-${i}`)!;
        assert.equal(env.get('AWS_ACCESS_KEY_ID'), want.accessKeyId, `p${i} access key id`);
        assert.equal(env.get('AWS_SECRET_ACCESS_KEY'), want.secretAccessKey, `p${i} secret`);
        assert.equal(env.get('AWS_SESSION_TOKEN'), want.sessionToken, `p${i} token`);
        assert.equal(env.get('MFA_ENV_PROFILE'), `p${i}`);
      }
      assert.equal(existsSync(join(work, 'CANARY')), false, 'no value ever ran as code');
    });
  }
});
