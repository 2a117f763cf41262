// src/os: the one /proc/PID/stat reader, pid check and PATH search that
// doctor, mfa-exec, mfa_process, the lock and the atomic writer share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, pathCandidates } from '../../src/os/path-search.js';
import { isPidAlive, readProcStat } from '../../src/os/processes.js';
import { onPath } from '../helpers/tools.js';

test('readProcStat: a program name with spaces and parentheses, its parent and process group', {
  skip: process.platform !== 'linux',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-os-'));
  const name = 'a) (b c';
  symlinkSync(onPath('sleep')[0]!, join(dir, name));
  const child = spawn(join(dir, name), ['30'], { stdio: 'ignore', detached: true });
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    const stat = readProcStat(child.pid!);
    assert.deepEqual(
      { comm: stat?.comm, ppid: stat?.ppid, pgrp: stat?.pgrp },
      { comm: name, ppid: process.pid, pgrp: child.pid },
    );
    assert.ok(stat!.tpgid <= 0, 'a new session has no controlling terminal');
    assert.equal(isPidAlive(child.pid!), true);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(readProcStat(child.pid!), undefined, 'gone');
  assert.equal(isPidAlive(child.pid!), false);
});

test('findOnPath: the first runnable file, as execvp looks; directories and non-executables are passed over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-os-'));
  try {
    const [a, b, c] = ['a', 'b', 'c'].map((d) => join(dir, d));
    for (const d of [a, b, c]) mkdirSync(d!);
    mkdirSync(join(a!, 'tool')); // a directory of that name
    writeFileSync(join(b!, 'tool'), '#!/bin/sh\n'); // not executable
    writeFileSync(join(c!, 'tool'), '#!/bin/sh\n');
    chmodSync(join(c!, 'tool'), 0o755);
    assert.equal(findOnPath('tool', { PATH: [a, b, c].join(':') }), join(c!, 'tool'));
    assert.equal(findOnPath('tool', { PATH: [a, b].join(':') }), undefined);
    assert.deepEqual(
      pathCandidates('tool', { PATH: `${a}::${b}` }),
      [join(a!, 'tool'), './tool', join(b!, 'tool')],
      'an empty entry is the current directory',
    );
    assert.deepEqual(pathCandidates('tool', {}), ['/bin/tool', '/usr/bin/tool'], 'no PATH: what execvp searches');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
