// The prompt segment: the exact text for each state, its colours, and that
// rendering it starts no process in bash and zsh (nor in fish on Linux).
import { describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, run, shellFile, shq, tempDir, toolTest } from './shell-helpers.js';
import type { Shell } from './shell-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));
const basePath = process.env.PATH ?? '/usr/bin:/bin';

interface Case {
  name: string;
  profile?: string;
  /** Seconds from now to MFA_ENV_EXPIRES; undefined leaves it unset. */
  offset?: number;
  text: string;
  color?: 'yellow' | 'red';
}

// Offsets sit mid-minute so a second or two of test time changes nothing.
const cases: Case[] = [
  { name: '45 minutes left', profile: 'dev', offset: 45 * 60 + 30, text: 'aws:dev 45m' },
  { name: '5 minutes left', profile: 'dev', offset: 5 * 60 + 30, text: 'aws:dev 5m', color: 'yellow' },
  { name: 'under a minute left', profile: 'dev', offset: 30, text: 'aws:dev <1m', color: 'yellow' },
  { name: 'expired', profile: 'dev', offset: -5, text: 'aws:dev expired', color: 'red' },
  { name: '1h05m left', profile: 'dev', offset: 65 * 60 + 30, text: 'aws:dev 1h05m' },
  { name: '12 hours left', profile: 'prod', offset: 12 * 3600 + 30, text: 'aws:prod 12h00m' },
  { name: 'no session', text: '' },
  { name: 'profile but no expiry', profile: 'dev', text: '' },
  { name: 'expiry but no profile', offset: 600, text: '' },
  { name: 'an expiry that is not a number', profile: 'dev', offset: Number.NaN, text: '' },
];

const SEP = '\x1e';

/**
 * A script printing, for every case, the plain text, the --color text and
 * the segment the automatic placement uses, each followed by SEP.
 */
function promptScript(shell: Shell): string {
  const lines: string[] = [];
  if (shell === 'fish') {
    lines.push(`source ${shq(shellFile('fish'))}`, 'set -g now (date +%s)');
    for (const c of cases) {
      lines.push(c.profile === undefined ? 'set -e MFA_ENV_PROFILE' : `set -gx MFA_ENV_PROFILE ${c.profile}`);
      if (c.offset === undefined) lines.push('set -e MFA_ENV_EXPIRES');
      else if (Number.isNaN(c.offset)) lines.push(`set -gx MFA_ENV_EXPIRES '1+$now'`);
      else lines.push(`set -gx MFA_ENV_EXPIRES (math $now + ${c.offset})`);
      // fish_right_prompt is the wrapper MFA_ENV_PROMPT=1 installs.
      // A (...) that prints nothing is an empty list: go through variables.
      lines.push('set -l a (mfa_env_prompt); set -l b (mfa_env_prompt --color); set -l c (fish_right_prompt)');
      lines.push(`printf '%s\\x1e' "$a" "$b" "$c"`);
    }
    return lines.join('\n');
  }
  lines.push(`source ${shq(shellFile(shell))}`, 'now=$EPOCHSECONDS');
  for (const c of cases) {
    lines.push(c.profile === undefined ? 'unset MFA_ENV_PROFILE' : `export MFA_ENV_PROFILE=${c.profile}`);
    if (c.offset === undefined) lines.push('unset MFA_ENV_EXPIRES');
    else if (Number.isNaN(c.offset)) lines.push(`export MFA_ENV_EXPIRES='1+now'`);
    else lines.push(`export MFA_ENV_EXPIRES=$((now + ${c.offset}))`);
    // What the prompt hook leaves for the prompt: bash PS1 expands the
    // variable; zsh gets the segment in RPROMPT.
    const placed = shell === 'bash' ? '"$__mfa_env_prompt_segment"' : '"$RPROMPT"';
    lines.push(`__mfa_env_prompt_hook; printf '%s\\x1e' "$(mfa_env_prompt)" "$(mfa_env_prompt --color)" ${placed}`);
  }
  return lines.join('\n');
}

