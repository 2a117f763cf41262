import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MfaEnvError, StoreError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readWithIdentity, type FileIdentity } from '../fs/file-identity.js';
import { acquireLock, FILE_LOCK_TIMEOUT_MS } from '../fs/lock.js';
import { privateDir } from '../fs/private-dir.js';
import { STORE_FILE_NAME, type SecretStore } from './types.js';

export { STORE_FILE_NAME } from './types.js';

/** Asks for the passphrase; `creating` is true when the file does not exist yet. */
export type PassphraseSource = (creating: boolean) => Promise<string>;

interface Envelope {
  format: 'mfa-env-store';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
/**
 * Bounds for parameters read from a file, so an altered file cannot ask for
 * gigabytes or minutes: scrypt takes 128·N·r bytes and time in proportion to
 * N·r·p. Ours (above) is 32 MB and ~0.15 s; these allow 8× the memory and
 * 16× the work.
 */
const SCRYPT_MAX_BYTES = 256 * 1024 * 1024;
const SCRYPT_MAX_WORK = 16 * SCRYPT.N * SCRYPT.r * SCRYPT.p;
/** How many times a write starts over when another writer replaced the file under it. */
const WRITE_ATTEMPTS = 5;

function isBase64(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && /^[A-Za-z0-9+/]+=*$/.test(v);
}

function isEnvelope(env: unknown): env is Envelope {
  const e = env as Partial<Envelope> | null;
  const kdf = e?.kdf;
  return (
    e?.format === 'mfa-env-store' &&
    e.version === 1 &&
    e.cipher === 'aes-256-gcm' &&
    kdf?.name === 'scrypt' &&
    isBase64(kdf.salt) &&
    isBase64(e.iv) &&
    isBase64(e.tag) &&
    typeof e.data === 'string'
  );
}

/** Why these scrypt parameters are refused, or undefined when they are fine. */
function badScrypt(kdf: Envelope['kdf']): string | undefined {
  const { N, r, p } = kdf;
  const ints = [N, r, p].every((v) => Number.isSafeInteger(v) && v >= 1);
  if (!ints || N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 30)
    return `invalid scrypt parameters (N=${String(N)}, r=${String(r)}, p=${String(p)})`;
  const bytes = 128 * N * r;
  if (bytes > SCRYPT_MAX_BYTES)
    return `scrypt parameters that need ${Math.ceil(bytes / 2 ** 20)} MB of memory (N=${N}, r=${r}; at most ${SCRYPT_MAX_BYTES / 2 ** 20} MB)`;
  if (N * r * p > SCRYPT_MAX_WORK)
    return `scrypt parameters that take ${Math.round((N * r * p) / (SCRYPT.N * SCRYPT.r * SCRYPT.p))}× the usual time (N=${N}, r=${r}, p=${p}; at most ${SCRYPT_MAX_WORK / (SCRYPT.N * SCRYPT.r * SCRYPT.p)}×)`;
  return undefined;
}

function header(env: Pick<Envelope, 'format' | 'version' | 'kdf' | 'cipher'>): Buffer {
  // The parameters are authenticated too: changing N or the salt breaks the tag.
  return Buffer.from(JSON.stringify([env.format, env.version, env.kdf, env.cipher]));
}

function deriveKey(passphrase: string, kdf: Envelope['kdf']): Buffer {
  return scryptSync(passphrase, Buffer.from(kdf.salt, 'base64'), 32, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 2 * SCRYPT_MAX_BYTES, // badScrypt has kept 128·N·r within SCRYPT_MAX_BYTES
  });
}

