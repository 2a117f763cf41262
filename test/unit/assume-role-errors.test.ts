// AssumeRole's refusals as the SDK reports them → one clear message naming the role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapAssumeRoleError } from '../../src/aws/errors.js';
import { ExitCode } from '../../src/errors.js';

const ctx = { roleArn: 'arn:aws:iam::210987654321:role/deep', asker: 'deep', durationSeconds: 7200 };
const sdkError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

test("the role-chaining limit is said plainly, never in AWS's words", () => {
  const err = mapAssumeRoleError(
    sdkError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    ),
    ctx,
  )!;
  assert.equal(err.exitCode, ExitCode.awsRefused);
  assert.equal(
    err.message,
    "AWS limits arn:aws:iam::210987654321:role/deep to 1 hour when it is assumed with another role's credentials (asked for 7200 s)",
  );
  assert.doesNotMatch(`${err.message} ${err.hint}`, /role chaining|DurationSeconds/);
});

test('not authorized: names who asked and the role, with the usual causes', () => {
  const err = mapAssumeRoleError(
    sdkError(
      'AccessDenied',
      'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/deep',
    ),
    ctx,
  )!;
  assert.equal(err.exitCode, ExitCode.awsRefused);
  assert.equal(
    err.message,
    "AWS refused to let arn:aws:iam::123456789012:user/alice (for profile 'deep') assume arn:aws:iam::210987654321:role/deep",
  );
  assert.match(err.hint!, /trust policy/);
});

test('anything else is left to the general mapping', () => {
  assert.equal(
    mapAssumeRoleError(
      sdkError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. '),
      ctx,
    ),
    undefined,
  );
  assert.equal(
    mapAssumeRoleError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx),
    undefined,
  );
});