function renderAll(shell: Shell, noColor: boolean): string[][] {
  const env: NodeJS.ProcessEnv = { PATH: basePath, TERM: 'xterm', HOME: '/nonexistent', MFA_ENV_PROMPT: '1' };
  if (noColor) env.NO_COLOR = '1';
  const argv = { bash: ['--noprofile', '--norc', '-c'], zsh: ['-f', '-c'], fish: ['--no-config', '-c'] }[shell];
  const r = run(shell, [...argv, promptScript(shell)], env);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const fields = r.stdout.split(SEP);
  assert.equal(fields.pop(), '');
  assert.equal(fields.length, cases.length * 3);
  return cases.map((_, i) => fields.slice(i * 3, i * 3 + 3));
}

const ESC = '\x1b';
const sgr = { yellow: '33', red: '31' } as const;

// How each shell colours text for its prompt.
const colored: Record<Shell, (text: string, color: 'yellow' | 'red') => string> = {
  // \001 \002 are what PS1's \[ \] become: readline skips them when measuring.
  bash: (text, color) => `\x01${ESC}[${sgr[color]}m\x02${text}\x01${ESC}[0m\x02`,
  zsh: (text, color) => `%F{${color}}${text}%f`,
  // set_color: the colour, then `set_color normal` (terminfo's sgr0).
  fish: (text, color) => `${ESC}[${sgr[color]}m${text}${ESC}(B${ESC}[m`,
};

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  describe(`mfa_env_prompt in ${shell}`, () => {
    toolTest(`${shell}: the plain text with NO_COLOR=1`, [shell], () => {
      const rendered = renderAll(shell, true);
      cases.forEach((c, i) => {
        const [plain, color, placed] = rendered[i] ?? [];
        assert.equal(plain, c.text, c.name);
        assert.equal(color, c.text, `${c.name}: --color adds nothing under NO_COLOR`);
        const expectedPlaced = shell === 'bash' && c.text ? `${c.text} ` : c.text;
        assert.equal(placed, expectedPlaced, `${c.name}: the prompt segment`);
      });
    });

    toolTest(`${shell}: yellow under 10 minutes, red when expired, otherwise plain`, [shell], () => {
      const rendered = renderAll(shell, false);
      cases.forEach((c, i) => {
        const [plain, color, placed] = rendered[i] ?? [];
        assert.equal(plain, c.text, `${c.name}: mfa_env_prompt without --color stays plain`);
        const expected = c.color ? colored[shell](c.text, c.color) : c.text;
        assert.equal(color, expected, `${c.name}: --color`);
        const expectedPlaced = shell === 'bash' && expected ? `${expected} ` : expected;
        assert.equal(placed, expectedPlaced, `${c.name}: the prompt segment`);
      });
    });
  });
}

