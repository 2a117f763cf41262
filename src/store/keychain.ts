import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storeDir } from '../config/paths.js';
import { StoreError } from '../errors.js';
import {
  askSecretService,
  BusNotSpoken,
  BusTimeout,
  BusUnreachable,
  defaultCollectionLocked,
  pingSecretService,
  searchItems,
} from './secret-service-bus.js';
import { STORE_FILE_NAME, type SecretStore } from './types.js';

type Keyring = typeof import('@napi-rs/keyring');

export const KEYCHAIN_SERVICE = 'mfa-env';
const TIMEOUT_MS = 3000;
/** How long a look at the Secret Service may take (the keyring library's own D-Bus timeout is ~2 s). */
const LIVENESS_MS = 2000;

// require(), not import: the native addon loads in ~2 ms this way, and
// esbuild leaves it out of the bundle (it is a .node binary per platform).
function nodeRequire(): NodeJS.Require {
  return process.getBuiltinModule('node:module').createRequire(import.meta.url);
}

let keyring: Keyring | undefined;
function load(): Keyring {
  if (!keyring) {
    try {
      keyring = nodeRequire()('@napi-rs/keyring') as Keyring;
    } catch (err) {
      throw new StoreError(
        `cannot load the OS keychain module: ${(err as Error).message.split('\n')[0]}`,
        'reinstall mfa-env, or set MFA_ENV_STORE=file',
      );
    }
  }
  return keyring;
}

function platformName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

/**
 * What to do when the keychain cannot be used. A file store already there
 * (set up in a terminal with MFA_ENV_STORE=file) is most likely what this
 * terminal lacks the variable for: say so, and where it goes for good.
 */
function unavailableHintNow(): string {
  const file = join(storeDir(), STORE_FILE_NAME);
  if (existsSync(file))
    return `your keys are in the file store ${file}: export MFA_ENV_STORE=file (and put that line in your shell's startup file)`;
  return process.platform === 'linux'
    ? 'start and unlock your keyring (gnome-keyring, KeePassXC), or use MFA_ENV_STORE=file'
    : 'unlock your keychain, or use MFA_ENV_STORE=file';
}

/**
 * The keyring's errors in plain words where we recognise them (the raw ones
 * run to 250 characters: "Platform failure: DBus error: Did not receive a
 * reply. Possible causes include: ..."), else its first line, shortened.
 */
