// Bundles the CLI with esbuild into dist/: one build, ES modules, code split.
//
// The entries are the two programs (dist/mfa-env.js, dist/mfa-exec.js) and
// the keychain's write worker (dist/keychain-worker.js, run as a child
// process by src/store/keychain.ts). Every dynamic import() in src/ starts a
// chunk that loads only when that line runs (yargs, the prompts, the AWS SDK,
// the file store, the demo's emulator); what several chunks share goes into a
// shared chunk. So each module exists once at run time, and instanceof, module
// state and identity work as written.
//
// Node's ES module loader costs about half a millisecond per file, and
// esbuild makes one shared chunk per set of importers: left alone, a cached
// export would load ~20 small chunks. So every bundled file imports
// src/cli/hot.ts (esbuild's inject), which names what a cached run executes:
// all of that lands in one chunk, and a cached export or exec loads two
// files, its entry and that chunk, and nothing of the SDK, yargs or prompts.
// The keyring's native addon stays external.
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Run under tsx (package.json): the launchers are quoted by the product's own helper.
import { posixQuote } from '../src/shells/posix.js';

const src = (path) => resolve('src', path);

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: {
    'mfa-env': src('cli/mfa-env.ts'),
    'mfa-exec': src('cli/mfa-exec.ts'),
    'keychain-worker': src('store/keychain-worker.ts'),
  },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  splitting: true,
  // Flat: keychain.ts, in whichever chunk, finds keychain-worker.js next to itself.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  target: 'node20.19',
  external: ['@napi-rs/keyring'],
  inject: [src('cli/hot.ts')],
  // The ES module builds of the AWS SDK packages: in their CommonJS builds
  // every `await import()` (the credential providers, the nested SSO/STS
  // clients of the default credential chain) is a plain require, so all of
  // it would load with the first STS call, although the key is always
  // passed in.
  mainFields: ['module', 'main'],
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.ps1': 'text' },
  banner: {
    // Some bundled CommonJS dependencies call require(), and keychain.ts
    // loads the native addon with it. process.getBuiltinModule, not an
    // import of node:module: no module job in every chunk.
    js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Which file holds which module: test/integration/build.test.ts reads it.
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
// The package is "type": "module"; this says so for a copy of dist/ alone.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
for (const bin of ['dist/mfa-env.js', 'dist/mfa-exec.js']) chmodSync(bin, 0o755);

/**
 * dist/mfa-env and dist/mfa-exec: what install.sh links onto PATH. Node 20
 * reads and parses the file NODE_EXTRA_CA_CERTS names before any JavaScript
 * runs (~80 ms for a distribution's CA bundle, ~20 ms for one certificate),
 * and mfa-env needs it only when it calls AWS. The launcher moves the
 * variable aside for Node's start; src/aws/extra-ca.ts puts it back and adds
 * the file to Node's default store for the AWS clients. The path of the .js
 * file is this checkout's, written in (following a symlink from $0 would cost
 * a readlink process, ~1.5 ms, on every run); run from a checkout that has
 * moved, it says so and how to mend it (exit 1: 127 is mfa-exec's for a
 * command not found), and install.sh refuses to link one built elsewhere. The .js files stay the package's bin
 * entries (npm on Windows cannot run a sh script), and the launchers stay out
 * of the package (package.json "files").
 */
const sh = posixQuote;
for (const name of ['mfa-env', 'mfa-exec']) {
  const file = `dist/${name}`;
  const script = sh(resolve(`dist/${name}.js`));
  writeFileSync(
    file,
    `#!/bin/sh
# ${name}'s launcher, written by scripts/build.mjs (why: see there).
if [ ! -f ${script} ]; then
    printf '%s\\n' ${sh(`${name}: ${resolve(`dist/${name}.js`)} is gone (checkout moved?): run npm run build, or ./install.sh, where it is now`)} >&2
    exit 1
fi
unset MFA_ENV_NODE_EXTRA_CA_CERTS
if [ -n "\${NODE_EXTRA_CA_CERTS-}" ]; then
    MFA_ENV_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
    export MFA_ENV_NODE_EXTRA_CA_CERTS
    unset NODE_EXTRA_CA_CERTS
fi
exec node ${script} "$@"
`,
  );
  chmodSync(file, 0o755);
}
