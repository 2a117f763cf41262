// A real, private Secret Service for tests: its own dbus-daemon on a socket in
// a temp dir, and gnome-keyring-daemon (secrets component only) with its own
// XDG_DATA_HOME and HOME, so no test ever touches the developer's keyring.
//
// What the states look like (found by experiment with gnome-keyring 42 and
// @napi-rs/keyring 2.1, see the integration tests):
//   - unlocked (default): the "login" collection exists, unlocked, and is the
//     default alias; writes land in it.
//   - unlocked: false: the login collection exists but is locked. Reading or
//     writing an existing item needs an unlock prompt. With no prompter on
//     the bus (prompter: 'absent', the default) gnome-keyring dismisses the
//     prompt at once ("unlock prompt was dismissed"); reading an account that
//     does not exist answers "none" without any prompt.
//   - noKeyring: true: the daemon runs but no keyring exists (no default
//     collection). Reads answer "none"; a write would have to create the
//     keyring through a prompt, which fails at once ("no result found").
//   - prompter: 'unanswered': a prompter service is activatable but never
//     shows up, like an unlock dialog on a screen nobody looks at. Any call
//     that needs a prompt then waits about 25 s (gnome-keyring's own D-Bus
//     timeout), which is what the 3 s deadline in src/store/keychain.ts is for.
//     The deadline rejects in time, but the abandoned native call keeps its
//     libuv thread, and process.exit() waits for that thread (the todo test
//     in test/integration/store.test.ts).
//   - suspend(): SIGSTOP the keyring daemon: it still owns its bus name but
//     answers nothing (keyring-rs gives up after its own 2 s D-Bus timeout).
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTool } from './require-tool.js';

export interface SecretServiceOptions {
  /** Default true. false: the login collection exists but is locked. */
  unlocked?: boolean;
  /**
   * Start with no keyring at all (a fresh daemon without --unlock): no default
   * collection, so reads find nothing and writes fail. Ignores `unlocked`.
   */
  noKeyring?: boolean;
  /** Default 'absent': prompts fail at once. 'unanswered': prompts never complete (~25 s). */
  prompter?: 'absent' | 'unanswered';
  /**
   * Keep the keyrings in this directory (yours: stop() leaves it) instead of
   * a fresh temp one, e.g. to start a second daemon on the same keyring and
   * see that an item survived the first one.
   */
  dataHome?: string;
}

export interface SecretService {
  /** Merge into a child's environment: points it at this bus (only DBUS_SESSION_BUS_ADDRESS). */
  env: Record<string, string>;
  /** gnome-keyring's XDG_DATA_HOME; the keyring files are in `${dataHome}/keyrings`. */
  dataHome: string;
  /** The D-Bus address, also in env. */
  address: string;
  pids: { bus: number; keyring: number };
  /** Locks the login collection (no prompt needed for that). */
  lock(): Promise<void>;
  /** Whether the login collection is locked, asked over D-Bus. */
  isLocked(): Promise<boolean>;
  /** SIGSTOP the keyring daemon: it keeps its bus name but answers nothing. */
  suspend(): void;
  /** SIGCONT after suspend(). */
  resume(): void;
  /** Kills both daemons (by pid) and removes the temp dirs. Safe to call twice. */
  stop(): Promise<void>;
}

