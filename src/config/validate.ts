import { UsageError } from '../errors.js';

// Checked locally, before any call to AWS, so a typo costs no MFA code.

const ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const MFA_ARN = /^arn:aws[-a-z]*:iam::\d{12}:mfa\/[\w+=,.@/-]{1,512}$/;
const HARDWARE_SERIAL = /^[A-Za-z0-9]{9,32}$/;
/** A FIDO security key or passkey: IAM lists it as an MFA device, STS cannot use it. */
const FIDO_ARN = /^arn:aws[-a-z]*:iam::\d{12}:u2f\//;

/** True for the serial of a FIDO security key (`…:u2f/…`). */
export function isFidoSerial(serial: string): boolean {
  return FIDO_ARN.test(serial.trim());
}

/** Why a FIDO key cannot give a session, and what to do instead. */
export function fidoError(serial: string, profile?: string): UsageError {
  return new UsageError(
    `'${serial.trim().slice(0, 120)}' is a FIDO security key: GetSessionToken takes a 6-digit code, so only a TOTP device (virtual or hardware) can start an MFA session`,
    `assign a virtual or hardware TOTP device to the IAM user (IAM console → Users → Security credentials → Assign MFA device), then run: mfa-env setup${profile ? ` --profile ${profile}` : ''} --mfa-serial ARN`,
  );
}
const PROFILE_NAME = /^[\w.@+-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function checkAccessKeyId(id: string): string {
  const trimmed = id.trim();
  if (!ACCESS_KEY_ID.test(trimmed)) {
    throw new UsageError(
      'the access key id should be AKIA followed by 16 letters or digits',
      'copy it from the IAM console (see mfa-env setup --help)',
    );
  }
  if (trimmed.startsWith('ASIA')) {
    throw new UsageError(
      'that is a temporary (ASIA…) key; mfa-env needs the long-term AKIA… key of the IAM user',
      'create an access key for the user in the IAM console',
    );
  }
  return trimmed;
}

export function checkSecretAccessKey(secret: string): string {
  const trimmed = secret.trim();
  if (!/^[A-Za-z0-9/+=]{40}$/.test(trimmed)) {
    throw new UsageError(
      'the secret access key should be 40 characters of letters, digits, / and +',
      'paste it again; nothing was stored',
    );
  }
  return trimmed;
}

/** An MFA device ARN or a hardware token's serial, exactly (no spaces around it). */
export function isMfaSerial(serial: string): boolean {
  return MFA_ARN.test(serial) || HARDWARE_SERIAL.test(serial);
}

export function checkMfaSerial(serial: string, profile?: string): string {
  const trimmed = serial.trim();
  if (isFidoSerial(trimmed)) throw fidoError(trimmed, profile);
  if (!MFA_ARN.test(trimmed) && !HARDWARE_SERIAL.test(trimmed)) {
    // A secret access key pasted in the wrong place must not land on the screen (or in a scrollback).
    const shown = /^[A-Za-z0-9/+=]{40}$/.test(trimmed)
      ? `${trimmed.slice(0, 4)}…(40 characters, like a secret access key)`
      : trimmed.slice(0, 80);
    throw new UsageError(
      `'${shown}' is not an MFA device ARN (arn:aws:iam::123456789012:mfa/NAME) or hardware serial`,
      'find it under IAM → Users → Security credentials, or omit --mfa-serial to discover it',
    );
  }
  return trimmed;
}

/** Names of every object's own machinery: as a key into the parsed AWS files they would find that, not a profile. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** `from`: where the name came from when not a flag (a variable), for the message. */
export function checkProfileName(name: string, from?: 'AWS_PROFILE' | 'MFA_ENV_PROFILE'): string {
  const reserved = RESERVED_NAMES.has(name);
  if (name.startsWith('-')) {
    // Another program handed it on would read it as an option (credential_process, aws --profile).
    throw new UsageError(
      `${from ? `${from} ` : ''}'${name.slice(0, 64)}' is not a usable profile name (it starts with -)`,
      from ? `set ${from} to a profile name` : 'see mfa-env --help',
    );
  }
  if (!PROFILE_NAME.test(name) || reserved) {
    const what = `${from ? `${from} ` : ''}'${name.slice(0, 64)}' is not a usable profile name`;
    throw new UsageError(
      reserved ? `${what} (__proto__, constructor and prototype are reserved)` : `${what} (letters, digits, . _ - + @)`,
      from ? `use a profile whose name mfa-env accepts (--profile NAME, or set ${from} to it)` : 'see mfa-env --help',
    );
  }
  return name;
}

export function checkRegion(region: string): string {
  if (!REGION.test(region)) {
    throw new UsageError(`'${region.slice(0, 40)}' is not an AWS region name (like eu-west-1)`, 'see mfa-env --help');
  }
  return region;
}

export function checkCode(code: string): string {
  const trimmed = code.trim();
  if (!/^\d{6}$/.test(trimmed)) {
    throw new UsageError('the MFA code must be exactly 6 digits', 'read it from your authenticator app and try again');
  }
  return trimmed;
}

export const MIN_DURATION = 900;
export const MAX_DURATION = 129_600;
export const DEFAULT_DURATION = 43_200;

/** `3600`, `3600s`, `90m`, `12h`, `1h30m` → seconds, within STS's limits. */
export function parseDuration(input: string | number, source = '--duration'): number {
  const text = String(input).trim().toLowerCase();
  let seconds: number | undefined;
  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    if (m && (m[1] ?? m[2] ?? m[3]) !== undefined) {
      seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
    }
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds)) {
    throw new UsageError(
      `${source} '${String(input).slice(0, 40)}' is not a duration (use 3600, 90m or 12h)`,
      'see mfa-env --help',
    );
  }
  if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
    throw new UsageError(
      `${source} ${seconds}s is outside STS's range of 900–129600 seconds (15m–36h)`,
      'see mfa-env --help',
    );
  }
  return seconds;
}
