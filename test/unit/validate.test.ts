import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAccessKeyId,
  checkCode,
  checkMfaSerial,
  checkProfileName,
  parseDuration,
} from '../../src/config/validate.js';
import { UsageError } from '../../src/errors.js';

test('durations: seconds, minutes, hours, and combinations', () => {
  assert.equal(parseDuration('3600'), 3600);
  assert.equal(parseDuration('90m'), 5400);
  assert.equal(parseDuration('12h'), 43200);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('900s'), 900);
  assert.equal(parseDuration('36h'), 129600);
});

test('durations outside 900–129600 or malformed are usage errors', () => {
  for (const bad of ['899', '37h', '0', 'abc', '', '1.5h', '-900', 'h']) {
    assert.throws(
      () => parseDuration(bad),
      (e: unknown) => e instanceof UsageError && e.exitCode === 2,
      bad,
    );
  }
});

test('access key ids: AKIA accepted, ASIA refused with its own message', () => {
  assert.equal(checkAccessKeyId(' AKIAIOSFODNN7EXAMPLE '), 'AKIAIOSFODNN7EXAMPLE');
  assert.throws(() => checkAccessKeyId('ASIAIOSFODNN7EXAMPLE'), /temporary/);
  assert.throws(() => checkAccessKeyId('AKIA123'), /AKIA followed by 16/);
});

test('MFA serials: ARNs in any partition and hardware serials', () => {
  assert.ok(checkMfaSerial('arn:aws:iam::123456789012:mfa/alice'));
  assert.ok(checkMfaSerial('arn:aws-us-gov:iam::123456789012:mfa/a.b@c'));
  assert.ok(checkMfaSerial('GAHT12345678'));
  assert.throws(() => checkMfaSerial('arn:aws:iam::12345:mfa/alice'), UsageError);
  assert.throws(() => checkMfaSerial('arn:aws:iam::123456789012:user/alice'), UsageError);
  // A secret access key pasted as the serial is not echoed back.
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  assert.throws(
    () => checkMfaSerial(secret),
    (err: unknown) =>
      err instanceof UsageError &&
      !err.message.includes(secret.slice(4)) &&
      /40 characters, like a secret access key/.test(err.message),
  );
});

test('codes are exactly six digits', () => {
  assert.equal(checkCode('012345'), '012345');
  for (const bad of ['12345', '1234567', 'abcdef', '12 345']) assert.throws(() => checkCode(bad), UsageError);
});

test('profile names: letters, digits, . _ - + @, and not an object’s own machinery', () => {
  for (const ok of ['default', 'dev', 'a.b@c+d-e_f', 'toString', '__proto', 'Constructor'])
    assert.equal(checkProfileName(ok), ok);
  for (const reserved of ['__proto__', 'constructor', 'prototype']) {
    assert.throws(
      () => checkProfileName(reserved),
      (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /reserved/.test(e.message),
      reserved,
    );
  }
  for (const bad of ['org/admin', 'a b', '', 'x'.repeat(65), 'a]b']) {
    assert.throws(
      () => checkProfileName(bad),
      (e: unknown) => e instanceof UsageError && /letters, digits/.test(e.message),
      bad,
    );
  }
});

test('a profile name from AWS_PROFILE is named as such, with what to do instead', () => {
  assert.throws(
    () => checkProfileName('org/admin', 'AWS_PROFILE'),
    (e: unknown) =>
      e instanceof UsageError &&
      /^AWS_PROFILE 'org\/admin' is not a usable profile name/.test(e.message) &&
      /set AWS_PROFILE/.test(e.hint ?? ''),
  );
});