const SECRETS = 'org.freedesktop.secrets';
const LOGIN = '/org/freedesktop/secrets/collection/login';
const READY_TIMEOUT_MS = 10_000;
/** sun_path is 108 bytes on Linux. */
const MAX_SOCKET_PATH = 100;
const KEYRING_PASSWORD = 'mfa-env-test-keyring-password';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A test that crashes or forgets stop() must not leave daemons behind.
    process.on('exit', () => {
      for (const c of live) {
        try {
          if (c.pid) process.kill(c.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

function makeTempRoot(): string {
  let dir = mkdtempSync(join(tmpdir(), 'mfa-env-ss-'));
  if (join(dir, 'bus').length > MAX_SOCKET_PATH) {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync('/tmp/mfa-env-ss-');
  }
  return dir;
}

function busConfig(socket: string, serviceDir: string | undefined): string {
  // No <standard_session_servicedirs/>: nothing may be auto-started on this
  // bus (the system's org.freedesktop.secrets.service would start a second
  // gnome-keyring with the wrong HOME; the system prompter would try a GUI).
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  ${serviceDir ? `<servicedir>${serviceDir}</servicedir>` : ''}
  <limit name="service_start_timeout">120000</limit>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** Runs dbus-send against `address`; resolves stdout, rejects with stderr. */
export function dbusSend(address: string, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'dbus-send',
      ['--session', '--print-reply=literal', `--reply-timeout=${timeoutMs}`, ...args],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, timeout: timeoutMs + 1000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`dbus-send ${args.slice(0, 3).join(' ')}: ${stderr.trim() || err.message}`));
        else resolvePromise(stdout);
      },
    );
  });
}

async function nameHasOwner(address: string, name: string): Promise<boolean> {
  const out = await dbusSend(address, [
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    `string:${name}`,
  ]);
  return /boolean true/.test(out);
}

async function defaultCollection(address: string): Promise<string> {
  const out = await dbusSend(address, [
    `--dest=${SECRETS}`,
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.ReadAlias',
    'string:default',
  ]);
  return out.trim();
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return;
  }
  try {
    process.kill(child.pid, 'SIGCONT'); // a suspended daemon would never see SIGTERM
    process.kill(child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  if (!(await waitForExit(child, 2000))) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(child, 2000);
  }
  live.delete(child);
}

