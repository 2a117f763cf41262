// Bundles the CLI with esbuild: one file per binary plus lazily loaded chunks
// (the AWS SDK, prompts, execa, the STS emulator for `demo`) so the cached
// path loads only what it needs. The keyring's native addon stays external.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The @smithy/core that @smithy/shared-ini-file-loader itself resolves to.
const require = createRequire(import.meta.url);
const smithyCore = dirname(
  createRequire(require.resolve('@smithy/shared-ini-file-loader')).resolve('@smithy/core/package.json'),
);

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    'mfa-env': 'src/cli/mfa-env.ts',
    'mfa-exec': 'src/cli/mfa-exec.ts',
    // Run as a child process for keychain writes (src/store/keychain.ts).
    'keychain-worker': 'src/store/keychain-worker.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: ['@napi-rs/keyring'],
  alias: {
    // src/config/profiles.ts reads the AWS files with the SDK's own loader.
    // The package is a CommonJS re-export of all of @smithy/core/config
    // (~137 KB with the client, schema and transport code it reaches), which
    // esbuild cannot tree-shake, so every cached run loaded it. This is the
    // one ES module that defines loadSharedConfigFiles: it reaches only the
    // INI parser and the file reader (~12 KB). If @smithy/core moves it,
    // the build fails here (no such export) instead of shipping something else.
    '@smithy/shared-ini-file-loader': join(smithyCore, 'dist-es/submodules/config/shared-ini-file-loader/loadSharedConfigFiles.js'),
  },
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.ps1': 'text' },
  // Flat: a chunk finds keychain-worker.js next to itself.
  chunkNames: '[name]-[hash]',
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __mfaEnvCreateRequire } from 'node:module'; const require = __mfaEnvCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
for (const bin of ['dist/mfa-env.js', 'dist/mfa-exec.js']) chmodSync(bin, 0o755);
