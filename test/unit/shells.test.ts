import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fish } from '../../src/shells/fish.js';
import { posix } from '../../src/shells/posix.js';
import { powershell } from '../../src/shells/powershell.js';
import { renderChange } from '../../src/shells/types.js';
import { dialectFromName } from '../../src/shells/detect.js';

// Hostile values next to the quoting functions. The real shells are driven
// end to end in test/integration/export-shells.test.ts; here each dialect's
// quote() is checked against that dialect's own parsing rules.

const HOSTILE = [
  '',
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  "it's",
  '$HOME',
  '${HOME}',
  '`id`',
  '$(touch canary)',
  'a\nb',
  '\r\n',
  '\t',
  'ünïcödé ☃ 𝄞',
  '\u2018\u2019\u201A\u201B',
  "'\u2019'",
  '; rm -rf /',
  '%PATH%',
  '!!',
  '#comment',
  '-n',
];

const QUOTES = "'\u2018\u2019\u201A\u201B";

/** PowerShell's verbatim-string scanner: a quote followed by a quote is one literal (the second). */
function parsePowerShellVerbatim(src: string): { value: string; rest: string } {
  assert.ok(QUOTES.includes(src[0]!), 'starts with a single quote');
  let i = 1;
  let value = '';
  for (;;) {
    assert.ok(i < src.length, 'string is terminated');
    const c = src[i]!;
    if (QUOTES.includes(c)) {
      if (i + 1 < src.length && QUOTES.includes(src[i + 1]!)) {
        value += src[i + 1]!;
        i += 2;
        continue;
      }
      return { value, rest: src.slice(i + 1) };
    }
    value += c;
    i++;
  }
}

/** fish single quotes: only \\ and \' are escapes. */
function parseFishSingle(src: string): { value: string; rest: string } {
  assert.equal(src[0], "'");
  let i = 1;
  let value = '';
  for (;;) {
    assert.ok(i < src.length, 'string is terminated');
    const c = src[i]!;
    if (c === '\\' && (src[i + 1] === '\\' || src[i + 1] === "'")) {
      value += src[i + 1];
      i += 2;
    } else if (c === "'") {
      return { value, rest: src.slice(i + 1) };
    } else {
      value += c;
      i++;
    }
  }
}

function randomValue(): string {
  const alphabet = [
    "'",
    '"',
    '\\',
    '$',
    '`',
    '\n',
    '(',
    ')',
    ' ',
    'a',
    'Z',
    '9',
    '\u2019',
    '\u201B',
    '\u2018',
    '\u201A',
    ';',
    '|',
    '&',
    '*',
    '?',
    '~',
    '{',
    '}',
    '%',
    '\t',
    'é',
    '☃',
  ];
  let s = '';
  const n = Math.floor(Math.random() * 24);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

const samples = [...HOSTILE, ...Array.from({ length: 300 }, randomValue)];

test('PowerShell: every value reads back exactly under its verbatim-string rules', () => {
  for (const v of samples) {
    const { value, rest } = parsePowerShellVerbatim(powershell.quote(v));
    assert.equal(value, v);
    assert.equal(rest, '', `nothing after the closing quote for ${JSON.stringify(v)}`);
  }
});

test('PowerShell: each of the five quote characters is doubled', () => {
  for (const q of QUOTES) assert.equal(powershell.quote(`a${q}b`), `'a${q}${q}b'`);
  assert.equal(powershell.set('AWS_X', "it's"), "$Env:AWS_X = 'it''s'");
  assert.equal(powershell.unset('AWS_X'), 'Remove-Item Env:AWS_X -ErrorAction SilentlyContinue');
});

test('fish: every value reads back exactly under its single-quote rules', () => {
  for (const v of samples) {
    const { value, rest } = parseFishSingle(fish.quote(v));
    assert.equal(value, v);
    assert.equal(rest, '');
  }
  assert.equal(fish.set('A', "x'y\\"), "set -gx A 'x\\'y\\\\';");
});

test('posix: sh itself reads every value back byte-exact, and no canary runs', () => {
  // One sh process for all samples: printf each variable, NUL-separated.
  const script = samples.map((v, i) => `${posix.set(`V${i}`, v)}\nprintf '%s\\0' "$V${i}"`).join('\n');
  const r = spawnSync('/bin/sh', ['-c', script], { cwd: '/tmp', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), samples);
});

test('renderChange writes sets and unsets in order, one per line', () => {
  const out = renderChange(
    posix,
    new Map([
      ['A', '1'],
      ['B', undefined],
    ]),
  );
  assert.equal(out, "export A='1'\nunset B\n");
});

test('dialect names from process names and $SHELL', () => {
  assert.equal(dialectFromName('-bash'), 'bash');
  assert.equal(dialectFromName('/usr/bin/zsh'), 'zsh');
  assert.equal(dialectFromName('fish\n'), 'fish');
  assert.equal(dialectFromName('pwsh'), 'powershell');
  assert.equal(dialectFromName('dash'), 'bash');
  assert.equal(dialectFromName('node'), undefined);
});
