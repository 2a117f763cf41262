// Bundles the CLI with esbuild into dist/: one build, code split, then each
// output file spelled as CommonJS.
//
// The entries are the two programs (dist/mfa-env.js, dist/mfa-exec.js) and
// the keychain's write worker (dist/keychain-worker.js, run as a child
// process by src/store/keychain.ts). Every dynamic import() in src/ starts a
// chunk that loads only when that line runs (yargs, the prompts, the AWS SDK,
// the file store, the demo's emulator); what several chunks share goes into a
// shared chunk. So each module exists once at run time, and instanceof,
// module state and identity work as written.
//
// The cached path (an export or mfa-exec with a session in the store) is
// what every shell start pays for, so:
//
// - It loads few files. esbuild makes one shared chunk per set of importers:
//   left alone, a cached export would load ~20 small chunks. So every module
//   of src/ imports src/cli/hot.ts (the hot-first plugin below), which names
//   what a cached run executes: all of that has the same importers and lands
//   in one chunk. A cached run loads its entry, that chunk and esbuild's
//   small chunk of helpers, and nothing of the SDK, yargs or prompts.
// - It starts no ES module loader. Code splitting is an ES module output, but
//   starting Node on an ES module costs ~15 M instructions (~6 ms) more than
//   on a CommonJS file (10-20 % of a cached run), and each ES module file
//   costs more than a CommonJS one. So after the build, every file is
//   rewritten as CommonJS with esbuild's transform: the same code, its
//   imports spelled require() and its import() a require() in a promise.
//
// test/integration/build.test.ts checks all of this on dist/meta.json (the
// metafile) and with strace. The keyring's native addon stays external.
import { build, transform } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Run under tsx (package.json): the launchers are quoted by the product's own helper.
import { posixQuote } from '../src/shells/posix.js';

const src = (path) => resolve('src', path);

/** Every module of src/ imports src/cli/hot.ts (see the top). Not node_modules: it would defeat their tree shaking. */
const hotFirst = {
  name: 'hot-first',
  setup(b) {
    const hot = src('cli/hot.ts');
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(src('')) || args.path === hot) return undefined;
      // At the end: a module's own imports keep their order, and a #! line its place.
      return { contents: `${readFileSync(args.path, 'utf8')}\nimport ${JSON.stringify(hot)};\n`, loader: 'ts' };
    });
  },
};

/**
 * The AWS SDK's lazy imports of other packages (the default credential
 * chain: SSO, INI, process, web identity, container and instance metadata)
 * stay lazy and out of dist/: they are never reached, since mfa-env always
 * passes the key in (if they were, they would load from node_modules).
 * Bundled, they share @smithy/core's index modules with the STS client, and
 * what they use would join the chunks a mint loads (~200 KB more).
 */
const sdkLazyPackages = {
  name: 'sdk-lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^[^.]/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer.includes('/node_modules/') && !args.path.startsWith('node:')
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

// The flag lists and fish completions in shell/*, from the option tables
// (scripts/shell-lists.ts), before the shell files are embedded below.
const { writeShellLists } = await import('./shell-lists.ts');
for (const file of writeShellLists(resolve('.')))
  console.log(`build: ${file}: generated lists rewritten from src/cli/options.ts (commit it)`);

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
  // The ES module builds of the AWS SDK packages: in their CommonJS builds
  // every `await import()` (the credential providers, the nested SSO/STS
  // clients of the default credential chain) is a plain require, so all of
  // it would load with the first STS call, although the key is always
  // passed in.
  mainFields: ['module', 'main'],
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.ps1': 'text' },
  plugins: [hotFirst, sdkLazyPackages],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Every file becomes CommonJS (see the top). A file with top-level await
// cannot: the transform fails, and so does the build.
for (const file of Object.keys(result.metafile.outputs)) {
  const code = readFileSync(file, 'utf8');
  const url = code.includes('import.meta.url');
  const out = await transform(code, {
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    loader: 'js',
    supported: { 'dynamic-import': false },
    ...(url && {
      define: { 'import.meta.url': '__mfaEnvImportMetaUrl' },
      banner: "const __mfaEnvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
    }),
    legalComments: 'none',
  });
  writeFileSync(file, out.code);
}
// Which file holds which module: test/integration/build.test.ts reads it.
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');

// dist/shell/: the integration as files, byte for byte what `mfa-env init`
// prints (esbuild embeds the same files above). install.sh's rc blocks source
// these, so opening a terminal starts no Node process; an npm install ships
// them too (package.json "files"), next to the bundle they belong with.
mkdirSync('dist/shell');
for (const ext of ['bash', 'zsh', 'fish', 'ps1']) copyFileSync(`shell/mfa-env.${ext}`, `dist/shell/mfa-env.${ext}`);
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
# No core dump of a process that holds the long-term key and sessions (Node
# has no setrlimit; a shell builtin costs nothing measurable). Soft limit only:
# mfa-exec's command inherits it and may raise it again.
ulimit -S -c 0 2>/dev/null
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
