// IAM users the emulator knows, and the random identifiers AWS would assign.
import { createHash, randomBytes, randomInt } from 'node:crypto';

export interface MfaDevice {
  /** For a virtual device, its ARN: arn:aws:iam::<account>:mfa/<name>. */
  serialNumber: string;
  /** The TOTP seed an authenticator app would hold. */
  secret: Buffer;
}

export interface EmulatorUser {
  userName: string;
  /** 12 digits. */
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaDevices: MfaDevice[];
  /** When `accessKeyId` was created (default: when the emulator started); IAM reports it as CreateDate. */
  accessKeyCreatedAt?: number;
  /** What the user's IAM policy says about IAM calls (src/demo/emulator/iam-keys.ts); default: all allowed, no MFA needed. */
  iamPolicy?: IamPolicy;
}

export interface IamPolicy {
  /** IAM actions only with an MFA session (the usual "force MFA" policy: an explicit deny otherwise). */
  requireMfa?: boolean;
  /** IAM actions not allowed at all, e.g. ['DeleteAccessKey']. */
  deny?: string[];
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** AKIA… for long-term keys, ASIA… for temporary ones: 4 + 16 characters. */
export const randomAccessKeyId = (prefix: 'AKIA' | 'ASIA') => prefix + randomString(UPPER_ALNUM, 16);
export const randomSecretAccessKey = () => randomString(SECRET_ALPHABET, 40);
export const randomAccountId = () => randomString('123456789', 1) + randomString('0123456789', 11);

/** Real session tokens are a few hundred characters of base64; tools must not assume less. */
export const randomSessionToken = () => `IQoJb3JpZ2luX2Vj${randomBytes(300).toString('base64')}`;

export function makeUser(name = `user-${randomString('abcdefghijklmnopqrstuvwxyz0123456789', 6)}`): EmulatorUser {
  const accountId = randomAccountId();
  return {
    userName: name,
    accountId,
    accessKeyId: randomAccessKeyId('AKIA'),
    secretAccessKey: randomSecretAccessKey(),
    mfaDevices: [{ serialNumber: `arn:aws:iam::${accountId}:mfa/${name}`, secret: randomBytes(20) }],
  };
}

export const userArn = (u: EmulatorUser) => `arn:aws:iam::${u.accountId}:user/${u.userName}`;

/**
 * IAM's unique user id (AIDA + 17). Derived, not stored, so EmulatorUser stays
 * a plain value that tests can build by hand, and the id is stable per user.
 */
export function userId(u: EmulatorUser): string {
  const digest = createHash('sha256').update(`${u.accountId}/${u.userName}`).digest();
  let out = 'AIDA';
  for (let i = 0; i < 17; i++) out += UPPER_ALNUM[digest[i]! % UPPER_ALNUM.length];
  return out;
}
