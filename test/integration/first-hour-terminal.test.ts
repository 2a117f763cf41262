// The first hour at a real terminal (bash, zsh and fish in tmux, the built
// CLI, a local STS): the code prompt says why it asks, shows no ✔ before AWS
// accepts the code, asks again when AWS refuses one; "asking STS…" shows
// while STS answers and is cleared after; mfa says what the shell got;
// NO_COLOR reaches the prompts; the demo speaks the shell's syntax.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request, createServer, type Server } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, MFA_ENV_LAUNCHER, MFA_EXEC_LAUNCHER, type Sandbox } from '../helpers/cli.js';
import { serialOf, setUpUser } from '../helpers/users.js';
import { saveSession } from '../../src/session/cache.js';
import { createFileStore } from '../../src/store/file.js';
import { run, shq, TmuxShell, toolTest, type Shell } from './shell-helpers.js';

let emulator: Emulator;
let slow: { url: string; close: () => void };
/** How long the proxy in front of the emulator holds each request. */
const STS_DELAY_MS = 1500;

/** An HTTP proxy in front of the emulator that answers STS_DELAY_MS late: time to see the wait. */
async function slowProxy(target: string): Promise<{ url: string; close: () => void }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.end(Buffer.concat(chunks));
      }, STS_DELAY_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

before(async () => {
  emulator = await startEmulator();
  slow = await slowProxy(emulator.url);
});
after(async () => {
  slow.close();
  await emulator.close();
});

const basePath = process.env.PATH ?? '/usr/bin:/bin';
const loadIntegration: Record<Shell, string> = {
  bash: 'eval "$(mfa-env init bash)"',
  zsh: 'eval "$(mfa-env init zsh)"',
  fish: 'mfa-env init fish | source',
};

/** A sandbox whose bin directory holds what install.sh links, and the dev user set up in it. */
async function prepared(): Promise<{ s: Sandbox; user: EmulatorUser; bin: string }> {
  const s = emulatorSandbox(emulator.url);
  const user = await setUpUser(s, emulator, 'dev', ['--region', 'eu-west-1']);
  const bin = join(s.dir, 'bin');
  mkdirSync(bin);
  symlinkSync(MFA_ENV_LAUNCHER, join(bin, 'mfa-env'));
  symlinkSync(MFA_EXEC_LAUNCHER, join(bin, 'mfa-exec'));
  return { s, user, bin };
}

function terminal(s: Sandbox, shell: Shell, bin: string, extra: Record<string, string> = {}): TmuxShell {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.env)) if (v !== undefined && k !== 'PATH' && k !== 'HOME') env[k] = v;
  return TmuxShell.start(s.dir, shell, `${bin}:${basePath}`, { ...env, AWS_ENDPOINT_URL: slow.url, ...extra });
}

/** A wrong code: six digits that are not the device's current, previous or next code. */
function wrongCode(user: EmulatorUser): string {
  const now = Date.now();
  const valid = new Set([-30_000, 0, 30_000].map((d) => emulator.codeFor(serialOf(user), now + d)));
  for (let n = 123456; ; n++) if (!valid.has(String(n))) return String(n);
}

