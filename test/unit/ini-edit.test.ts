import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editSection, readSection, sectionFor } from '../../src/config/ini-edit.js';

const sample = [
  '# my aws config',
  '[default]',
  'region = us-east-1',
  '',
  '; staging',
  '[profile dev]',
  'region=eu-west-1   ',
  's3 =',
  '  max_concurrent_requests = 20',
  '',
  '[profile prod] # keep this comment',
  'output = json',
  '',
].join('\n');

test('changing a key touches only that line', () => {
  const out = editSection(sample, 'profile dev', { region: 'eu-central-1' });
  const before = sample.split('\n');
  const after = out.split('\n');
  assert.equal(after.length, before.length);
  const diff = before.map((l, i) => (l === after[i] ? null : i)).filter((i) => i !== null);
  assert.deepEqual(diff, [6]);
  assert.equal(after[6], 'region = eu-central-1');
});

test('a new key goes after the section’s last key, nested values kept', () => {
  const out = editSection(sample, 'profile dev', { mfa_serial: 'arn:aws:iam::123456789012:mfa/a' });
  assert.equal(
    out,
    sample.replace(
      '  max_concurrent_requests = 20\n',
      '  max_concurrent_requests = 20\nmfa_serial = arn:aws:iam::123456789012:mfa/a\n',
    ),
  );
});

test('removing keys removes exactly those lines', () => {
  const creds =
    '[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\n# note\naws_secret_access_key = x\nregion = us-east-1\n\n[other]\naws_access_key_id = B\n';
  const out = editSection(creds, 'default', { aws_access_key_id: null, aws_secret_access_key: null });
  assert.equal(out, '[default]\n# note\nregion = us-east-1\n\n[other]\naws_access_key_id = B\n');
});

test('a missing section is appended with one blank line before it', () => {
  assert.equal(editSection('[a]\nx = 1\n', 'b', { y: '2' }), '[a]\nx = 1\n\n[b]\ny = 2\n');
  assert.equal(editSection('[a]\nx = 1', 'b', { y: '2' }), '[a]\nx = 1\n\n[b]\ny = 2\n');
  assert.equal(editSection('', 'b', { y: '2' }), '[b]\ny = 2\n');
  assert.equal(editSection('[a]\n', 'b', { y: null }), '[a]\n');
});

test('CRLF files stay CRLF and files without a final newline keep it that way', () => {
  const crlf = '[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2';
  assert.equal(editSection(crlf, 'a', { x: '9', z: '3' }), '[a]\r\nx = 9\r\nz = 3\r\n\r\n[b]\r\ny = 2');
});

test('readSection reads top-level keys of the first matching section', () => {
  assert.deepEqual(readSection(sample, 'profile dev'), { region: 'eu-west-1', s3: '' });
  assert.deepEqual(readSection(sample, 'profile prod'), { output: 'json' });
  assert.equal(readSection(sample, 'profile nope'), undefined);
});

test('sectionFor follows the AWS naming rules', () => {
  assert.equal(sectionFor('dev', 'config'), 'profile dev');
  assert.equal(sectionFor('default', 'config'), 'default');
  assert.equal(sectionFor('dev', 'credentials'), 'dev');
});

test('values with newlines are refused rather than written', () => {
  assert.throws(() => editSection(sample, 'profile dev', { region: 'a\n[evil]' }));
  assert.throws(() => editSection(sample, 'x]\n[y', { region: 'a' }));
});

test('mixed line endings: each line is read as the SDK reads it and keeps its own ending', () => {
  // CRLF first (so new lines get CRLF), then a LF-only stretch, as an editor on another OS leaves it.
  const mixed = '[a]\r\nx = 1\r\n\r\n[b]\ny = 2\n\n[c]\r\nz = 3\r\n';
  const out = editSection(mixed, 'b', { y: '9', w: '4' });
  assert.equal(out, '[a]\r\nx = 1\r\n\r\n[b]\ny = 9\nw = 4\r\n\n[c]\r\nz = 3\r\n');
  assert.equal((out.match(/\[b\]/g) ?? []).length, 1, 'the section is edited, not added a second time');
  assert.deepEqual(readSection(mixed, 'b'), { y: '2' });
  assert.equal(editSection(mixed, 'b', { y: null }), '[a]\r\nx = 1\r\n\r\n[b]\n\n[c]\r\nz = 3\r\n');
});

test('a removed or added last line leaves a file without a final newline without one', () => {
  assert.equal(editSection('[a]\nx = 1\ny = 2', 'a', { y: null }), '[a]\nx = 1');
  assert.equal(editSection('[a]\nx = 1', 'a', { z: '3' }), '[a]\nx = 1\nz = 3');
  assert.equal(editSection('[a]\nx = 1\n', 'a', { x: null }), '[a]\n');
});

test('`key: value` lines (the AWS CLI reads them) are found, changed and removed', () => {
  const creds =
    '[default]\naws_access_key_id: AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key : s\nmfa_serial = arn:aws:iam::123456789012:mfa/a\n';
  assert.deepEqual(readSection(creds, 'default'), {
    aws_access_key_id: 'AKIAAAAAAAAAAAAAAAAA',
    aws_secret_access_key: 's',
    mfa_serial: 'arn:aws:iam::123456789012:mfa/a',
  });
  assert.equal(
    editSection(creds, 'default', { aws_access_key_id: null, aws_secret_access_key: null }),
    '[default]\nmfa_serial = arn:aws:iam::123456789012:mfa/a\n',
  );
});
