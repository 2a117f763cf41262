// Which desktop dialog asks for a code (src/prompts/dialog.ts): the choice
// by platform, display and PATH, and the question kept out of the way of
// the code. The dialogs themselves run in test/integration/dialog.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDialog } from '../../src/prompts/dialog.js';

function binWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-dialog-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

test('Linux: zenity, else kdialog, only with DISPLAY or WAYLAND_DISPLAY', () => {
  const both = binWith(['zenity', 'kdialog']);
  const kde = binWith(['kdialog']);
  try {
    assert.equal(findDialog('q', { PATH: both }, 'linux'), undefined);
    assert.equal(findDialog('q', { PATH: both, DISPLAY: ':0' }, 'linux')?.name, 'zenity');
    assert.equal(findDialog('q', { PATH: kde, WAYLAND_DISPLAY: 'wayland-0' }, 'freebsd')?.name, 'kdialog');
    assert.equal(findDialog('q', { PATH: '/nonexistent', DISPLAY: ':0' }, 'linux'), undefined);
  } finally {
    rmSync(both, { recursive: true });
    rmSync(kde, { recursive: true });
  }
});

test('macOS: osascript with no DISPLAY; the question is an AppleScript string, quotes and backslashes escaped', () => {
  const mac = binWith(['osascript', 'zenity']);
  try {
    const d = findDialog('MFA code for "a\\b" (profile dev)', { PATH: mac }, 'darwin')!;
    assert.equal(d.name, 'osascript');
    assert.deepEqual(d.args, [
      '-e',
      'text returned of (display dialog "MFA code for \\"a\\\\b\\" (profile dev)" default answer "" with title "mfa-env" buttons {"Cancel", "OK"} default button "OK")',
    ]);
    assert.equal(findDialog('q', { PATH: '/nonexistent' }, 'darwin'), undefined);
  } finally {
    rmSync(mac, { recursive: true });
  }
});
