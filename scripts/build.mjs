// Bundles the CLI with esbuild, flat in dist/, in three passes:
//
//   hot   dist/mfa-env.js and dist/mfa-exec.js, each ONE self-contained
//         CommonJS file holding everything a run with a cached session
//         executes (the export and exec commands, the store, the profile
//         reader, the shells). Node's ES module loader costs about a
//         millisecond per file it resolves, reads and links, and a module
//         job per `import ... from 'node:...'`; split into shared ES chunks,
//         the cached path was ~17 files and spent more time loading them than
//         running. dist/package.json says "commonjs" so the names stay .js.
//   sts   dist/sts.cjs: the STS call (the AWS SDK), one CommonJS file that the
//         hot files require() when a session must be minted: no ES module
//         loader on that path either.
//   cold  everything else, code-split ES modules (.mjs) as usual: yargs, IAM,
//         prompts, the file store, the emulator for `demo`, the keychain
//         worker. The hot files reach it only through dynamic imports of the
//         fixed names in COLD below.
//
// A module that several passes use exists once in each, so no code compares
// error classes across them with instanceof (see isMfaEnvError). The
// keyring's native addon stays external everywhere.
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const src = (path) => resolve('src', path);

// Entry name → source: the cold pass's entry points, and files the hot pass
// may load lazily with import().
const COLD = {
  'yargs-cli': src('cli/yargs-cli.ts'),
  'exec-help': src('cli/exec-help.ts'),
  'write-profile': src('commands/write-profile.ts'),
  ask: src('prompts/ask.ts'),
  'mfa-process': src('prompts/mfa-process.ts'),
  dialog: src('prompts/dialog.ts'),
  'file-store': src('store/file.ts'),
  // Run as a child process for keychain writes (src/store/keychain.ts).
  'keychain-worker': src('store/keychain-worker.ts'),
};
// Name → source: the files the hot pass loads lazily with require().
const CJS = { sts: src('aws/sts.ts') };
// Dynamic imports the hot pass bundles into the file itself: the commands the
// two binaries run without yargs.
const HOT_INLINE = new Set([src('commands/export.ts'), src('commands/exec.ts')]);

// The @smithy/core that @smithy/shared-ini-file-loader itself resolves to.
const require = createRequire(import.meta.url);
const smithyCore = dirname(
  createRequire(require.resolve('@smithy/shared-ini-file-loader')).resolve('@smithy/core/package.json'),
);

const common = {
  outdir: 'dist',
  bundle: true,
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
  // The ES module builds of the AWS SDK packages: in their CommonJS builds
  // every `await import()` (the credential providers, the nested SSO/STS
  // clients of the default credential chain) is a plain require, so all of
  // it loaded with the first STS call, although the key is always passed in.
  mainFields: ['module', 'main'],
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.ps1': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
};

// CommonJS output from ES module source: the one thing missing is import.meta.url.
const commonjs = {
  format: 'cjs',
  splitting: false,
  define: { 'import.meta.url': '__mfaEnvImportMetaUrl' },
  banner: { js: "const __mfaEnvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * In the hot pass: a dynamic import is bundled (HOT_INLINE), or a cold file
 * by its fixed name, or a CJS file, which is require()d: a one-line module
 * `module.exports = require('./sts.cjs')` stands in for it.
 */
const lazyBoundary = {
  name: 'lazy-boundary',
  setup(b) {
    const bySource = (names) => new Map(Object.entries(names).map(([name, file]) => [file, name]));
    const cold = bySource(COLD);
    const cjs = bySource(CJS);
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === 'require-cjs') return { path: args.path, external: true };
      if (args.kind !== 'dynamic-import') return undefined;
      const file = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (HOT_INLINE.has(file)) return undefined;
      if (cold.has(file)) return { path: `./${cold.get(file)}.mjs`, external: true };
      if (cjs.has(file)) return { path: `./${cjs.get(file)}.cjs`, namespace: 'require-cjs' };
      return { errors: [{ text: `${args.path} is loaded lazily from ${args.importer}: list it in COLD, CJS or HOT_INLINE in scripts/build.mjs` }] };
    });
    b.onLoad({ filter: /.*/, namespace: 'require-cjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js', resolveDir: '.' }));
  },
};

/**
 * In the hot pass: the SDK's profile loader reads the files through
 * src/config/sdk-read-file.ts, not node:fs/promises (see there).
 */
const sdkReadFile = {
  name: 'sdk-read-file',
  setup(b) {
    b.onResolve({ filter: /^node:fs\/promises$/ }, (args) =>
      args.importer === join(smithyCore, 'dist-es/submodules/config/shared-ini-file-loader/readFile.js') ? { path: src('config/sdk-read-file.ts') } : undefined,
    );
  },
};

/**
 * In the sts pass: the SDK's lazy imports of packages (the default credential
 * chain: SSO, INI, process, web identity, container and instance metadata)
 * stay lazy. They are never reached, since the key is always passed in; if
 * they were, they would load from node_modules. With no ES module output,
 * every dynamic import becomes a require, built-ins included.
 */
const sdkLazyPackages = {
  name: 'sdk-lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^[^.]/ }, (args) =>
      args.kind === 'dynamic-import' && !args.path.startsWith('node:') ? { path: args.path, external: true } : undefined,
    );
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: COLD,
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  // Flat: a chunk finds keychain-worker.mjs next to itself.
  chunkNames: '[name]-[hash]',
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __mfaEnvCreateRequire } from 'node:module'; const require = __mfaEnvCreateRequire(import.meta.url);",
  },
});
await build({
  ...common,
  ...commonjs,
  entryPoints: CJS,
  outExtension: { '.js': '.cjs' },
  supported: { 'dynamic-import': false },
  plugins: [sdkLazyPackages],
});
await build({
  ...common,
  ...commonjs,
  entryPoints: { 'mfa-env': src('cli/mfa-env.ts'), 'mfa-exec': src('cli/mfa-exec.ts') },
  plugins: [lazyBoundary, sdkReadFile],
});
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
const sh = (s) => `'${s.replaceAll("'", `'\\''`)}'`;
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
