// The credential_process line is read by two parsers: sh (the JS and Go SDKs)
// and Python's shlex (the AWS CLI, which then runs it without a shell). Each
// hostile word must come back from both exactly as it went in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { credentialProcessLine, planCredentialProcessProfile } from '../../src/config/credential-process.js';
import { posixWord } from '../../src/shells/posix.js';
import { holdsLongTermKey } from '../../src/config/session-profile.js';
import { onPath, requireTool } from '../helpers/tools.js';

const HOSTILE = [
  'plain',
  '/usr/local/bin/node',
  '/Users/Jo Smith/.nvm/versions/node/v20.19.0/bin/node',
  "/home/o'brien/bin/mfa-env.js",
  'C:\\Program Files\\nodejs\\node.exe',
  '$HOME/`id`/$(id)/*.js',
  'a"b\'c d\\e',
  '-dash',
  'ünïcødé dir',
];

test('sh reads every quoted word back unchanged', () => {
  for (const word of HOSTILE) {
    const out = execFileSync('sh', ['-c', `printf '%s' ${posixWord(word)}`], { encoding: 'utf8' });
    assert.equal(out, word);
  }
});

test("Python's shlex (the AWS CLI's splitter) reads the whole line back into the same words", (t) => {
  const python = onPath('python3')[0];
  if (!requireTool(t, python, 'python3')) return;
  for (const word of HOSTILE) {
    const line = credentialProcessLine(`${posixWord(word)} ${posixWord(word)}`, 'dev');
    const out = execFileSync(
      python!,
      ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))', line],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(out), [word, word, 'credential-process', '--profile', 'dev']);
  }
});

test('safe words stay bare, so the usual line reads naturally', () => {
  assert.equal(credentialProcessLine('mfa-env', 'dev'), 'mfa-env credential-process --profile dev');
  assert.equal(posixWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(posixWord('a b'), "'a b'");
});

test('an existing section is ours when it runs mfa-env for the same profile, however mfa-env was started', () => {
  const line = credentialProcessLine('mfa-env', 'dev');
  const section = (cp: string) => `[profile x]\ncredential_process = ${cp}\n`;
  assert.equal(planCredentialProcessProfile('', 'x', line, 'config', false), 'create');
  assert.equal(planCredentialProcessProfile(section(line), 'x', line, 'config', false), 'unchanged');
  assert.equal(
    planCredentialProcessProfile(
      section("/usr/bin/node '/opt/my apps/mfa-env.js' credential-process --profile dev"),
      'x',
      line,
      'config',
      false,
    ),
    'update',
  );
  assert.throws(
    () =>
      planCredentialProcessProfile(section('mfa-env credential-process --profile prod'), 'x', line, 'config', false),
    /already exists/,
  );
  assert.throws(
    () => planCredentialProcessProfile(section('aws-vault export --format=json dev'), 'x', line, 'config', false),
    /already exists/,
  );
  assert.throws(() => planCredentialProcessProfile('[profile x]\n', 'x', line, 'config', false), /already exists/);
  assert.equal(planCredentialProcessProfile('[profile x]\nrole_arn = r\n', 'x', line, 'config', true), 'replace');
});

test('a long-term key is an access key without a session token', () => {
  assert.equal(holdsLongTermKey(undefined), false);
  assert.equal(holdsLongTermKey({ region: 'eu-west-1' }), false);
  assert.equal(holdsLongTermKey({ aws_access_key_id: 'AKIA…', aws_secret_access_key: 's' }), true);
  assert.equal(holdsLongTermKey({ aws_access_key_id: 'ASIA…', aws_session_token: 't' }), false);
  assert.equal(holdsLongTermKey({ aws_access_key_id: 'ASIA…', aws_security_token: 't' }), false);
});
