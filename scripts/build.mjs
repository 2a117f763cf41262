// Bundles the CLI with esbuild in two passes, flat in dist/:
//
//   hot   dist/mfa-env.js and dist/mfa-exec.js, each ONE self-contained
//         CommonJS file holding everything a run with a cached session
//         executes (the export and exec commands, the store, the profile
//         reader, the shells). Node's ES module loader costs about a
//         millisecond per file it resolves, reads and links, and a module
//         job per `import ... from 'node:...'`; split into shared ES chunks,
//         the cached path was ~17 files and spent more time loading them than
//         running. dist/package.json says "commonjs" so the names stay .js.
//   cold  everything else, code-split ES modules (.mjs) as usual: yargs, the
//         AWS SDK, prompts, the file store, the emulator for `demo`, the
//         keychain worker. The hot files reach it only through dynamic
//         imports of the fixed names in COLD below.
//
// A module both passes use exists once in each, so no code compares error
// classes across the boundary with instanceof (see isMfaEnvError). The
// keyring's native addon stays external in both.
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const src = (path) => resolve('src', path);

// Entry name → source: the cold pass's entry points, and the only files the
// hot pass may load lazily.
const COLD = {
  'yargs-cli': src('cli/yargs-cli.ts'),
  'exec-help': src('cli/exec-help.ts'),
  sts: src('aws/sts.ts'),
  'write-profile': src('commands/write-profile.ts'),
  ask: src('prompts/ask.ts'),
  'mfa-process': src('prompts/mfa-process.ts'),
  'file-store': src('store/file.ts'),
  // Run as a child process for keychain writes (src/store/keychain.ts).
  'keychain-worker': src('store/keychain-worker.ts'),
};
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
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.ps1': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
};

/** In the hot pass: a dynamic import is either bundled (HOT_INLINE) or a cold file by its fixed name. */
const coldBoundary = {
  name: 'cold-boundary',
  setup(b) {
    const coldBySource = new Map(Object.entries(COLD).map(([name, file]) => [file, name]));
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const file = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (HOT_INLINE.has(file)) return undefined;
      const name = coldBySource.get(file);
      if (name) return { path: `./${name}.mjs`, external: true };
      return { errors: [{ text: `${args.path} is loaded lazily from ${args.importer}: list it in COLD or HOT_INLINE in scripts/build.mjs` }] };
    });
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

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: COLD,
  format: 'esm',
  splitting: true,
  // The ES module builds of the AWS SDK packages: in their CommonJS builds
  // every `await import()` (the credential providers, the nested SSO/STS
  // clients of the default credential chain) is a plain require, so all of
  // it loaded with the first STS call, although the key is always passed in.
  mainFields: ['module', 'main'],
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
  entryPoints: { 'mfa-env': src('cli/mfa-env.ts'), 'mfa-exec': src('cli/mfa-exec.ts') },
  format: 'cjs',
  splitting: false,
  plugins: [coldBoundary, sdkReadFile],
  // The source is ES modules; the one thing CommonJS lacks is import.meta.url.
  define: { 'import.meta.url': '__mfaEnvImportMetaUrl' },
  banner: { js: "const __mfaEnvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
for (const bin of ['dist/mfa-env.js', 'dist/mfa-exec.js']) chmodSync(bin, 0o755);
