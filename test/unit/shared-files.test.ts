// src/config/shared-files.ts reads the AWS files by the rules of the AWS SDK
// for JavaScript's own loader: the same answers for the same text, checked
// here against that loader (a dev dependency; the product does not load it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { readSharedFiles } from '../../src/config/shared-files.js';

const CASES: Record<string, { config: string; credentials: string }> = {
  'profiles, default, comments': {
    config:
      '[default]\nregion = eu-west-1 # trailing\n; a comment\n# another\n[profile dev]\nmfa_serial=arn:aws:iam::1:mfa/dev\nregion=us-east-1;not a comment\n',
    credentials:
      '[default]\naws_access_key_id = AKIA1\n[dev]\naws_access_key_id = AKIA2\naws_secret_access_key = s#cret\n',
  },
  '[profile default] wins over [default]; unprefixed sections are not profiles in config': {
    config:
      '[default]\nregion = a\n[profile default]\nregion = b\n[dev]\nregion = c\n[sso-session corp]\nsso_region = d\n[services s3]\ns3 =\n  endpoint_url = http://x\n',
    credentials: '[profile dev]\naws_access_key_id = AKIA3\n',
  },
  'sub-sections, indentation, CRLF, odd lines': {
    config:
      '[profile a]\r\ns3 =\r\n  max_concurrent_requests = 20\r\n  addressing_style = path\r\nregion = x\r\n=novalue\r\njunk line\r\nkey with spaces = v a l\r\n',
    credentials: '[a]\n  aws_access_key_id   =   AKIA4  \naws_session_token=\n  nested = 1\n',
  },
  'quoted and unknown prefixes, empty sections, odd names': {
    config:
      '[profile "q.name"]\nregion = q\n[profile \'single\']\nregion = s\n[weird thing]\nregion = w\n[profile empty]\n[profile toString]\nregion = t\n[profile a b c]\nregion = abc\n',
    credentials: '[empty]\n[Dev]\naws_access_key_id = AKIA5\n',
  },
  'a __proto__ section makes the file count as empty': {
    config: '[profile ok]\nregion = r\n[profile __proto__]\nregion = p\n',
    credentials: '[__proto__]\naws_access_key_id = AKIA6\n',
  },
};

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

for (const [name, files] of Object.entries(CASES)) {
  test(`reads as the SDK does: ${name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-env-shared-files-'));
    try {
      const config = join(dir, 'config');
      const credentials = join(dir, 'credentials');
      writeFileSync(config, files.config);
      writeFileSync(credentials, files.credentials);
      const sdk = await loadSharedConfigFiles({ filepath: credentials, configFilepath: config, ignoreCache: true });
      const ours = readSharedFiles(credentials, config);
      assert.deepEqual(plain(ours), plain(sdk));
      assert.ok(
        Object.keys(ours.configFile).length + Object.keys(ours.credentialsFile).length > 0 ||
          name.includes('__proto__'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('where the SDK loses a section named after an Object.prototype member (its map is a plain {}), it is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-shared-files-'));
  try {
    writeFileSync(
      join(dir, 'credentials'),
      '[constructor]\naws_access_key_id = AKIA7\n[toString]\naws_access_key_id = AKIA8\n',
    );
    const { credentialsFile } = readSharedFiles(join(dir, 'credentials'), join(dir, 'config'));
    assert.deepEqual(plain(credentialsFile), {
      constructor: { aws_access_key_id: 'AKIA7' },
      toString: { aws_access_key_id: 'AKIA8' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing files read as empty, as for the SDK', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-shared-files-'));
  try {
    const sdk = await loadSharedConfigFiles({
      filepath: join(dir, 'nope'),
      configFilepath: join(dir, 'nope2'),
      ignoreCache: true,
    });
    assert.deepEqual(plain(readSharedFiles(join(dir, 'nope'), join(dir, 'nope2'))), plain(sdk));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
