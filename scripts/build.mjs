// Bundles the CLI with esbuild: one file per binary plus lazily loaded chunks
// (the AWS SDK, prompts, execa, the STS emulator for `demo`) so the cached
// path loads only what it needs. The keyring's native addon stays external.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

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
