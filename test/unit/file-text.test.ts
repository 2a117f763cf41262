import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeText, encodeText } from '../../src/config/file-text.js';
import { editSection } from '../../src/config/ini-edit.js';

test('any bytes decode and encode back to themselves', () => {
  const samples = [
    Buffer.from('plain ascii\n'),
    Buffer.from('caf\u00e9 \u{1F511} \u4e2d\n'),
    Buffer.of(
      0xe9,
      0x80,
      0xff,
      0xfe,
      0xc0,
      0xaf,
      0xe0,
      0x80,
      0x80,
      0xed,
      0xa0,
      0x80,
      0xf4,
      0x90,
      0x80,
      0x80,
      0xe2,
      0x82,
    ),
    Buffer.of(0xf0, 0x9f, 0x94, 0x91, 0xdc, 0x80), // a valid 4-byte sequence, then a bad pair
  ];
  for (let i = 0; i < 500; i++) samples.push(randomBytes(1 + (i % 64)));
  for (const bytes of samples) assert.ok(encodeText(decodeText(bytes)).equals(bytes), bytes.toString('hex'));
});

test('valid UTF-8 decodes as UTF-8 does; only bad bytes become escapes', () => {
  assert.equal(decodeText(Buffer.from('caf\u00e9 \u{1F511}')), 'caf\u00e9 \u{1F511}');
  assert.equal(decodeText(Buffer.of(0x61, 0xe9, 0x62)), 'a\udce9b');
});

test('an edit keeps the bad bytes of every other line', () => {
  const bytes = Buffer.concat([Buffer.from('# '), Buffer.of(0xe9, 0xff), Buffer.from('\n[dev]\nregion = x\n')]);
  const edited = encodeText(editSection(decodeText(bytes), 'dev', { mfa_serial: 'arn:aws:iam::123456789012:mfa/me' }));
  assert.ok(
    edited.equals(Buffer.concat([bytes, Buffer.from('mfa_serial = arn:aws:iam::123456789012:mfa/me\n')])),
    edited.toString('hex'),
  );
});
