import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMfaEnv, shownWord } from '../../src/cli/parse.js';
import { UsageError } from '../../src/errors.js';
import { nearest } from '../../src/nearest.js';

const fails = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseMfaEnv(argv),
    (err: unknown) => err instanceof UsageError && err.exitCode === 2 && message.test(err.message),
    argv.join(' '),
  );

test('options before or after the command, every spelling', () => {
  assert.deepEqual(parseMfaEnv([]), { command: 'export', args: {} });
  assert.deepEqual(parseMfaEnv(['-p', 'dev', 'logout', '-sbash']).args, { profile: 'dev', shell: 'bash' });
  assert.deepEqual(parseMfaEnv(['logout', '--profile=dev', '-s=zsh']).args, { profile: 'dev', shell: 'zsh' });
  assert.deepEqual(parseMfaEnv(['export', '--no-cache', '--refresh', '--write-profile', 'x']).args, {
    cache: false,
    refresh: true,
    writeProfile: 'x',
  });
  assert.deepEqual(parseMfaEnv(['init', 'fish']).args, { shell: 'fish' });
  assert.equal(parseMfaEnv(['status']).explicit, true);
  assert.equal(parseMfaEnv(['-p', 'dev']).explicit, undefined);
  assert.equal(parseMfaEnv(['setup', '--debug']).debug, true);
});

test('--help wins over a missing argument, but not over an unknown command or option', () => {
  assert.equal(parseMfaEnv(['init', '--help']).meta, 'help');
  assert.equal(parseMfaEnv(['remove', '-h']).meta, 'help');
  fails(['stauts', '--help'], /unknown command stauts; did you mean status\?/);
  fails(['--frobnicate', '--help'], /unknown option: --frobnicate$/);
});

test('stray words, words after --, and options of other commands are refused', () => {
  fails(['-p', 'dev', 'stauts'], /unknown command stauts; did you mean status\?/);
  fails(['--', 'status'], /^unexpected argument after export: 'status'$/);
  fails(['status', '--', 'x'], /^unexpected argument after status: 'x'$/);
  fails(['export', 'now'], /^unexpected argument after export: 'now'$/);
  fails(['status', '--all'], /^unknown option: --all$/);
  fails(['status', '--jsno'], /^unknown option: --jsno; did you mean --json\?$/);
  fails(['--profile'], /^--profile needs a value$/);
  fails(['-p', '-c', '123456'], /^--profile needs a value$/);
});

test('nothing that looks like a secret, nor a control character, is repeated', () => {
  assert.equal(shownWord('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'a 40-character word (not shown)');
  assert.equal(shownWord('a\u001b[31mb'), "'a?[31mb'");
  fails(['\u001b]0;pwned\u0007'], /^unknown command \?\?0\?pwned\?$/);
});

test('did you mean: close words only', () => {
  assert.equal(nearest('stauts', ['status', 'setup']), 'status');
  assert.equal(nearest('deev', ['default', 'dev']), 'dev');
  assert.equal(nearest('production', ['default', 'dev']), undefined);
  assert.equal(nearest('x', ['dev']), undefined);
});
