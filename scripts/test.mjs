// Runs the unit and integration tests with Node's own test runner.
//
//   node scripts/test.mjs                         all tests
//   node scripts/test.mjs lock store              only files whose path contains "lock" or "store"
//   node scripts/test.mjs --test-name-pattern=tap  extra flags go to `node --test`
//
// Humans read the spec reporter on stdout; CI reads the TAP summary lines
// (`# tests N`, `# pass N`, `# fail N`, ...) printed at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const suites = ['test/unit', 'test/integration'];

function findTests(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name))
    .sort();
}

const args = process.argv.slice(2);
const nodeFlags = args.filter((a) => a.startsWith('-'));
const filters = args.filter((a) => !a.startsWith('-'));

let files = suites.flatMap(findTests);
if (filters.length > 0) {
  files = files.filter((f) => filters.some((want) => f.includes(want) || resolve(want) === join(root, f)));
  if (files.length === 0) {
    console.error(`test: no test file matches ${filters.join(' ')} (looked in ${suites.join(', ')})`);
    process.exit(2);
  }
}
if (files.length === 0) {
  console.error(`test: no *.test.ts files under ${suites.join(', ')}`);
  process.exit(1);
}

// Integration tests spawn shells, a D-Bus daemon and a keyring each; more
// parallel files than cores only makes their timing assertions flaky.
const concurrency = Number(process.env.TEST_CONCURRENCY) || Math.max(1, availableParallelism());

const tapDir = mkdtempSync(join(tmpdir(), 'mfa-env-test-'));
const tapFile = join(tapDir, 'report.tap');

const env = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // A test that forgets to start its own Secret Service must not write into
  // the developer's real keyring: point the default bus at nothing.
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mfa-env-test-no-bus',
};

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    // A guard against hangs, not a speed target: with process isolation it
    // also bounds a whole file, and the hostile-values file runs 600 CLIs.
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeFlags,
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig));
}

child.on('exit', (code, signal) => {
  const summary = readSummary();
  rmSync(tapDir, { recursive: true, force: true });
  if (summary.length > 0) {
    console.log('');
    for (const line of summary) console.log(line);
  }
  if (signal) {
    console.error(`test: the test runner was killed by ${signal}`);
    process.exit(128 + (constants.signals[signal] ?? 15));
  }
  process.exit(code ?? 1);
});

/** The closing `# name N` block of the TAP report (earlier `# ...` lines are diagnostics). */
function readSummary() {
  let text;
  try {
    text = readFileSync(tapFile, 'utf8');
  } catch {
    return [];
  }
  const lines = text.trimEnd().split('\n');
  const summary = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (!/^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/.test(line)) break;
    summary.unshift(line);
  }
  return summary;
}
