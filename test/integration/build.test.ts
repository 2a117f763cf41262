// The build (scripts/build.mjs): each module exists once in dist/, and a run
// with a cached session loads its entry and the hot chunk (and esbuild's
// helpers), CommonJS, none of the AWS SDK, yargs or prompts. What esbuild put where is
// in dist/meta.json; what a run opens is seen with strace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MFA_ENV, MFA_EXEC, ROOT, runCommand } from '../helpers/cli.js';
import { requireTool } from '../helpers/require-tool.js';
import { seedProfile, type Seeded } from '../helpers/seed.js';

interface Meta {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, { bytesInOutput: number }>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}
const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'meta.json'), 'utf8')) as Meta;

/** The files of dist/ that loading `file` loads before any of its code runs: it and its static imports, transitively. */
function staticClosure(file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const i of meta.outputs[file]?.imports ?? [])
    if (i.kind === 'import-statement' && !i.external) staticClosure(i.path, into);
  return into;
}
const outputOf = (entryPoint: string) => Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entryPoint)![0];
/** The shared chunk of what a cached run executes (src/cli/hot.ts, which itself has no code): the one with the export command. */
const hotChunk = Object.keys(meta.outputs).find((f) =>
  Object.hasOwn(meta.outputs[f]!.inputs, 'src/commands/export.ts'),
)!;
const modulesIn = (files: Set<string>) => [...files].flatMap((f) => Object.keys(meta.outputs[f]!.inputs));

test('each module is in exactly one file of dist/', () => {
  const where = new Map<string, string[]>();
  for (const [file, o] of Object.entries(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs))
      if (bytesInOutput > 0) where.set(input, [...(where.get(input) ?? []), file]);
  }
  const twice = [...where].filter(([, files]) => files.length > 1);
  assert.deepEqual(twice, []);
  assert.ok(where.has('src/errors.ts') && where.has('src/store/index.ts'), 'the metafile lists the modules');
});

for (const [program, entry] of [
  ['mfa-env', 'src/cli/mfa-env.ts'],
  ['mfa-exec', 'src/cli/mfa-exec.ts'],
] as const) {
  test(`${program} loads its entry, the hot chunk and esbuild's helpers before its code runs: CommonJS, none of the AWS SDK, yargs or prompts`, () => {
    const files = staticClosure(outputOf(entry));
    const withModules = [...files].filter((f) => Object.keys(meta.outputs[f]!.inputs).length > 0);
    assert.deepEqual(withModules.sort(), [outputOf(entry), hotChunk].sort(), [...files].join(' '));
    assert.ok(files.size <= 3, [...files].join(' '));
    const heavy = modulesIn(files).filter((m) => /node_modules\/(@aws-sdk|@smithy|yargs|prompts)\//.test(m));
    assert.deepEqual(heavy, []);
    for (const file of files) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      assert.doesNotMatch(
        code,
        /^\s*(import|export)\s[^(]/m,
        `${file} is not CommonJS: Node would start its ES module loader`,
      );
      // mfa-exec runs a child; a cached export must not pay to load node:child_process (~14 M instructions).
      if (program === 'mfa-env')
        assert.doesNotMatch(
          code,
          /^var \w+ = (__toESM\()?require\("node:child_process"\)/m,
          `${file} loads node:child_process`,
        );
    }
  });
}

let dir: string;
let seeded: Seeded;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-env-build-'));
  seeded = await seedProfile({ dir, profile: 'dev' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The files under the checkout that a run of `argv` opens, relative to it. */
async function filesOpened(argv: string[]): Promise<string[]> {
  const trace = join(dir, `trace-${Date.now()}`);
  const r = await runCommand(
    'strace',
    ['-f', '-qq', '-e', 'trace=openat', '-e', 'status=successful', '-o', trace, process.execPath, ...argv],
    {
      PATH: process.env.PATH,
      HOME: dir,
      ...seeded.env,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const opened = [...readFileSync(trace, 'utf8').matchAll(/openat\([^"]*"([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(opened.filter((p) => p.startsWith(ROOT + '/')).map((p) => relative(ROOT, p)))].sort();
}

test(
  'a cached export and a cached mfa-exec open their entry, the shared chunk and the file store: no other code',
  requireTool('strace'),
  async () => {
    // The encrypted file store is loaded lazily (its chunk): the keychain store's users never load it.
    const fileStore = staticClosure(outputOf('src/store/file.ts'));
    for (const [argv, entry] of [
      [[MFA_ENV, '-p', 'dev', '-s', 'bash'], 'src/cli/mfa-env.ts'],
      [[MFA_EXEC, '-p', 'dev', '--', 'true'], 'src/cli/mfa-exec.ts'],
    ] as const) {
      const expected = new Set([...staticClosure(outputOf(entry)), ...fileStore]);
      const code = (await filesOpened([...argv])).filter((p) => !p.startsWith('dist/') || p.endsWith('.js'));
      assert.deepEqual(
        code.filter((p) => !p.startsWith('dist/')),
        [],
        'nothing from node_modules or src',
      );
      assert.deepEqual(code, [...expected].sort());
    }
  },
);
