// Open shells follow a new session: two real terminals (bash, zsh, fish in
// tmux) with the integration loaded and the real mfa-env against the local
// STS. The first holds a session near its end (the emulator's clock runs
// behind ours, so a 15-minute session arrives with two minutes left); the
// second mints a new one; at its next prompt the first has it. A stand-in
// `mfa-env` on PATH logs each run and then runs the real one, which is how
// "no process while the session is fresh" and "at most once a minute" are
// counted.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, startEmulator, type Emulator, type EmulatorUser } from '../../src/demo/emulator/server.js';
import { MFA_ENV_LAUNCHER, MFA_EXEC_LAUNCHER, fileStoreEnv, makeSandbox, type Sandbox } from '../helpers/cli.js';
import { assertOk } from '../helpers/dev-profile.js';
import { TmuxShell, cleanup, shellFile, shells, shq, tempDir, toolTest, type Shell } from './shell-helpers.js';

/** The session a 900 s mint gives has this many seconds left (inside follow's 5-minute margin). */
const LIFE = 120;

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator({ now: () => Date.now() - (900 - LIFE) * 1000 });
});
after(() => emulator.close());

/** A shell variable assignment in the shell's own syntax. */
const assign = (shell: Shell, name: string, value: string) =>
  shell === 'fish' ? `set -g ${name} ${value}` : `${name}=${value}`;
/** Moves the shell's "last asked" a minute back, as if a minute had passed since. */
const aMinuteLater = (shell: Shell) =>
  shell === 'fish'
    ? 'set -g __mfa_env_follow_at (math $__mfa_env_follow_at - 61)'
    : '__mfa_env_follow_at=$((__mfa_env_follow_at - 61))';

function loadLine(shell: Shell): string {
  return shell === 'fish' ? `source ${shq(shellFile('fish'))}` : `. ${shq(shellFile(shell))}`;
}

interface Setup {
  /** A user of its own: each test spends three codes, and a device has three per 30 s. */
  user: EmulatorUser;
  serial: string;
  dir: string;
  sandbox: Sandbox;
  log: string;
  path: string;
  env: Record<string, string>;
}

async function setUp(): Promise<Setup> {
  const user = makeUser();
  emulator.addUser(user);
  const serial = user.mfaDevices[0]!.serialNumber;
  const dir = tempDir('follow');
  const sandbox = makeSandbox();
  Object.assign(sandbox.env, fileStoreEnv(sandbox.dir), { AWS_ENDPOINT_URL: emulator.url });
  const r = await sandbox.mfaEnv(
    ['setup', '--profile', 'dev', '--access-key-id', user.accessKeyId, '--secret-stdin', '--mfa-serial', serial],
    {
      input: user.secretAccessKey,
    },
  );
  assertOk(r, 'setup');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'runs.log');
  writeFileSync(log, '');
  writeFileSync(
    join(bin, 'mfa-env'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shq(log)}\nexec ${shq(MFA_ENV_LAUNCHER)} "$@"\n`,
  );
  chmodSync(join(bin, 'mfa-env'), 0o755);
  writeFileSync(join(bin, 'mfa-exec'), `#!/bin/sh\nexec ${shq(MFA_EXEC_LAUNCHER)} "$@"\n`);
  chmodSync(join(bin, 'mfa-exec'), 0o755);
  const env = Object.fromEntries(
    Object.entries(sandbox.env).filter(([k, v]) => v !== undefined && k !== 'PATH' && k !== 'HOME'),
  ) as Record<string, string>;
  env.MFA_ENV_FOLLOW = '1';
  return { user, serial, dir, sandbox, log, path: `${bin}:${process.env.PATH}`, env };
}

const follows = (s: Setup) =>
  readFileSync(s.log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('--follow')).length;

async function expiresIn(t: TmuxShell, file: string): Promise<string> {
  await t.run(`echo "$MFA_ENV_EXPIRES" > ${shq(join(t.dir, file))}`);
  return t.read(file).trim();
}

describe('open shells follow a new session', () => {
  for (const shell of shells) {
    toolTest(
      `${shell}: minting in one terminal updates the other at its next prompt, with no process while fresh`,
      ['tmux', shell],
      async () => {
        const s = await setUp();
        const dirA = join(s.dir, 'a');
        const dirB = join(s.dir, 'b');
        mkdirSync(dirA);
        mkdirSync(dirB);
        const a = TmuxShell.start(dirA, shell, s.path, s.env);
        const b = TmuxShell.start(dirB, shell, s.path, s.env);
        try {
          await a.run(loadLine(shell));
          await b.run(loadLine(shell));

          // A takes a session with two minutes left: its next prompt asks once, finds nothing newer.
          await a.run(`mfa -p dev -d 15m -c ${emulator.codeFor(s.serial)}`);
          const held = Number(await expiresIn(a, 'held'));
          const left = held - Date.now() / 1000;
          assert.ok(left > 60 && left <= LIFE + 5, `the held session has ${left} s left`);
          await a.run('true');
          assert.equal(follows(s), 1, 'one --follow for the prompts of the last minute');
          assert.equal(Number(await expiresIn(a, 'still')), held, 'nothing newer: the shell is as it was');

          // B mints a new session (12 hours).
          await b.run(`mfa -p dev --refresh -c ${emulator.codeFor(s.serial)}`);
          const minted = Number(await expiresIn(b, 'minted'));
          assert.ok(minted > held + 3600);

          // Within the minute A does not ask again; a minute later its next prompt takes B's session.
          await a.run('true');
          assert.equal(Number(await expiresIn(a, 'not-yet')), held);
          assert.equal(follows(s), 1);
          await a.run(aMinuteLater(shell));
          await a.run('true');
          assert.equal(Number(await expiresIn(a, 'followed')), minted, 'A holds the session B minted');
          await a.run(`echo "$AWS_ACCESS_KEY_ID" > ${shq(join(dirA, 'key-a'))}`);
          await b.run(`echo "$AWS_ACCESS_KEY_ID" > ${shq(join(dirB, 'key-b'))}`);
          assert.equal(a.read('key-a'), b.read('key-b'));
          const asked = follows(s);

          // Fresh again: prompts start no process, a minute later or not.
          await a.run(aMinuteLater(shell));
          await a.run('true');
          await a.run('true');
          assert.equal(follows(s), asked, 'a fresh session starts no process');

          // MFA_ENV_FOLLOW=0: near the end, still no process.
          await b.run(`mfa -p dev -d 15m --refresh -c ${emulator.codeFor(s.serial)}`);
          await b.run(assign(shell, 'MFA_ENV_FOLLOW', '0'));
          const before = follows(s);
          await b.run(aMinuteLater(shell));
          await b.run('true');
          await b.run('true'); // a hook runs after its line's marker: the one before this has finished
          assert.equal(follows(s), before, 'MFA_ENV_FOLLOW=0 turns it off');
        } finally {
          a.close();
          b.close();
          s.sandbox.cleanup();
          cleanup(s.dir);
        }
      },
    );
  }
});
