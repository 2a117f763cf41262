import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/fs/atomic.js';
import { readWithIdentity } from '../../src/fs/file-identity.js';

test('with the identity of what was read, a file replaced since is not overwritten (ECHANGED), and no temp file stays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-atomic-'));
  try {
    const path = join(dir, 'config');
    writeFileSync(path, 'first\n');
    const read = readWithIdentity(path);
    writeFileAtomic(path, 'another writer\n'); // a new file renamed into place, as every writer does
    assert.throws(
      () => writeFileAtomic(path, 'stale copy\n', 0o600, read.identity),
      (err: NodeJS.ErrnoException) => err.code === 'ECHANGED',
    );
    assert.equal(readFileSync(path, 'utf8'), 'another writer\n');
    assert.deepEqual(readdirSync(dir), ['config']);

    const again = readWithIdentity(path);
    writeFileAtomic(path, 'based on the latest\n', 0o600, again.identity);
    assert.equal(readFileSync(path, 'utf8'), 'based on the latest\n');

    const absent = readWithIdentity(join(dir, 'new'));
    assert.equal(absent.identity, null);
    writeFileSync(join(dir, 'new'), 'created meanwhile\n');
    assert.throws(
      () => writeFileAtomic(join(dir, 'new'), 'x\n', 0o600, absent.identity),
      (err: NodeJS.ErrnoException) => err.code === 'ECHANGED',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
