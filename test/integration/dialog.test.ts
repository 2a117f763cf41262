// A code where there is no terminal: after -c, mfa_process and the terminal,
// a desktop dialog (zenity, else kdialog) when DISPLAY or WAYLAND_DISPLAY says
// there is a desktop. The dialogs here are stub scripts on PATH that record
// their argv and answer from a file, the way an IDE's credential_process run
// meets the real ones. Every run has no controlling terminal (runCommand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOk, devProfile, lines, type Dev } from '../helpers/dev-profile.js';

interface Stub {
  bin: string;
  /** What the dialog is told to answer: stdout and exit status. */
  answer(text: string, status?: number): void;
  /** The dialog's argv, one per line, or undefined when it never ran. */
  argv(name: string): string[] | undefined;
  path: string;
}

/** `names` as stub dialogs in a bin dir of their own. */
function stubDialogs(dev: Dev, names: string[]): Stub {
  const bin = join(dev.sandbox.dir, 'dialog-bin');
  mkdirSync(bin, { recursive: true });
  const answerFile = join(bin, 'answer');
  const statusFile = join(bin, 'status');
  for (const name of names) {
    writeFileSync(
      join(bin, name),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${bin}/${name}.argv'\ncat '${answerFile}'\nexit "$(cat '${statusFile}')"\n`,
    );
    chmodSync(join(bin, name), 0o755);
  }
  return {
    bin,
    answer(text, status = 0) {
      writeFileSync(answerFile, text);
      writeFileSync(statusFile, String(status));
    },
    argv: (name) =>
      existsSync(join(bin, `${name}.argv`))
        ? readFileSync(join(bin, `${name}.argv`), 'utf8')
            .split('\n')
            .slice(0, -1)
        : undefined,
    path: `${bin}:/usr/bin:/bin`,
  };
}

const device = (dev: Dev) => dev.serial.replace(/^.*:mfa\//, '');

test('credential-process with no terminal and DISPLAY: zenity asks, naming profile and device; the code comes back on its stdout', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['zenity', 'kdialog']);
    const code = dev.code();
    stub.answer(`${code}\n`);
    const r = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: stub.path, DISPLAY: ':0' },
    });
    assertOk(r, 'credential-process through the dialog');
    assert.equal(JSON.parse(r.stdout).Version, 1);
    assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 1);
    const argv = stub.argv('zenity')!;
    assert.deepEqual(argv, ['--entry', '--title=mfa-env', `--text=MFA code for ${device(dev)} (profile dev)`]);
    assert.ok(!argv.join(' ').includes(code));
    assert.equal(stub.argv('kdialog'), undefined, 'zenity first');
    assert.equal(r.stderr, '');
  } finally {
    await dev.close();
  }
});

test('kdialog when there is no zenity, with WAYLAND_DISPLAY alone', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['kdialog']);
    stub.answer(`${dev.code()}\n`);
    const r = await dev.sandbox.mfaEnv(['-p', 'dev', '-s', 'bash'], {
      env: { PATH: stub.path, WAYLAND_DISPLAY: 'wayland-0' },
    });
    assertOk(r, 'export through kdialog');
    assert.match(r.stdout, /^export AWS_SESSION_TOKEN=/m);
    assert.deepEqual(stub.argv('kdialog'), [
      '--title',
      'mfa-env',
      '--inputbox',
      `MFA code for ${device(dev)} (profile dev)`,
    ]);
  } finally {
    await dev.close();
  }
});

test('no desktop (no DISPLAY, no WAYLAND_DISPLAY), or a desktop with no dialog program: exit 2 as before, nothing shown or sent', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['zenity']);
    stub.answer(`${dev.code()}\n`);
    const noDesktop = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: stub.path, DISPLAY: undefined, WAYLAND_DISPLAY: undefined },
    });
    const noProgram = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: '/usr/bin:/bin', DISPLAY: ':0' },
    });
    for (const [r, hint] of [
      [
        noDesktop,
        'mfa-env: mint a session from a terminal once (mfa-env credential-process -p dev >/dev/null; tools then use it), or set mfa_process in [profile dev]',
      ],
      [
        noProgram,
        'mfa-env: mint a session from a terminal once (mfa-env credential-process -p dev >/dev/null; tools then use it), or set mfa_process in [profile dev]; or install zenity (or kdialog) for a desktop dialog',
      ],
    ] as const) {
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(lines(r.stderr), ['mfa-env: an MFA code is needed and there is no terminal to ask on', hint]);
    }
    assert.equal(stub.argv('zenity'), undefined);
    assert.equal(dev.emulator.count('GetSessionToken'), 0);
  } finally {
    await dev.close();
  }
});

test('Cancel in the dialog: exit 130, one line, nothing sent or cached', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['zenity']);
    stub.answer('', 1);
    const r = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: stub.path, DISPLAY: ':0' },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(lines(r.stderr), ['mfa-env: the MFA code dialog (zenity) was cancelled']);
    assert.equal(dev.emulator.count('GetSessionToken'), 0);
    // A dialog that breaks (no display to open: zenity exits 255) is not a cancel.
    stub.answer('', 255);
    const broken = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: stub.path, DISPLAY: ':0' },
    });
    assert.equal(broken.code, 2, broken.stderr);
    assert.deepEqual(lines(broken.stderr), [
      'mfa-env: the MFA code dialog (zenity) failed (exit 255)',
      'mfa-env: pass --code 123456, or set mfa_process in the profile',
    ]);
  } finally {
    await dev.close();
  }
});

test('an answer that is not 6 digits: exit 2, the answer not echoed, nothing sent', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['zenity']);
    stub.answer('12345x-typo\n');
    const r = await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev'], {
      env: { PATH: stub.path, DISPLAY: ':0' },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(lines(r.stderr), [
      'mfa-env: the MFA code must be exactly 6 digits',
      'mfa-env: read it from your authenticator app and try again',
    ]);
    assert.equal(dev.emulator.count('GetSessionToken'), 0);
  } finally {
    await dev.close();
  }
});

test('-c and mfa_process come before the dialog: it is not shown', async () => {
  const dev = await devProfile();
  try {
    const stub = stubDialogs(dev, ['zenity']);
    stub.answer('', 1);
    const env = { PATH: stub.path, DISPLAY: ':0' };
    assertOk(
      await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev', '-c', dev.code()], { env }),
      'with -c',
    );
    writeFileSync(
      dev.sandbox.configFile,
      `${readFileSync(dev.sandbox.configFile, 'utf8')}mfa_process = echo ${dev.code()}\n`,
    );
    assertOk(
      await dev.sandbox.mfaEnv(['credential-process', '--profile', 'dev', '--refresh'], { env }),
      'with mfa_process',
    );
    assert.equal(dev.emulator.count('GetSessionToken', 'ok'), 2);
    assert.equal(stub.argv('zenity'), undefined);
  } finally {
    await dev.close();
  }
});