/** Reads the first line a child prints on stdout (dbus-daemon --print-address). */
function firstLine(child: ChildProcess, what: string, stderr: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => done(new Error(`${what} printed nothing within ${READY_TIMEOUT_MS} ms: ${stderr()}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(undefined, buf.slice(0, nl).trim());
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`${what} exited (${signal ?? code}) before it was ready: ${stderr()}`));
    const onError = (err: Error) => done(new Error(`${what} did not start: ${err.message}`));
    function done(err: Error | undefined, line?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolvePromise(line ?? '');
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4000);
  });
  return () => text.trim();
}

/** Starts a private session bus with gnome-keyring's Secret Service on it. */
export async function startSecretService(opts: SecretServiceOptions = {}): Promise<SecretService> {
  const unlocked = opts.unlocked ?? true;
  const prompter = opts.prompter ?? 'absent';

  const root = makeTempRoot();
  const socket = join(root, 'bus');
  const dataHome = opts.dataHome ?? join(root, 'data');
  const runtimeDir = join(root, 'runtime');
  const home = join(root, 'home');
  for (const d of [dataHome, runtimeDir, home]) mkdirSync(d, { recursive: true, mode: 0o700 });

  let serviceDir: string | undefined;
  if (prompter === 'unanswered') {
    // Activating the prompter starts dbus-monitor, which never takes the name
    // (so the activation, and the prompt, hang) and exits with the bus.
    serviceDir = join(root, 'services');
    mkdirSync(serviceDir);
    writeFileSync(
      join(serviceDir, 'org.gnome.keyring.SystemPrompter.service'),
      `[D-BUS Service]\nName=org.gnome.keyring.SystemPrompter\nExec=${findTool('dbus-monitor') ?? '/usr/bin/dbus-monitor'} --address unix:path=${socket}\n`,
    );
  }
  const configFile = join(root, 'bus.conf');
  writeFileSync(configFile, busConfig(socket, serviceDir));

  const children: ChildProcess[] = [];
  let stopping = false;
  const cleanup = async () => {
    stopping = true;
    for (const c of children.reverse()) await kill(c);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const bus = spawn('dbus-daemon', [`--config-file=${configFile}`, '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    });
    children.push(bus);
    killOnExit(bus);
    const busErr = collectStderr(bus);
    const printed = await firstLine(bus, 'dbus-daemon', busErr);
    // Keep only the transport: the guid suffix is not needed to connect.
    const address = printed.split(',')[0] ?? printed;
    if (!address.startsWith('unix:path=')) throw new Error(`dbus-daemon printed an unexpected address: ${printed}`);

    const daemonArgs = ['--foreground', '--components=secrets', ...(opts.noKeyring ? [] : ['--unlock'])];
    const keyring = spawn('gnome-keyring-daemon', daemonArgs, {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_DATA_HOME: dataHome,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_RUNTIME_DIR: runtimeDir,
        DBUS_SESSION_BUS_ADDRESS: address,
        LANG: 'C.UTF-8',
      },
    });
    children.push(keyring);
    killOnExit(keyring);
    const keyringErr = collectStderr(keyring);
    let keyringExit: string | undefined;
    keyring.once('exit', (code, signal) => {
      keyringExit = `gnome-keyring-daemon exited (${signal ?? code})`;
      // Said where the test output shows it: a daemon that dies under a
      // running test otherwise shows only as the CLI's exit 4.
      if (!stopping)
        process.stderr.write(
          `secret-service helper: ${keyringExit} while in use (pid ${keyring.pid}): ${keyringErr()}\n`,
        );
    });
    keyring.once('error', (err) => {
      keyringExit = `gnome-keyring-daemon did not start: ${err.message}`;
    });
    // --unlock reads the login keyring's password from stdin (and creates the
    // keyring with it when there is none).
    keyring.stdin?.end(opts.noKeyring ? '' : KEYRING_PASSWORD);

    // The daemon forks off its work and claims the name a little after it
    // starts; poll until the name is owned AND the default collection exists.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (keyringExit) throw new Error(`${keyringExit}: ${keyringErr()}`);
      const owned = await nameHasOwner(address, SECRETS).catch(() => false);
      if (owned && (await defaultCollection(address).catch(() => '')) === (opts.noKeyring ? '/' : LOGIN)) break;
      if (Date.now() > deadline) {
        throw new Error(`${SECRETS} did not appear on ${address} within ${READY_TIMEOUT_MS} ms: ${keyringErr()}`);
      }
      await sleep(20);
    }

    // Stdio pipes must not keep a test process alive once it is done.
    for (const c of children) {
      c.unref();
      for (const s of [c.stdin, c.stdout, c.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    }

    const isLocked = async () => {
      const out = await dbusSend(address, [
        `--dest=${SECRETS}`,
        LOGIN,
        'org.freedesktop.DBus.Properties.Get',
        'string:org.freedesktop.Secret.Collection',
        'string:Locked',
      ]);
      return /boolean true/.test(out);
    };
    const lock = async () => {
      await dbusSend(address, [
        `--dest=${SECRETS}`,
        '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.Lock',
        `array:objpath:${LOGIN}`,
      ]);
      if (!(await isLocked())) throw new Error('the login collection is still unlocked after Lock');
    };
    if (!unlocked && !opts.noKeyring) await lock();

    let stopped: Promise<void> | undefined;
    return {
      env: { DBUS_SESSION_BUS_ADDRESS: address },
      dataHome,
      address,
      pids: { bus: bus.pid ?? -1, keyring: keyring.pid ?? -1 },
      lock,
      isLocked,
      suspend: () => {
        if (keyring.pid) process.kill(keyring.pid, 'SIGSTOP');
      },
      resume: () => {
        if (keyring.pid) process.kill(keyring.pid, 'SIGCONT');
      },
      stop: () => (stopped ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * An environment whose session bus does not exist: the address names a
 * socket path in a directory that is not there.
 */
export function unreachableBusEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-nobus-'));
  rmSync(dir, { recursive: true, force: true });
  return { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}` };
}