toolTest('zsh: the colour escapes are real prompt escapes', ['zsh'], () => {
  const script = `source ${shq(shellFile('zsh'))}
MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$((EPOCHSECONDS + 330)) __mfa_env_prompt_hook
print -rnP -- "$RPROMPT"`;
  const r = run('zsh', ['-f', '-c', script], { PATH: basePath, TERM: 'xterm' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${ESC}[33maws:dev 5m${ESC}[39m`);
});

// Many rc files run with `set -u` (nounset): loading the integration and
// every render must still work, with and without a session, and with no
// PROMPT_COMMAND set before (bash) — it used to fail with "unbound variable".
for (const shell of ['bash', 'zsh'] as const) {
  toolTest(`${shell}: set -u, no PROMPT_COMMAND: it loads, places the hook, and renders`, [shell], () => {
    const hooks = shell === 'bash' ? 'printf "%s" "$PROMPT_COMMAND"' : 'print -rn -- "${precmd_functions[*]}"';
    const script = `set -u
export MFA_ENV_PROMPT=1
source ${shq(shellFile(shell))}
${hooks} >&2; echo >&2
export MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$((EPOCHSECONDS + 2730))
__mfa_env_prompt_hook; mfa_env_prompt; echo
unset MFA_ENV_PROFILE MFA_ENV_EXPIRES
__mfa_env_prompt_hook; mfa_env_prompt; echo end`;
    const env = { PATH: basePath, TERM: 'dumb' };
    const r =
      shell === 'bash'
        ? run('bash', ['--noprofile', '--norc', '-c', script], env)
        : run('zsh', ['-f', '-c', script], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '__mfa_env_prompt_hook\n', 'no "unbound variable", and the hook is placed');
    assert.equal(r.stdout, 'aws:dev 45m\nend\n');
  });
}

// The hook reuses the segment until the minute shown would change: it must
// still change right at that second.
for (const shell of ['bash', 'zsh'] as const) {
  toolTest(`${shell}: the reused segment still follows the clock`, [shell], () => {
    const placed = shell === 'bash' ? '"$__mfa_env_prompt_segment"' : '"$RPROMPT"';
    const script = `source ${shq(shellFile(shell))}
export MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$((EPOCHSECONDS + 61))
__mfa_env_prompt_hook; printf '%s\\x1e' ${placed}
__mfa_env_prompt_hook; printf '%s\\x1e' ${placed}
sleep 2.2
__mfa_env_prompt_hook; printf '%s\\x1e' ${placed}
export MFA_ENV_PROFILE=prod
__mfa_env_prompt_hook; printf '%s\\x1e' ${placed}`;
    const r = run(shell, [shell === 'bash' ? '--norc' : '-f', '-c', script], {
      PATH: basePath,
      TERM: 'xterm',
      NO_COLOR: '1',
    });
    assert.equal(r.status, 0, r.stderr);
    const [first, again, later, other] = r.stdout.split(SEP);
    const gap = shell === 'bash' ? ' ' : '';
    assert.equal(first, `aws:dev 1m${gap}`);
    assert.equal(again, `aws:dev 1m${gap}`);
    assert.equal(later, `aws:dev <1m${gap}`, 'two seconds later, under a minute is left');
    assert.equal(other, `aws:prod <1m${gap}`, 'another profile is shown at once');
  });
}

toolTest('a hostile profile name cannot inject into the prompt', ['bash', 'zsh', 'fish'], () => {
  const hostile = 'x$(touch pwned)`id`\\%F{red}!';
  const expected = 'aws:x?(touch pwned)?id???F{red}? 5m';
  for (const shell of ['bash', 'zsh'] as const) {
    const script = `source ${shq(shellFile(shell))}; MFA_ENV_EXPIRES=$((EPOCHSECONDS + 330)); mfa_env_prompt`;
    const r = run(shell, [shell === 'bash' ? '--norc' : '-f', '-c', script], {
      PATH: basePath,
      MFA_ENV_PROFILE: hostile,
    });
    assert.equal(r.stdout, expected, shell);
  }
  const r = run(
    'fish',
    [
      '--no-config',
      '-c',
      `source ${shq(shellFile('fish'))}; set -gx MFA_ENV_EXPIRES (math (date +%s) + 330); mfa_env_prompt`,
    ],
    {
      PATH: basePath,
      MFA_ENV_PROFILE: hostile,
    },
  );
  assert.equal(r.stdout, expected, 'fish');
});

// Counting processes: strace records every execve/clone/fork of the shell
// and its children. Each script runs the same 1000-iteration loop, once with
// an empty body and once rendering the prompt; both source the file, so any
// difference is the rendering itself. Threads (clone with CLONE_THREAD; fish
// has a few) are not processes and are left out.
const traced = ['execve', 'clone', 'clone3', 'fork', 'vfork'];
const callLine = new RegExp(`^\\d+ +(${traced.join('|')})\\(`);

/** The process-creating calls, pids removed. */
function processCalls(shell: Shell, script: string): string[] {
  const dir = tempDir('strace');
  dirs.push(dir);
  const out = join(dir, 'trace');
  const argv = { bash: ['--noprofile', '--norc', '-c'], zsh: ['-f', '-c'], fish: ['--no-config', '-c'] }[shell];
  const r = run('strace', ['-f', '-e', `trace=${traced.join(',')}`, '-o', out, shell, ...argv, script], {
    PATH: basePath,
    TERM: 'xterm',
    HOME: dir,
  });
  assert.equal(r.status, 0, `strace ${shell}: ${r.stdout}${r.stderr}`);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => callLine.test(line) && !line.includes('CLONE_THREAD'))
    .map((line) => line.replace(/^\d+ +/, '').replace(/ = \d+$/, ''));
}

function assertSameProcesses(shell: Shell, rendering: string[], baseline: string[]): void {
  const extra = rendering.length - baseline.length;
  assert.equal(
    rendering.length,
    baseline.length,
    `${shell}: rendering 1000 times added ${extra} process-creating call(s):\n` +
      `with rendering:\n  ${rendering.join('\n  ')}\nbaseline:\n  ${baseline.join('\n  ')}`,
  );
}

function loop(shell: Shell, body: string, iterations = 1000): string {
  // The session state changes every iteration, so every branch is rendered:
  // plain, yellow, red, none.
  if (shell === 'fish') {
    return `set -gx MFA_ENV_FOLLOW 0
source ${shq(shellFile('fish'))}
set -gx MFA_ENV_PROFILE dev
set -l now (date +%s)
set -l expiries (math $now + 2730) (math $now + 330) (math $now - 5) ''
set -l i 0
while test $i -lt ${iterations}
    set -gx MFA_ENV_EXPIRES $expiries[(math $i % 4 + 1)]
    ${body}
    set i (math $i + 1)
end`;
  }
  // MFA_ENV_FOLLOW=0: this counts the prompt's own processes; following a new
  // session near its end (one mfa-env a minute at most) is tested on its own.
  return `export MFA_ENV_FOLLOW=0
source ${shq(shellFile(shell))}
export MFA_ENV_PROFILE=dev
PS1='$ '
now=$EPOCHSECONDS
expiries=($((now + 2730)) $((now + 330)) $((now - 5)) '')
for ((i = 0; i < ${iterations}; i++)); do
    MFA_ENV_EXPIRES=\${expiries[${shell === 'zsh' ? 'i % 4 + 1' : 'i % 4'}]}
    ${body}
done`;
}

describe('rendering the prompt starts no process', () => {
  for (const shell of ['bash', 'zsh'] as const) {
    toolTest(`${shell}: 1000 renders, 0 processes`, [shell, 'strace'], () => {
      const baseline = processCalls(shell, loop(shell, ':'));
      const rendering = processCalls(
        shell,
        loop(shell, '__mfa_env_prompt_hook; mfa_env_prompt >/dev/null; mfa_env_prompt --color >/dev/null'),
      );
      assertSameProcesses(shell, rendering, baseline);
      // The measurement does see processes: a $(...) forks once per render.
      const forking =
        processCalls(shell, loop(shell, 'x=$(mfa_env_prompt)', 100)).length -
        processCalls(shell, loop(shell, ':', 100)).length;
      assert.ok(forking >= 100, `100 forking renders show ${forking} processes`);
    });
  }

  toolTest('fish on Linux: 1000 renders, 0 processes (clock read from /proc)', ['fish', 'strace'], (t) => {
    if (process.platform !== 'linux') {
      t.skip('fish reads the clock from /proc only on Linux; elsewhere it runs date');
      return;
    }
    const baseline = processCalls('fish', loop('fish', 'true'));
    const rendering = processCalls(
      'fish',
      loop('fish', 'mfa_env_prompt >/dev/null; mfa_env_prompt --color >/dev/null'),
    );
    assertSameProcesses('fish', rendering, baseline);
  });
});