function cause(err: unknown): string {
  const raw = String((err as Error)?.message ?? err);
  if (/unlock prompt was dismissed|IsLocked|is locked/i.test(raw)) return 'the keyring is locked';
  if (/Failed to connect|autolaunch|DBUS_SESSION_BUS_ADDRESS/i.test(raw)) return 'no session bus to reach it on';
  if (/Did not receive a reply|timed? ?out/i.test(raw)) return 'it did not answer';
  if (/no result found/i.test(raw)) return 'there is no default keyring to store into';
  const first = raw.split('\n')[0] ?? raw;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

/**
 * Every call gets a deadline: a locked keyring may wait for an unlock dialog
 * nobody will see. We abort the call and report exit 4 instead of hanging.
 */
async function withKeyringDeadline<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort();
      reject(
        new StoreError(
          `the ${platformName()} did not answer within ${TIMEOUT_MS / 1000} s (${what})`,
          unavailableHintNow(),
        ),
      );
    }, TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([run(ctl.signal), timeout]);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(
      `the ${platformName()} is unavailable or locked (${what}): ${cause(err)}`,
      unavailableHintNow(),
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a look at the Secret Service (Linux, from JavaScript) found:
 * 'unsure' is a look that answered without judging (MFA_ENV_KEYCHAIN_PROBE=0,
 * an item stored twice, an answer of another shape), or no look (another OS);
 * 'unchecked' is a bus this process cannot speak to from JavaScript, so not
 * even known to answer.
 */
type Seen = 'locked' | 'absent' | 'present' | 'unsure' | 'unchecked';

/** A look that failed in a way the keyring would too: the same words, so cause() says the same. */
function asKeyringError(err: unknown): Error | undefined {
  if (err instanceof BusTimeout) return new Error(`Did not receive a reply (${err.message})`);
  if (err instanceof BusUnreachable) return new Error(`Failed to connect to the session bus (${err.message})`);
  return undefined;
}

/** A look's failure: a dead or frozen bus fails the call, a bus we cannot speak is 'unchecked', anything else answered. */
function lookFailed(err: unknown): Seen {
  const same = asKeyringError(err);
  if (same) throw same;
  return err instanceof BusNotSpoken ? 'unchecked' : 'unsure';
}

/**
 * MFA_ENV_KEYCHAIN_PROBE=0: for a Secret Service the look misjudges. Reads
 * then search (which never raises an unlock prompt) and writes go to the
 * worker; the bus is still pinged first, a check that judges nothing.
 */
function probing(env = process.env): boolean {
  return env.MFA_ENV_KEYCHAIN_PROBE !== '0';
}

/**
 * Before a read (Linux): is any item of ours locked, and is the account
 * there, once? `sent` settles when the question is on its way.
 */
function lookFirst(account: string): { sent: Promise<void>; look: Promise<Seen> } {
  if (!probing()) {
    const bus = askSecretService([pingSecretService()], process.env, LIVENESS_MS);
    return { sent: bus.sent, look: bus.answers.then((): Seen => 'unsure', lookFailed) };
  }
  const bus = askSecretService(
    [searchItems({ service: KEYCHAIN_SERVICE }), searchItems({ service: KEYCHAIN_SERVICE, username: account })],
    process.env,
    LIVENESS_MS,
  );
  const look = bus.answers.then(([service, entry]): Seen => {
    if (service.locked.length > 0) return 'locked';
    if (entry.unlocked.length === 0 && entry.locked.length === 0) return 'absent';
    return entry.unlocked.length === 1 && entry.locked.length === 0 ? 'present' : 'unsure';
  }, lookFailed);
  return { sent: bus.sent, look };
}

/**
 * Before a write (Linux): can the keyring's own write run here without
 * stopping to ask for an unlock? Yes when no item of the account is locked
 * and the default collection, where a new item goes, exists and is unlocked.
 * Anything else, or a look we cannot make, and the write goes to the worker;
 * a bus that is not there or does not answer fails the write as the keyring would.
 */
async function writableHere(account: string): Promise<boolean> {
  if (!probing()) return false;
  const bus = askSecretService(
    [searchItems({ service: KEYCHAIN_SERVICE, username: account }), defaultCollectionLocked()],
    process.env,
    LIVENESS_MS,
  );
  try {
    const [entry, defaultLocked] = await bus.answers;
    return entry.locked.length === 0 && defaultLocked === false;
  } catch (err) {
    const same = asKeyringError(err);
    if (same) throw same;
    return false;
  }
}

/**
 * Before listing the service's items (Linux): are any of them locked, and
 * are there any? The look's timeout is also the liveness check that a bare
 * search lacks (on a frozen daemon it would wait ~25 s).
 */
async function lookAtService(): Promise<Seen> {
  const bus = askSecretService(
    [probing() ? searchItems({ service: KEYCHAIN_SERVICE }) : pingSecretService()],
    process.env,
    LIVENESS_MS,
  );
  try {
    const [service] = await bus.answers;
    if (service === true) return 'unsure';
    if (service.locked.length > 0) return 'locked';
    return service.unlocked.length === 0 ? 'absent' : 'present';
  } catch (err) {
    return lookFailed(err);
  }
}

const lookedAhead = new Map<string, ReturnType<typeof lookFirst>>();

/**
 * A read of `account` comes next (see readAhead in ./index.ts): send the look
 * now, so that it travels while the caller reads the AWS files.
 */
export function keychainReadAhead(account: string): void {
  if (process.platform !== 'linux' || lookedAhead.has(account)) return;
  const first = lookFirst(account);
  first.look.catch(() => {}); // get() awaits it; nobody may, if the run stops before
  lookedAhead.set(account, first);
  // Loading the native addon takes a few ms of this thread: do it while the
  // Secret Service answers the look. A failure is reported by get().
  void first.sent.then(() => {
    try {
      load();
    } catch {
      // get() loads it again and reports why it cannot
    }
  });
}

function takeLook(account: string): ReturnType<typeof lookFirst> | undefined {
  const first = lookedAhead.get(account);
  lookedAhead.delete(account);
  return first;
}

/**
 * Keychain calls made from this process. `direct`: no look first, every
 * call native (the worker, whose parent looked and can kill it).
 */
export function keychainInProcess(direct = false) {
  // On Linux, pin to the Secret Service: the kernel keyring fallback would
  // silently lose the long-term key at the next reboot.
  const options = process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
  const entry = (account: string) => new (load().AsyncEntry)(KEYCHAIN_SERVICE, account, options);
  const looks = process.platform === 'linux' && !direct;
  const search = async (signal: AbortSignal) => load().findCredentialsAsync(KEYCHAIN_SERVICE, null, signal);
  return {
    /**
     * A read must never raise an unlock prompt (nobody may see it, and an
     * abandoned native call waiting for it keeps this process from exiting)
     * and must give up within seconds when the bus or the daemon is frozen.
     *
     * On Linux the look from JavaScript (lookFirst) goes first and has its
     * own timeout; no native call starts before it answered. That is the
     * deadline that holds: opening a native entry connects to the bus
     * synchronously, on this thread, and against a bus that accepts and
     * never answers (a stopped dbus-daemon) it would wait for ever, which no
     * timer can interrupt. A locked item of ours means "locked" (behind a
     * lock we cannot know what is stored), no item means nothing is stored,
     * and only a present, unlocked item is read, with the entry's own read,
     * which has nothing to unlock: the keyring's cheapest read.
     *
     * Otherwise (another OS, MFA_ENV_KEYCHAIN_PROBE=0, an item stored twice)
     * it searches the service's items: a search never asks to unlock (it
     * fails at once, and we say "unlock it"), but it opens a second encrypted
     * session and reads every item of the service. A bus address JavaScript
     * cannot speak (not a unix socket) is read in the worker, which is killed
     * at the deadline.
     */
    async get(account: string): Promise<string | undefined> {
      return withKeyringDeadline('read', async (signal) => {
        const first = looks ? (takeLook(account) ?? lookFirst(account)) : undefined;
        const seen = first ? await first.look : 'unsure';
        if (seen === 'unchecked') return (await viaWorker({ op: 'get', account })).value ?? undefined;
        if (seen === 'locked') throw new Error('the collection is locked');
        if (seen === 'absent') return undefined;
        if (seen === 'present') return (await entry(account).getPassword(signal)) ?? undefined;
        const items = await search(signal);
        return items.find((c) => c.account === account)?.password;
      });
    },
    /**
     * Every item of the service, with the search get() falls back to: it
     * never raises an unlock prompt, and reads each item once. On Linux the
     * look goes first, as for get(): a locked item of ours is "locked" (the
     * search would fail on it anyway), no item is an empty store with no
     * native call.
     */
    async entries(): Promise<Map<string, string>> {
      return withKeyringDeadline('read', async (signal) => {
        const seen = looks ? await lookAtService() : 'unsure';
        if (seen === 'unchecked') return new Map((await viaWorker({ op: 'entries', account: '' })).entries ?? []);
        if (seen === 'locked') throw new Error('the collection is locked');
        if (seen === 'absent') return new Map<string, string>();
        const items = await search(signal);
        return new Map(items.map((c) => [c.account, c.password]));
      });
    },
    async set(account: string, value: string): Promise<void> {
      await withKeyringDeadline('write', (signal) => entry(account).setPassword(value, signal));
    },
    /** A write that cannot raise an unlock prompt (see writableHere); false: not tried, use the worker. */
    async setIfNothingToUnlock(account: string, value: string): Promise<boolean> {
      if (!looks) return false;
      return withKeyringDeadline('write', async (signal) => {
        if (!(await writableHere(account))) return false;
        await entry(account).setPassword(value, signal);
        return true;
      });
    },
    async delete(account: string): Promise<boolean> {
      return withKeyringDeadline('delete', (signal) => entry(account).deleteCredential(signal));
    },
  };
}

export interface WorkerRequest {
  op: 'get' | 'entries' | 'set' | 'delete';
  account: string;
  value?: string;
}
export type WorkerReply =
  | { ok: true; deleted?: boolean; value?: string | null; entries?: [string, string][] }
  | { ok: false; message: string; hint?: string };

/** How to start the worker: the bundled file next to this one (dist/keychain-worker.js, see scripts/build.mjs), or the source under tsx. */
function workerCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts'))
    return [
      ...process.execArgv.filter((a) => a !== '--test'),
      fileURLToPath(new URL('./keychain-worker.ts', import.meta.url)),
    ];
  return [fileURLToPath(new URL('./keychain-worker.js', import.meta.url))];
}

