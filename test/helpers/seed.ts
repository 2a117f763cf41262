import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { saveSession } from '../../src/session/cache.js';
import { saveLongTermKey } from '../../src/session/long-term-key.js';
import type { CachedSession, LongTermKey } from '../../src/session/types.js';
import { createFileStore } from '../../src/store/file.js';
import { fileStoreEnv } from './cli.js';

export interface SeedOptions {
  /** The test's scratch directory; the store goes in `<dir>/store`. */
  dir: string;
  profile?: string;
  /** Default `<dir>/config`; the profile's section is appended to it. */
  configFile?: string;
  region?: string;
  /** Default `arn:aws:iam::123456789012:mfa/<profile>` (an emulator user's device, to mint for real). */
  mfaSerial?: string;
  passphrase?: string;
  /** Overrides for the stored long-term key; `null` stores none. */
  key?: Partial<LongTermKey> | null;
  /** Overrides for the cached session (e.g. an `expiration` in the past); `null` caches none. */
  session?: Partial<CachedSession> | null;
}

export interface Seeded {
  /** What to add to a command's environment: the file store and the config file. */
  env: Record<string, string>;
  profile: string;
  mfaSerial: string;
  key: LongTermKey | undefined;
  session: CachedSession | undefined;
}

const upper = (n: number) => randomBytes(n).toString('hex').toUpperCase().slice(0, n);
const secret = (n: number) =>
  randomBytes(n)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, n);

/**
 * A profile as `mfa-env setup` plus one MFA'd export would leave it: the
 * profile in the AWS config file, the long-term key and a valid cached
 * session in the encrypted file store, written with the project's own
 * functions. With it a test runs the cached path with no STS at all.
 */
export async function seedProfile(o: SeedOptions): Promise<Seeded> {
  const profile = o.profile ?? 'dev';
  const region = o.region ?? 'eu-west-1';
  const passphrase = o.passphrase ?? 'correct horse battery staple';
  const configFile = o.configFile ?? join(o.dir, 'config');
  const mfaSerial = o.mfaSerial ?? `arn:aws:iam::123456789012:mfa/${profile}`;

  mkdirSync(dirname(configFile), { recursive: true });
  const section = profile === 'default' ? '[default]' : `[profile ${profile}]`;
  appendFileSync(configFile, `${section}\nmfa_serial = ${mfaSerial}\nregion = ${region}\n`);

  const storeEnv = fileStoreEnv(o.dir, passphrase);
  const env: Record<string, string> = { ...storeEnv, AWS_CONFIG_FILE: configFile };
  const store = createFileStore(storeEnv.MFA_ENV_STORE_DIR!, async () => passphrase);

  const key: LongTermKey | undefined =
    o.key === null ? undefined : { accessKeyId: `AKIA${upper(16)}`, secretAccessKey: `LT${secret(38)}`, ...o.key };
  if (key) await saveLongTermKey(store, profile, key);

  const session: CachedSession | undefined =
    o.session === null
      ? undefined
      : {
          accessKeyId: `ASIA${upper(16)}`,
          secretAccessKey: secret(40),
          sessionToken: `IQoJb3JpZ2luX2Vj${secret(200)}`,
          expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000),
          profile,
          sourceKeyId: key?.accessKeyId ?? `AKIA${upper(16)}`,
          mfaSerial,
          ...o.session,
        };
  if (session) await saveSession(store, session);

  return { env, profile, mfaSerial, key, session };
}
