// Issue 17 item 8, the points of branch i17b: an mfa_process that keeps its
// stdout open; core dumps off for mfa-env's own process (the launchers);
// SIGHUP at a code prompt gives the terminal back as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MFA_ENV, MFA_ENV_LAUNCHER, MFA_EXEC_LAUNCHER, runCommand } from '../helpers/cli.js';
import { assertOk, devProfile, exportsOf, type Dev } from '../helpers/dev-profile.js';

const sq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

let dev: Dev;
let scratch: string;
before(async () => {
  dev = await devProfile();
  scratch = mkdtempSync(join(tmpdir(), 'mfa-env-hardening-'));
});
after(async () => {
  await dev?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) if (!alive(pid)) return true;
  return !alive(pid);
}

describe('mfa_process that keeps stdout open', () => {
  test('export mints as soon as the code is printed, and what the helper left running (ignoring SIGTERM) is killed when mfa-env exits', async () => {
    const pidFile = join(scratch, 'helper.pid');
    const config = readFileSync(dev.sandbox.configFile, 'utf8');
    // Like a helper that starts an agent holding its stdout: the sleep keeps the pipe open and ignores SIGTERM.
    writeFileSync(
      dev.sandbox.configFile,
      config.replace(
        /^(mfa_serial = .*)$/m,
        `$1\nmfa_process = trap '' TERM; sh -c ${sq(`echo $$ > ${pidFile}; echo ${dev.code()}; exec sleep 60`)}`,
      ),
    );
    try {
      const started = performance.now();
      const r = await dev.sandbox.mfaEnv(['-p', 'dev', '--refresh']);
      const took = performance.now() - started;
      assertOk(r, 'export with a lingering mfa_process');
      assert.ok(exportsOf(r.stdout).AWS_SESSION_TOKEN);
      assert.ok(took < 8000, `export took ${Math.round(took)} ms: it waited for the helper`);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(await goneWithin(pid, 1500), 'the helper is still running after mfa-env exited');
    } finally {
      writeFileSync(dev.sandbox.configFile, config);
    }
  });
});

describe('core dumps off for mfa-env itself (the launchers)', () => {
  /** The soft core size limit in a /proc/PID/limits text. */
  const softCore = (limits: string) => /^Max core file size\s+(\S+)/m.exec(limits)?.[1];

  test("dist/mfa-env runs Node with RLIMIT_CORE 0 (its mfa_process reads its parent's limits)", async () => {
    const limitsFile = join(scratch, 'mfa-env.limits');
    const config = readFileSync(dev.sandbox.configFile, 'utf8');
    // mfa_process runs as `sh -c …` under mfa-env's Node: $PPID of that sh is mfa-env.
    writeFileSync(
      dev.sandbox.configFile,
      config.replace(
        /^(mfa_serial = .*)$/m,
        `$1\nmfa_process = cat /proc/$PPID/limits > ${limitsFile}; echo ${dev.code()}`,
      ),
    );
    try {
      const r = await runCommand(MFA_ENV_LAUNCHER, ['-p', 'dev', '--refresh'], dev.sandbox.env);
      assertOk(r, 'export through the launcher');
      assert.equal(softCore(readFileSync(limitsFile, 'utf8')), '0');
    } finally {
      writeFileSync(dev.sandbox.configFile, config);
    }
  });

  test('dist/mfa-exec too', async () => {
    const r = await runCommand(
      MFA_EXEC_LAUNCHER,
      ['-p', 'dev', '--', 'sh', '-c', 'cat /proc/$PPID/limits'],
      dev.sandbox.env,
    );
    assertOk(r, 'mfa-exec through the launcher');
    assert.equal(softCore(r.stdout), '0');
  });

  test('the control: without the launcher, the limit is what the caller had (so the launcher is what sets it)', async () => {
    const r = await runCommand(
      'sh',
      [
        '-c',
        'ulimit -S -c 1024; exec "$0" "$@"',
        process.execPath,
        join(MFA_ENV, '..', 'mfa-exec.js'),
        '-p',
        'dev',
        '--',
        'sh',
        '-c',
        'cat /proc/$PPID/limits',
      ],
      dev.sandbox.env,
    );
    assertOk(r, 'mfa-exec without the launcher');
    assert.notEqual(softCore(r.stdout), '0');
  });
});

const TMUX_MISSING = spawnSync('tmux', ['-V']).error !== undefined;

describe('SIGHUP at a code prompt', { skip: TMUX_MISSING ? 'tmux is not installed' : false }, () => {
  test('the terminal is given back as it was: line mode, echo, the cursor shown', async () => {
    const dir = mkdtempSync(join(scratch, 'tty-'));
    const socket = `mfa-env-hup-${process.pid}`;
    const script = join(dir, 'pane.sh');
    const exports = Object.entries(dev.sandbox.env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `export ${k}=${sq(v!)}`);
    writeFileSync(
      script,
      [
        ...exports,
        `stty -g > ${sq(join(dir, 'before'))}`,
        // stdout to a file, as in eval "$(mfa-env)": the prompt is on the terminal.
        `sh -c ${sq(`echo $$ > ${join(dir, 'pid')}; exec ${sq(process.execPath)} ${sq(MFA_ENV)} -p dev --refresh > ${join(dir, 'out')}`)}`,
        `echo $? > ${sq(join(dir, 'status'))}`,
        `stty -g > ${sq(join(dir, 'after'))}`,
        'exec sleep 60',
        '',
      ].join('\n'),
    );
    const tmux = (...args: string[]) => {
      const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: dev.sandbox.home,
          SHELL: '/bin/sh',
          TERM: 'xterm-256color',
          LANG: 'C.UTF-8',
        },
      });
      if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '30', `exec sh ${sq(script)}`);
    try {
      const end = Date.now() + 15_000;
      while (!/MFA code for/.test(tmux('capture-pane', '-p', '-t', 'main')) && Date.now() < end) await sleep(50);
      assert.match(tmux('capture-pane', '-p', '-t', 'main'), /MFA code for/, 'no prompt appeared');
      // While it asks, the terminal is in raw mode (no line editing, no echo): what a SIGHUP must not leave behind.
      const tty = tmux('display', '-p', '-t', 'main', '#{pane_tty}').trim();
      const during = spawnSync('stty', ['-F', tty, '-g'], { encoding: 'utf8' }).stdout;
      assert.notEqual(
        during,
        readFileSync(join(dir, 'before'), 'utf8'),
        'the prompt left the terminal as it was: this test would show nothing',
      );
      process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 'SIGHUP');
      while (!existsSync(join(dir, 'after')) && Date.now() < end) await sleep(50);
      await sleep(100);
      assert.equal(readFileSync(join(dir, 'status'), 'utf8').trim(), '129', 'mfa-env did not end by SIGHUP');
      assert.equal(
        readFileSync(join(dir, 'after'), 'utf8'),
        readFileSync(join(dir, 'before'), 'utf8'),
        'the terminal modes were not restored',
      );
      assert.equal(tmux('display', '-p', '-t', 'main', '#{cursor_flag}').trim(), '1', 'the cursor is hidden');
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    }
  });
});
