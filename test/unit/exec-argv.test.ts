import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExec as parseExecArgv } from '../../src/cli/parse.js';
import { UsageError } from '../../src/errors.js';

test('own options end at -- or at the first word that is not an option', () => {
  assert.deepEqual(parseExecArgv(['-p', 'dev', '--', 'ls', '-p', 'x']), {
    args: { profile: 'dev' },
    command: ['ls', '-p', 'x'],
  });
  assert.deepEqual(parseExecArgv(['-p', 'dev', 'ls', '--', '-l']), {
    args: { profile: 'dev' },
    command: ['ls', '--', '-l'],
  });
  assert.deepEqual(parseExecArgv(['--', '--', '-x']), { args: {}, command: ['--', '-x'] });
  assert.deepEqual(parseExecArgv(['-', 'a']), { args: {}, command: ['-', 'a'] });
  assert.deepEqual(parseExecArgv([]), { args: {}, command: [] });
});

test('the spellings yargs accepts for the shared options', () => {
  const { args } = parseExecArgv([
    '--profile=a',
    '-pb',
    '-p=c',
    '--code',
    '123456',
    '-d90m',
    '--refresh',
    '--no-cache',
    '--force',
  ]);
  assert.deepEqual(args, { profile: 'c', code: '123456', duration: '90m', refresh: true, cache: false, force: true });
  assert.deepEqual(parseExecArgv(['--cache', '--no-refresh']).args, { cache: true, refresh: false });
});

test('--help and --version anywhere before the command', () => {
  assert.equal(parseExecArgv(['-p', 'dev', '--help']).meta, 'help');
  assert.equal(parseExecArgv(['-V']).meta, 'version');
  assert.equal(parseExecArgv(['--', 'ls', '--help']).meta, undefined);
});

test('bad options are usage errors naming the option', () => {
  for (const [argv, message] of [
    [['--bogus'], /unknown option: --bogus/],
    [['--bogus=1'], /unknown option: --bogus$/],
    [['-x', 'ls'], /unknown option: -x/],
    [['--no-profile'], /unknown option: --no-profile/],
    [['-p'], /--profile needs a value/],
    [['-p', '--', 'ls'], /--profile needs a value/],
    [['--refresh=yes'], /--refresh takes no value/],
  ] as const) {
    assert.throws(
      () => parseExecArgv([...argv]),
      (err: unknown) => err instanceof UsageError && message.test(err.message) && err.exitCode === 2,
    );
  }
});