export function createFileStore(dir: string, askPassphrase: PassphraseSource): SecretStore {
  const path = join(dir, STORE_FILE_NAME);
  let cached: { passphrase: string; key?: Buffer; salt?: string } | undefined;

  async function passphrase(creating: boolean): Promise<string> {
    if (!cached) cached = { passphrase: await askPassphrase(creating) };
    if (!cached.passphrase)
      throw new StoreError(
        'the file store passphrase is empty',
        'set MFA_ENV_FILE_PASSPHRASE or type one at the prompt',
      );
    return cached.passphrase;
  }

  function keyFor(pass: string, kdf: Envelope['kdf']): Buffer {
    if (cached?.key && cached.salt === kdf.salt) return cached.key;
    const key = deriveKey(pass, kdf);
    cached = { passphrase: pass, key, salt: kdf.salt };
    return key;
  }

  /** The envelope (undefined: no file yet) and the identity of the file it came from. */
  function readRaw(): { env: Envelope | undefined; identity: FileIdentity } {
    let read: ReturnType<typeof readWithIdentity>;
    try {
      read = readWithIdentity(path);
    } catch (err) {
      throw new StoreError(
        `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        'check its permissions',
      );
    }
    if (read.bytes === undefined) return { env: undefined, identity: null };
    let env: unknown;
    try {
      env = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      env = undefined;
    }
    if (!isEnvelope(env)) {
      throw new StoreError(
        `${path} is not an mfa-env store file`,
        'move it away, or point MFA_ENV_STORE_DIR elsewhere',
      );
    }
    const bad = badScrypt(env.kdf);
    if (bad)
      throw new StoreError(
        `${path} is not an mfa-env store file (or was altered): it asks for ${bad}`,
        'move it away, or point MFA_ENV_STORE_DIR elsewhere',
      );
    return { env, identity: read.identity };
  }

  async function load(): Promise<{ items: Record<string, string>; kdf?: Envelope['kdf']; identity: FileIdentity }> {
    const { env, identity } = readRaw();
    if (!env) return { items: {}, identity };
    const key = keyFor(await passphrase(false), env.kdf);
    try {
      // The full 16-byte tag: without authTagLength, GCM accepts a tag cut to 4 bytes.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'), { authTagLength: 16 });
      decipher.setAAD(header(env));
      decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(env.data, 'base64')), decipher.final()]);
      return { items: JSON.parse(plain.toString('utf8')) as Record<string, string>, kdf: env.kdf, identity };
    } catch {
      cached = undefined;
      throw new StoreError(
        `wrong passphrase for ${path} (or the file was altered)`,
        'check MFA_ENV_FILE_PASSPHRASE; the file was not changed',
      );
    }
  }

  /** Writes the store; FileChangedError (code ECHANGED) when the file is no longer the version `identity`. */
  async function save(
    items: Record<string, string>,
    kdf: Envelope['kdf'] | undefined,
    identity: FileIdentity,
  ): Promise<void> {
    const creating = kdf === undefined;
    const params = kdf ?? { name: 'scrypt' as const, ...SCRYPT, salt: randomBytes(16).toString('base64') };
    const key = keyFor(await passphrase(creating), params);
    const iv = randomBytes(12);
    const base = { format: 'mfa-env-store' as const, version: 1 as const, kdf: params, cipher: 'aes-256-gcm' as const };
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header(base));
    const data = Buffer.concat([cipher.update(JSON.stringify(items), 'utf8'), cipher.final()]);
    const env: Envelope = {
      ...base,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    try {
      writeFileAtomic(path, JSON.stringify(env) + '\n', 0o600, identity);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ECHANGED') throw err;
      throw new StoreError(
        `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        'check the disk and the permissions of its directory',
      );
    }
  }

  /**
   * Read-modify-write under a lock, so two processes never lose each other's
   * change. A holder stopped for longer than the lock's staleness (Ctrl-Z)
   * has lost the lock when it resumes: if the file changed meanwhile, it
   * starts over from the newer file rather than write its stale copy.
   */
  async function update<T>(change: (items: Record<string, string>) => T): Promise<T> {
    privateDir(dir, { allowLink: true });
    // Ask before locking: a passphrase prompt must not hold the others up.
    await passphrase(!existsSync(path));
    for (let attempt = 1; ; attempt++) {
      const release = await acquireLock(`${path}.lock`, {
        timeoutMs: FILE_LOCK_TIMEOUT_MS,
        purpose: 'writing the file store',
        liveOwnerKeeps: true,
      }).catch((err: unknown) => {
        if (err instanceof MfaEnvError) throw err;
        throw new StoreError(
          `cannot lock ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
          'check the permissions of its directory',
        );
      });
      try {
        const { items, kdf, identity } = await load();
        const result = change(items);
        await save(items, kdf, identity);
        return result;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECHANGED') throw err;
        if (attempt >= WRITE_ATTEMPTS)
          throw new StoreError(
            `${path} kept changing while mfa-env was writing it; nothing was written`,
            'run this again when the other writers are done',
          );
      } finally {
        release();
      }
    }
  }

  return {
    backend: 'file',
    location: path,
    async get(account) {
      return (await load()).items[account];
    },
    async set(account, value) {
      await update((items) => {
        items[account] = value;
      });
    },
    async delete(account) {
      if (!readRaw().env) return false;
      return update((items) => {
        const had = Object.hasOwn(items, account);
        delete items[account];
        return had;
      });
    },
    async entries() {
      return new Map(Object.entries((await load()).items));
    },
  };
}
