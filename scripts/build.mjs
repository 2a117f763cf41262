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
// The cached path (an export or mfa-exec with a session in the store) is
// what every shell start pays for, so it gets two things:
//
// - Two files. Node's ES module loader costs about half a millisecond per
//   file, and esbuild makes one shared chunk per set of importers: left
//   alone, a cached export would load ~20 small chunks. So every bundled file
//   imports src/cli/hot.ts (esbuild's inject), which names what a cached run
//   executes: all of that lands in one chunk, and a cached run loads its
//   entry and that chunk, and nothing of the SDK, yargs or prompts.
// - No ES module loader. Starting Node on an ES module costs ~15 M
//   instructions (~6 ms) more than on a CommonJS file, 10-20 % of a cached
//   run. So, after the build, the three entries and the hot chunk are
//   rewritten as CommonJS (esbuild's transform: the same code, the imports
//   and exports spelled require/module.exports); they are .js in dist/, whose
//   package.json says "commonjs", and the other chunks are .mjs. A chunk that
//   loads later (yargs, the SDK...) imports the hot chunk as an ES module
//   importing CommonJS: Node hands it the very module.exports the entry
//   require()d, so still one instance of each module.
//
// test/integration/build.test.ts checks all of this on dist/meta.json (the
// metafile, under the final names) and with strace. The keyring's native
// addon stays external.
import { build, transform } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Run under tsx (package.json): the launchers are quoted by the product's own helper.
import { posixQuote } from '../src/shells/posix.js';

const src = (path) => resolve('src', path);

// Some bundled CommonJS dependencies call require(), and keychain.ts loads
// the native addon with it. process.getBuiltinModule, not an import of
// node:module: no module job in every chunk.
const BANNER = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";

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
  outExtension: { '.js': '.mjs' },
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
  banner: { js: BANNER },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// The entries and the hot chunk become CommonJS (see the top). They may
// import only each other statically: a require() of an ES module would bring
// the loader back (and needs Node ≥ 20.19, 22.12).
const outputs = result.metafile.outputs;
const hotChunk = Object.keys(outputs).find((file) => Object.hasOwn(outputs[file].inputs, 'src/cli/hot.ts'));
const commonjs = new Set([hotChunk, 'dist/mfa-env.mjs', 'dist/mfa-exec.mjs', 'dist/keychain-worker.mjs']);
const renamed = (file) => (commonjs.has(file) ? file.replace(/\.mjs$/, '.js') : file);
const base = (file) => file.slice('dist/'.length);
for (const file of Object.keys(outputs)) {
  if (!file.endsWith('.mjs')) continue;
  for (const i of outputs[file].imports) {
    if (commonjs.has(file) && i.kind === 'import-statement' && !i.external && !commonjs.has(i.path)) {
      throw new Error(`${file} imports ${i.path} statically: a cached run would load it (list it in src/cli/hot.ts)`);
    }
  }
  let code = readFileSync(file, 'utf8');
  // The chunks name the hot chunk by its .mjs name.
  code = code.replaceAll(`"./${base(hotChunk)}"`, `"./${base(renamed(hotChunk))}"`);
  if (commonjs.has(file)) {
    if (!code.includes(`${BANNER}\n`)) throw new Error(`${file}: no banner`);
    const out = await transform(code.replace(`${BANNER}\n`, ''), {
      format: 'cjs',
      platform: 'node',
      target: 'node20.19',
      loader: 'js',
      supported: { 'dynamic-import': true },
      define: { 'import.meta.url': '__mfaEnvImportMetaUrl' },
      banner: "const __mfaEnvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
      legalComments: 'none',
    });
    rmSync(file);
    writeFileSync(renamed(file), out.code);
  } else {
    writeFileSync(file, code);
  }
}
// Which file holds which module, under the final names: test/integration/build.test.ts reads it.
const meta = { ...result.metafile, outputs: {} };
for (const [file, o] of Object.entries(outputs)) meta.outputs[renamed(file)] = { ...o, imports: o.imports.map((i) => ({ ...i, path: renamed(i.path) })) };
writeFileSync('dist/meta.json', JSON.stringify(meta));
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
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