describe('at the terminal, in bash, zsh and fish', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    toolTest(
      `${shell}: expiring session said, no ✔ before AWS accepts, a refused code asked again, asking STS… then cleared, mfa's one line`,
      [shell, 'tmux'],
      async () => {
        const { s, user, bin } = await prepared();
        // A session with 2 minutes left: inside the 5-minute margin.
        const store = createFileStore(s.env.MFA_ENV_STORE_DIR!, async () => s.env.MFA_ENV_FILE_PASSPHRASE!);
        await saveSession(store, {
          accessKeyId: 'ASIAEXPIRINGSESSION1',
          secretAccessKey: 'x'.repeat(40),
          sessionToken: 'token',
          expiration: new Date(Date.now() + 150_000),
          profile: 'dev',
          sourceKeyId: user.accessKeyId,
          mfaSerial: serialOf(user),
        });
        const sh = terminal(s, shell, bin);
        const f = (name: string) => shq(join(s.dir, name));
        const okBefore = emulator.count('GetSessionToken', 'ok');
        const errorsBefore = emulator.count('GetSessionToken', 'error');
        try {
          await sh.run(loadIntegration[shell]);
          sh.type(`mfa -p dev; echo "status=${shell === 'fish' ? '$status' : '$?'}" > ${f('status')}`);
          await sh.waitForScreen((screen) =>
            /MFA code for \S+ \(profile dev; its session has [12]m left, a new code starts a new one\)/.test(screen),
          );

          const wrong = wrongCode(user);
          sh.typeKeys(wrong, 'Enter');
          const waiting = await sh.waitForScreen((screen) => screen.includes('mfa-env: asking STS…'));
          assert.doesNotMatch(waiting, /✔/, 'no ✔ next to a code AWS has not answered for');
          await sh.waitForScreen((screen) =>
            new RegExp(`AWS refused ${wrong} \\(wrong or already used\\)\\. Next MFA code for`).test(screen),
          );

          // The same code again is refused by the prompt itself, without a call.
          sh.typeKeys(wrong, 'Enter');
          await sh.waitForScreen((screen) => screen.includes('AWS refused that code; wait for the next one'));
          sh.typeKeys('', ...Array<string>(6).fill('BSpace'));
          sh.typeKeys(emulator.codeFor(serialOf(user)), 'Enter');
          await sh.waitForFile(join(s.dir, 'status'));
          // The shell creates the file before echo writes into it: wait for the line.
          for (let i = 0; i < 200 && sh.read('status') === ''; i++) await new Promise((r) => setTimeout(r, 25));
          assert.equal(sh.read('status').trim(), 'status=0');
          const done = await sh.waitForScreen((screen) =>
            /mfa-env: profile dev, eu-west-1, 1[12]h\d\dm left \(minted\)/.test(screen),
          );
          assert.doesNotMatch(done, /asking STS/, 'the waiting line is cleared once STS answered');
          assert.doesNotMatch(done, /✔/);
          assert.equal(emulator.count('GetSessionToken', 'ok'), okBefore + 1);
          assert.equal(
            emulator.count('GetSessionToken', 'error'),
            errorsBefore + 1,
            'the repeated code never reached AWS',
          );

          // The shell holds dev now: a bare mfa reuses it and says so.
          await sh.run(`clear; mfa; printf '%s' "$MFA_ENV_PROFILE" > ${f('profile')}`);
          await sh.waitForScreen((screen) =>
            /^mfa-env: profile dev, eu-west-1, 1[12]h\d\dm left \(reused\)$/m.test(screen),
          );
          assert.equal(sh.read('profile'), 'dev');
        } finally {
          sh.close();
          s.cleanup();
        }
      },
    );
  }

  toolTest('NO_COLOR: the code prompt has no colour; without it, it has', ['bash', 'tmux'], async () => {
    const { s, bin } = await prepared();
    try {
      for (const noColor of [false, true]) {
        const sh = terminal(s, 'bash', bin, noColor ? { NO_COLOR: '1' } : {});
        try {
          await sh.run(loadIntegration.bash);
          sh.type('mfa -p dev --refresh');
          const screen = await sh.waitForScreen((text) => text.includes('MFA code for'), true);
          const line = screen.split('\n').find((l) => l.includes('MFA code for'))!;
          if (noColor) assert.doesNotMatch(line, /\x1b\[[0-9;]*m/, `NO_COLOR=1: ${JSON.stringify(line)}`);
          else assert.match(line, /\x1b\[[0-9;]*m/, 'coloured by default (so the check above can fail)');
          sh.typeKeys('', 'C-c');
        } finally {
          sh.close();
        }
      }
    } finally {
      s.cleanup();
    }
  });

  toolTest('the demo prints fish syntax in fish, bash syntax in bash', ['fish', 'bash'], () => {
    const fish = run('fish', ['--no-config', '-c', `${shq(MFA_ENV_LAUNCHER)} demo`], {
      PATH: basePath,
      HOME: '/nonexistent',
      TERM: 'dumb',
    });
    assert.equal(fish.status, 0, fish.stderr);
    assert.match(fish.stdout, /^2\. mfa-env -p demo \| source$/m);
    assert.match(fish.stdout, /^ {5}set -gx AWS_ACCESS_KEY_ID 'ASIA/m);
    assert.doesNotMatch(fish.stdout, /export |eval /);
    const bash = run('bash', ['--norc', '-c', `${shq(MFA_ENV_LAUNCHER)} demo; true`], {
      PATH: basePath,
      HOME: '/nonexistent',
      TERM: 'dumb',
    });
    assert.equal(bash.status, 0, bash.stderr);
    assert.match(bash.stdout, /^2\. eval "\$\(mfa-env -p demo\)"$/m);
    assert.match(bash.stdout, /^ {5}export AWS_ACCESS_KEY_ID='ASIA/m);
  });
});

describe('setup checks the key with AWS before it stores it', () => {
  const statusOf = async (s: Sandbox) =>
    JSON.parse((await s.mfaEnv(['status', '--json'])).stdout) as {
      profiles: { profile: string; keyId: string | null; session: unknown }[];
    };

  toolTest(
    'with flags: a wrong secret or an unknown key id is exit 3 and nothing is stored; the same key again keeps the session',
    [],
    async () => {
      const s = emulatorSandbox(emulator.url);
      const user = makeUser();
      emulator.addUser(user);
      const masked = `${user.accessKeyId.slice(0, 4)}…${user.accessKeyId.slice(-4)}`;
      const setup = (id: string, secret: string) =>
        s.mfaEnv(
          [
            'setup',
            '-p',
            'dev',
            '--access-key-id',
            id,
            '--secret-stdin',
            '--mfa-serial',
            serialOf(user),
            '--region',
            'eu-west-1',
          ],
          { input: secret },
        );
      const typo = `${user.secretAccessKey.slice(0, 39)}${user.secretAccessKey.endsWith('x') ? 'y' : 'x'}`;
      const wrong = await setup(user.accessKeyId, typo);
      assert.equal(wrong.code, 3, wrong.stderr);
      assert.equal(
        wrong.stderr,
        `mfa-env: the secret does not match ${masked}\nmfa-env: check the secret (it was shown once, when the key was created); nothing was stored\n`,
      );
      const unknown = await setup('AKIAAAAAAAAAAAAAAAAA', user.secretAccessKey);
      assert.equal(unknown.code, 3, unknown.stderr);
      assert.match(unknown.stderr, /^mfa-env: AWS does not know the access key AKIA…AAAA/);
      assert.deepEqual((await statusOf(s)).profiles, [], 'nothing stored');
      assert.equal(existsSync(s.configFile) ? readFileSync(s.configFile, 'utf8') : '', '', 'nothing written');

      const good = await setup(user.accessKeyId, user.secretAccessKey);
      assert.equal(good.code, 0, good.stderr);
      const mint = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
      assert.equal(mint.code, 0, mint.stderr);
      const again = await setup(user.accessKeyId, user.secretAccessKey);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, new RegExp(`^mfa-env: profile 'dev' is set up already, with key ${masked}$`, 'm'));
      assert.match(again.stderr, /kept key .*; its cached session stays$/m);
      assert.notEqual((await statusOf(s)).profiles[0]!.session, null, 'the cached session survived');
      s.cleanup();
    },
  );

  toolTest(
    'at the terminal: a wrong secret and a 39-character one ask only the secret again; the region has a default; setup again keeps the key with Enter',
    ['bash', 'tmux'],
    async () => {
      const s = emulatorSandbox(emulator.url);
      const user = makeUser();
      emulator.addUser(user);
      const masked = `${user.accessKeyId.slice(0, 4)}…${user.accessKeyId.slice(-4)}`;
      const bin = join(s.dir, 'bin');
      mkdirSync(bin);
      symlinkSync(MFA_ENV_LAUNCHER, join(bin, 'mfa-env'));
      const sh = terminal(s, 'bash', bin, { AWS_ENDPOINT_URL: emulator.url });
      const rc = join(s.dir, 'rc');
      try {
        sh.type(`mfa-env setup -p dev; echo $? > ${shq(rc)}`);
        await sh.waitForScreen((screen) => screen.includes('Access key id (AKIA…)'));
        sh.type(user.accessKeyId);
        await sh.waitForScreen((screen) => screen.includes('Secret access key (hidden)'));
        const typo = `${user.secretAccessKey.slice(0, 39)}${user.secretAccessKey.endsWith('x') ? 'y' : 'x'}`;
        sh.type(typo);
        await sh.waitForScreen((screen) =>
          screen.includes(`AWS says the secret does not match ${masked}. Secret access key again (hidden)`),
        );
        sh.type(user.secretAccessKey.slice(0, 39));
        await sh.waitForScreen((screen) =>
          screen.includes('The secret is 40 characters; that was 39. Secret access key again (hidden)'),
        );
        sh.type(user.secretAccessKey);
        await sh.waitForScreen((screen) => /Region .*us-east-1/.test(screen));
        sh.type('eu-west-1');
        await sh.waitForFile(rc);
        assert.equal(sh.read('rc').trim(), '0', sh.capture());
        assert.ok(!sh.capture().includes(user.secretAccessKey.slice(0, 20)), 'the secret is never echoed');
        assert.match(readFileSync(s.configFile, 'utf8'), /^region = eu-west-1$/m);
        assert.match(readFileSync(s.configFile, 'utf8'), new RegExp(`^mfa_serial = ${serialOf(user)}$`, 'm'));

        const mint = await s.mfaEnv(['-p', 'dev', '-c', emulator.codeFor(serialOf(user)), '-s', 'bash']);
        assert.equal(mint.code, 0, mint.stderr);
        await sh.run('clear');
        rmSync(rc);
        sh.type(`mfa-env setup -p dev; echo $? > ${shq(rc)}`);
        await sh.waitForScreen((screen) => screen.includes(`Profile dev has key ${masked}. Enter keeps it`));
        sh.typeKeys('', 'Enter');
        await sh.waitForScreen((screen) => /Region .*eu-west-1/.test(screen));
        sh.typeKeys('', 'Enter');
        await sh.waitForFile(rc);
        assert.equal(sh.read('rc').trim(), '0', sh.capture());
        assert.doesNotMatch(sh.capture(), /Secret access key/, 'a kept key asks no secret');
        assert.notEqual((await statusOf(s)).profiles[0]!.session, null, 'the cached session survived');
      } finally {
        sh.close();
        s.cleanup();
      }
    },
  );
});

describe('a role of more than 1 hour at the terminal (the key and its own code)', () => {
  toolTest('a refused code is asked again, as for a session; then the role', ['bash', 'tmux'], async () => {
    const { s, user, bin } = await prepared();
    const role = { accountId: user.accountId, roleName: 'long', trust: [user.accountId], maxSessionDuration: 43_200 };
    emulator.addRole(role);
    appendFileSync(
      s.configFile,
      `\n[profile long]\nrole_arn = arn:aws:iam::${role.accountId}:role/long\nsource_profile = dev\nduration_seconds = 7200\n`,
    );
    const sh = terminal(s, 'bash', bin);
    const f = (name: string) => shq(join(s.dir, name));
    try {
      await sh.run(loadIntegration.bash);
      sh.type(`mfa -p long; echo "status=$?" > ${f('status')}`);
      await sh.waitForScreen((screen) => /MFA code for \S+ \(profile long\)/.test(screen));
      const wrong = wrongCode(user);
      sh.typeKeys(wrong, 'Enter');
      await sh.waitForScreen((screen) =>
        new RegExp(`AWS refused ${wrong} \\(wrong or already used\\)\\. Next MFA code for`).test(screen),
      );
      sh.typeKeys('', ...Array<string>(6).fill('BSpace'));
      sh.typeKeys(emulator.codeFor(serialOf(user)), 'Enter');
      await sh.waitForFile(join(s.dir, 'status'));
      for (let i = 0; i < 200 && sh.read('status') === ''; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(sh.read('status').trim(), 'status=0', sh.capture());
      await sh.waitForScreen((screen) => /mfa-env: profile long, .*(1h59m|2h00m) left \(minted\)/.test(screen));
    } finally {
      sh.close();
      s.cleanup();
    }
  });
});

describe('a mint waiting for another terminal', () => {
  toolTest(
    'says which process holds the profile, and on which terminal it may be asking for a code',
    ['bash', 'tmux'],
    async () => {
      const { s, user, bin } = await prepared();
      const sh = terminal(s, 'bash', bin);
      const f = (name: string) => shq(join(s.dir, name));
      try {
        await sh.run(`${loadIntegration.bash}; tty > ${f('tty')}`);
        const tty = sh.read('tty').trim();
        sh.type(`mfa -p dev --refresh; echo "status=$?" > ${f('status')}`);
        await sh.waitForScreen((screen) => /MFA code for \S+ \(profile dev\)/.test(screen));
        // Another mfa-env, with no terminal, needs the same profile's session meanwhile.
        const waiting = s.mfaEnv(['-p', 'dev', '-s', 'bash', '--refresh', '-c', wrongCode(user)], {
          env: { AWS_ENDPOINT_URL: emulator.url },
        });
        await new Promise((r) => setTimeout(r, 1500));
        sh.typeKeys(emulator.codeFor(serialOf(user)), 'Enter');
        await sh.waitForFile(join(s.dir, 'status'));
        const other = await waiting;
        assert.match(
          other.stderr,
          new RegExp(
            `^mfa-env: another mfa-env \\(pid \\d+ on ${tty}\\) is minting a session for 'dev'; waiting for it \\(it may be asking for a code there\\)$`,
            'm',
          ),
        );
      } finally {
        sh.close();
        s.cleanup();
      }
    },
  );
});
