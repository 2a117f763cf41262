// The option tables (src/cli/options.ts) are the only place an option
// exists: every derived thing — the parser, --help, completion, and the
// generated parts of shell/* — must agree with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completions } from '../../src/cli/complete.js';
import { commandHelp, execHelp, flagLabel, mfaEnvHelp } from '../../src/cli/help.js';
import {
  COMMANDS,
  EXEC,
  optionsOf,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
} from '../../src/cli/options.js';
import { parseExec, parseMfaEnv } from '../../src/cli/parse.js';
import { appliedCommands, SHELL_FILES, valueFlags, withRegion } from '../../scripts/shell-lists.js';
import { ROOT } from '../helpers/cli.js';

const commands = Object.entries(COMMANDS) as [CommandName, CommandSpec][];
const sample = (o: OptionSpec) => o.choices?.[0] ?? 'x1';

test('the committed shell files hold exactly what the tables generate', () => {
  for (const file of Object.keys(SHELL_FILES)) {
    const text = readFileSync(join(ROOT, 'shell', file), 'utf8');
    assert.equal(
      withRegion(text, file),
      text,
      `shell/${file} disagrees with src/cli/options.ts: run npm run build and commit it`,
    );
  }
});

test('a flag takes a value in every command or in none, and a letter means one flag', () => {
  const seen = new Map<string, boolean>();
  const letters = new Map<string, string>();
  for (const table of [...commands.map(([, c]) => optionsOf(c)), optionsOf(EXEC)]) {
    for (const [name, o] of Object.entries(table)) {
      assert.equal(seen.get(name) ?? !!o.value, !!o.value, `--${name}`);
      seen.set(name, !!o.value);
      if (o.alias) {
        assert.equal(letters.get(o.alias) ?? name, name, `-${o.alias}`);
        letters.set(o.alias, name);
      }
    }
  }
});

test('every option of every command is parsed, in help and completed; nothing else is', async () => {
  for (const [command, spec] of commands) {
    const table = optionsOf(spec);
    const positionals = (spec.positionals ?? []).map((p) => p.choices[0]!);
    const help = command === 'export' ? commandHelp('export') : commandHelp(command);
    const offered = (await completions('mfa-env', [...(command === 'export' ? [] : [command]), '-'])).map(
      (c) => c.word,
    );
    for (const [name, o] of Object.entries(table)) {
      if (name === 'help' || name === 'version') continue;
      const argv = [
        command,
        ...positionals,
        ...(o.value ? [`--${name}`, sample(o)] : [o.on ? `--no-${name}` : `--${name}`]),
      ];
      // required options: give them too
      for (const [req, r] of Object.entries(spec.options))
        if (r.required && req !== name) argv.push(`--${req}`, sample(r));
      const parsed = parseMfaEnv(argv);
      if (name === 'debug') assert.equal(parsed.debug, true);
      else
        assert.equal(
          parsed.args[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())],
          o.value ? sample(o) : !o.on,
          `${command} --${name}`,
        );
      if (o.hidden) continue;
      assert.ok(help.includes(flagLabel(name, o)), `${command} --help shows ${flagLabel(name, o)}`);
      assert.ok(offered.includes(o.on ? `--no-${name}` : `--${name}`), `${command} -<TAB> offers --${name}`);
      if (o.alias) assert.ok(offered.includes(`-${o.alias}`), `${command} -<TAB> offers -${o.alias}`);
      if (o.value) assert.ok(valueFlags().includes(`--${name}`), `the shell wrappers know --${name} takes a value`);
      else assert.ok(!valueFlags().includes(`--${name}`), `the shell wrappers know --${name} takes no value`);
    }
    for (const word of offered)
      assert.ok(
        word === '-h' ||
          word === '--help' ||
          Object.entries(table).some(([n, o]) => word === `--${n}` || word === `--no-${n}` || word === `-${o.alias}`),
        `${command}: ${word} is in its table`,
      );
  }
  for (const [name, o] of Object.entries(optionsOf(EXEC))) {
    if (o.hidden) continue;
    assert.ok(execHelp().includes(flagLabel(name, o)), `mfa-exec --help shows --${name}`);
    assert.ok((await completions('mfa-exec', ['-'])).some((c) => c.word === (o.on ? `--no-${name}` : `--${name}`)));
    parseExec(o.value ? [`--${name}`, sample(o), 'ls'] : [`--${name}`, 'ls']);
  }
});

test('the commands the wrappers apply are the ones whose output is for eval', () => {
  assert.deepEqual(appliedCommands(), ['', ...commands.filter(([, c]) => 'evals' in c && c.evals).map(([n]) => n)]);
  const help = mfaEnvHelp();
  for (const [command] of commands) if (command !== 'export') assert.match(help, new RegExp(`^  ${command} `, 'm'));
});

// The generated functions, run by the shells themselves.
const shellCases = [
  ...valueFlags().map((f) => [f, true] as const),
  ['--refresh', false] as const,
  ['--json', false] as const,
  ['-x', false] as const,
];

for (const [shell, file, args] of [
  ['bash', 'mfa-env.bash', ['--norc', '--noprofile', '-c']],
  ['zsh', 'mfa-env.zsh', ['-f', '-c']],
  ['fish', 'mfa-env.fish', ['--no-config', '-c']],
] as const) {
  test(`${shell}: the wrapper's lists, run by ${shell}`, (t) => {
    if (spawnSync(shell, ['-c', 'true']).error) return t.skip(`${shell} is not installed`);
    const checks = shellCases
      .map(([flag]) => `__mfa_env_takes_value ${flag}; echo "${flag} $${shell === 'fish' ? 'status' : '?'}"`)
      .join('\n');
    const applies = ['', 'export', 'logout', 'status', 'setup']
      .map((w) => `__mfa_env_applies '${w}'; echo "apply:${w} $${shell === 'fish' ? 'status' : '?'}"`)
      .join('\n');
    const r = spawnSync(shell, [...args, `source ${join(ROOT, 'shell', file)}\n${checks}\n${applies}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: '/nonexistent' },
    });
    assert.equal(r.status, 0, r.stderr);
    for (const [flag, takes] of shellCases) assert.match(r.stdout, new RegExp(`^${flag} ${takes ? 0 : 1}$`, 'm'), flag);
    for (const w of ['', 'export', 'logout', 'status', 'setup']) {
      const expected = appliedCommands().includes(w) ? 0 : 1;
      assert.match(r.stdout, new RegExp(`^apply:${w} ${expected}$`, 'm'), `applies '${w}'`);
    }
  });
}
