import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MfaEnvError, StoreError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { acquireLock, FILE_LOCK_TIMEOUT_MS } from '../fs/lock.js';
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
/** Bounds for parameters read from a file, so an altered file cannot ask for gigabytes. */
const SCRYPT_MAX = { N: 1 << 20, r: 32, p: 16 };

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
    Number.isInteger(kdf.N) && kdf.N >= 2 && kdf.N <= SCRYPT_MAX.N && (kdf.N & (kdf.N - 1)) === 0 &&
    Number.isInteger(kdf.r) && kdf.r >= 1 && kdf.r <= SCRYPT_MAX.r &&
    Number.isInteger(kdf.p) && kdf.p >= 1 && kdf.p <= SCRYPT_MAX.p &&
    isBase64(kdf.salt) && isBase64(e.iv) && isBase64(e.tag) && typeof e.data === 'string'
  );
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
    maxmem: 256 * kdf.N * kdf.r,
  });
}

export function createFileStore(dir: string, askPassphrase: PassphraseSource): SecretStore {
  const path = join(dir, STORE_FILE_NAME);
  let cached: { passphrase: string; key?: Buffer; salt?: string } | undefined;

  async function passphrase(creating: boolean): Promise<string> {
    if (!cached) cached = { passphrase: await askPassphrase(creating) };
    if (!cached.passphrase) throw new StoreError('the file store passphrase is empty', 'set MFA_ENV_FILE_PASSPHRASE or type one at the prompt');
    return cached.passphrase;
  }

  function keyFor(pass: string, kdf: Envelope['kdf']): Buffer {
    if (cached?.key && cached.salt === kdf.salt) return cached.key;
    const key = deriveKey(pass, kdf);
    cached = { passphrase: pass, key, salt: kdf.salt };
    return key;
  }

  function readRaw(): Envelope | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'check its permissions');
    }
    let env: unknown;
    try {
      env = JSON.parse(text);
    } catch {
      env = undefined;
    }
    if (!isEnvelope(env)) {
      throw new StoreError(`${path} is not an mfa-env store file`, 'move it away, or point MFA_ENV_STORE_DIR elsewhere');
    }
    return env;
  }

  async function load(): Promise<{ items: Record<string, string>; kdf?: Envelope['kdf'] }> {
    const env = readRaw();
    if (!env) return { items: {} };
    const key = keyFor(await passphrase(false), env.kdf);
    try {
      // The full 16-byte tag: without authTagLength, GCM accepts a tag cut to 4 bytes.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'), { authTagLength: 16 });
      decipher.setAAD(header(env));
      decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(env.data, 'base64')), decipher.final()]);
      return { items: JSON.parse(plain.toString('utf8')) as Record<string, string>, kdf: env.kdf };
    } catch {
      cached = undefined;
      throw new StoreError(`wrong passphrase for ${path} (or the file was altered)`, 'check MFA_ENV_FILE_PASSPHRASE; the file was not changed');
    }
  }

  async function save(items: Record<string, string>, kdf: Envelope['kdf'] | undefined): Promise<void> {
    const creating = kdf === undefined;
    const params = kdf ?? { name: 'scrypt' as const, ...SCRYPT, salt: randomBytes(16).toString('base64') };
    const key = keyFor(await passphrase(creating), params);
    const iv = randomBytes(12);
    const base = { format: 'mfa-env-store' as const, version: 1 as const, kdf: params, cipher: 'aes-256-gcm' as const };
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header(base));
    const data = Buffer.concat([cipher.update(JSON.stringify(items), 'utf8'), cipher.final()]);
    const env: Envelope = { ...base, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    try {
      writeFileAtomic(path, JSON.stringify(env) + '\n', 0o600);
    } catch (err) {
      throw new StoreError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'check the disk and the permissions of its directory');
    }
  }

  /** Read-modify-write under a lock, so two processes never lose each other's change. */
  async function update<T>(change: (items: Record<string, string>) => T): Promise<T> {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'set MFA_ENV_STORE_DIR to a writable directory');
    }
    // Ask before locking: a passphrase prompt must not hold the others up.
    await passphrase(!existsSync(path));
    const release = await acquireLock(`${path}.lock`, { timeoutMs: FILE_LOCK_TIMEOUT_MS, purpose: 'writing the file store' }).catch((err: unknown) => {
      if (err instanceof MfaEnvError) throw err;
      throw new StoreError(`cannot lock ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 'check the permissions of its directory');
    });
    try {
      const { items, kdf } = await load();
      const result = change(items);
      await save(items, kdf);
      return result;
    } finally {
      release();
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
      if (!readRaw()) return false;
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