/**
 * Writes and deletes may make the keyring ask to be unlocked. An abandoned
 * native call keeps Node from exiting until someone answers that dialog
 * (even process.exit waits for it), so these run in a child process that we
 * can kill at the deadline. The secret goes over a pipe, never argv or env.
 */
async function inWorker(req: WorkerRequest): Promise<WorkerReply> {
  // Loaded here: only writes need it, and reads are what every shell start does.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    // Without NODE_EXTRA_CA_CERTS: the worker makes no TLS connection, and Node would parse the file as it starts (see src/aws/extra-ca.ts).
    const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
    const child = spawn(process.execPath, workerCommand(), { stdio: ['pipe', 'pipe', 'ignore'], env });
    let out = '';
    // mfa-env may exit before the worker's own deadline (the caller's came first): the worker goes with it.
    const killWorker = () => child.kill('SIGKILL'); // a worker whose call is stuck cannot exit by itself
    process.once('exit', killWorker);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      process.off('exit', killWorker);
      killWorker();
      settle();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new StoreError(
              `the ${platformName()} did not answer within ${TIMEOUT_MS / 1000} s (${OP_WORDS[req.op]})`,
              unavailableHintNow(),
            ),
          ),
        ),
      TIMEOUT_MS + 500,
    );
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        try {
          const reply = JSON.parse(out.slice(0, nl)) as WorkerReply;
          finish(() => resolve(reply));
        } catch {
          finish(() => reject(new StoreError('the keychain helper answered nonsense', unavailableHintNow())));
        }
      }
    });
    child.on('error', (err) =>
      finish(() =>
        reject(
          new StoreError(
            `cannot start the keychain helper: ${err.message}`,
            'reinstall mfa-env, or set MFA_ENV_STORE=file',
          ),
        ),
      ),
    );
    child.on('close', () =>
      finish(() => reject(new StoreError('the keychain helper stopped without an answer', unavailableHintNow()))),
    );
    child.stdin.end(JSON.stringify(req));
  });
}

const OP_WORDS = { get: 'read', entries: 'read', set: 'write', delete: 'delete' } as const;

async function viaWorker(req: WorkerRequest): Promise<Extract<WorkerReply, { ok: true }>> {
  const reply = await inWorker(req);
  if (!reply.ok) throw new StoreError(reply.message, reply.hint);
  return reply;
}

export function createKeychainStore(): SecretStore {
  const local = keychainInProcess();
  return {
    backend: 'keychain',
    location: platformName(),
    get: (account) => local.get(account),
    entries: () => local.entries(),
    async set(account, value) {
      // The worker costs a second Node start (~100 ms or more): skip it when
      // the keyring has nothing to ask (a session saved after a mint is the
      // common case: the key was read a moment ago, so the keyring is open).
      if (await local.setIfNothingToUnlock(account, value)) return;
      await viaWorker({ op: 'set', account, value });
    },
    async delete(account) {
      return (await viaWorker({ op: 'delete', account })).deleted === true;
    },
  };
}
