import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { findTool, isCI, MissingToolError, requireTool } from '../helpers/require-tool.js';

let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
});
afterEach(() => {
  process.env = saved;
});

test('a tool on PATH: no options, the test runs', () => {
  process.env.CI = 'true';
  assert.ok(findTool('node'), 'node is on PATH');
  assert.deepEqual(requireTool('node'), {});
});

test('a missing tool outside CI: skip, with the tool named in the reason', () => {
  delete process.env.CI;
  const opts = requireTool('node', 'mfa-env-no-such-tool');
  assert.match(opts.skip ?? '', /mfa-env-no-such-tool/);
  assert.doesNotMatch(opts.skip ?? '', /\bnode\b \(/, 'names only the missing one');
});

test('a missing tool under CI=true: throws, so the test fails instead of skipping', () => {
  process.env.CI = 'true';
  assert.throws(
    () => requireTool('mfa-env-no-such-tool'),
    (err: unknown) => err instanceof MissingToolError && err.tools[0] === 'mfa-env-no-such-tool',
  );
});

test('CI is on for any value but empty, false and 0', () => {
  assert.equal(isCI({ CI: 'true' }), true);
  assert.equal(isCI({ CI: '1' }), true);
  assert.equal(isCI({ CI: 'false' }), false);
  assert.equal(isCI({ CI: '0' }), false);
  assert.equal(isCI({ CI: '' }), false);
  assert.equal(isCI({}), false);
});

test('findTool looks only in the PATH it is given', () => {
  assert.equal(findTool('node', '/nonexistent-dir'), undefined);
  const node = findTool('node');
  assert.ok(node?.endsWith('/node'));
});
