// Time left as mfa-env's lines show it, counted as the shells' prompts count
// it (whole seconds of the clock against whole-second MFA_ENV_EXPIRES), so a
// line and the prompt drawn under it in the same second agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMinutes, secondsLeft } from '../../src/cli/time-left.js';

test('secondsLeft cuts both ends to whole seconds, as $(( MFA_ENV_EXPIRES - EPOCHSECONDS )) does', () => {
  const expires = new Date(1_800_000_000_000 + 43_200_000);
  // Minted 0.7 s into a second: the prompt, in that second, counts 43200 s.
  assert.equal(secondsLeft(expires, 1_800_000_000_700), 43_200);
  assert.equal(formatMinutes(secondsLeft(expires, 1_800_000_000_700)), '12h00m');
  assert.equal(formatMinutes(secondsLeft(expires, 1_800_000_001_000)), '11h59m');
  assert.equal(secondsLeft(new Date(1_800_000_000_500), 1_800_000_000_999), 0);
});

test('formatMinutes: the prompt’s format', () => {
  assert.deepEqual([0, 59, 60, 3599, 3600, 3900, 43_200, -5].map(formatMinutes), [
    '0m',
    '0m',
    '1m',
    '59m',
    '1h00m',
    '1h05m',
    '12h00m',
    '0m',
  ]);
});
