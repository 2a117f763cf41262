// The shell integration as a user meets it: `mfa-env init <shell>` loaded into
// a real interactive bash, zsh and fish (driven through tmux), with a fake
// mfa-env on PATH that records its argv. The shells write what they see
// (env, $?) to files, and the tests read those.
import { describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TmuxShell,
  cleanup,
  fakeSession,
  makeFakeMfaEnv,
  parseEnv,
  run,
  sessionVars,
  shellFile,
  shells,
  shq,
  tempDir,
  toolTest,
  repoRoot,
} from './shell-helpers.js';
import type { Shell } from './shell-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));
function scratch(name: string): string {
  const dir = tempDir(name);
  dirs.push(dir);
  return dir;
}

const basePath = process.env.PATH ?? '/usr/bin:/bin';

describe('the shell files parse and lint', () => {
  toolTest('bash -n accepts shell/mfa-env.bash', ['bash'], () => {
    const r = run('bash', ['-n', shellFile('bash')], process.env);
    assert.equal(r.status, 0, r.stderr);
  });
  toolTest('zsh -n accepts shell/mfa-env.zsh', ['zsh'], () => {
    const r = run('zsh', ['-n', shellFile('zsh')], process.env);
    assert.equal(r.status, 0, r.stderr);
  });
  toolTest('fish --no-execute accepts shell/mfa-env.fish', ['fish'], () => {
    const r = run('fish', ['--no-execute', shellFile('fish')], process.env);
    assert.equal(r.status, 0, r.stderr);
  });
  toolTest('shellcheck passes shell/mfa-env.bash', ['shellcheck'], () => {
    const r = run('shellcheck', ['-s', 'bash', shellFile('bash')], process.env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  toolTest('shellcheck passes install.sh', ['shellcheck'], () => {
    const r = run('shellcheck', [join(repoRoot, 'install.sh')], process.env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  // PowerShell cannot be installed where these tests run; this only guards
  // the names the README documents.
  toolTest('the PowerShell file defines mfa and mfa_env_prompt', [], () => {
    const ps1 = readFileSync(shellFile('ps1'), 'utf8');
    assert.match(ps1, /^function global:mfa \{/m);
    assert.match(ps1, /^function global:mfa_env_prompt \{/m);
    assert.match(ps1, /Invoke-Expression/);
    assert.deepEqual(unbalancedPowerShell(ps1), [], 'quotes, braces and parentheses close');
  });
  toolTest('the PowerShell file follows a new session as bash does: same thresholds, from the prompt', [], () => {
    const ps1 = readFileSync(shellFile('ps1'), 'utf8');
    const bash = readFileSync(shellFile('bash'), 'utf8');
    const follow = /^function global:__mfa_env_follow \{\n([\s\S]*?)^\}$/m.exec(ps1)?.[1] ?? '';
    const bashFollow = /^__mfa_env_follow\(\) \{\n([\s\S]*?)^\}$/m.exec(bash)?.[1] ?? '';
    // The same window before the end and the same pause between two asks.
    const [window, pause] = [/ - now > (\d+)\)\)/, /follow_at:-0\} < (\d+)\)\)/].map((re) => re.exec(bashFollow)?.[1]);
    assert.ok(window && pause, 'found in the bash file');
    assert.match(follow, new RegExp(`\\[long\\]\\$expires - \\$now -gt ${window}\\) \\{ return \\}`));
    assert.match(follow, new RegExp(`\\$now - \\[long\\]\\$last -lt ${pause}\\) \\{ return \\}`));
    assert.match(follow, /if \(\$env:MFA_ENV_FOLLOW -eq '0'\) \{ return \}/);
    assert.match(follow, /& mfa-env --follow --profile \$name --shell powershell 2>\$null/);
    assert.match(follow, /\$global:LASTEXITCODE = \$saved/, 'the user’s $LASTEXITCODE is kept');
    const prompt = /function global:prompt \{\n([\s\S]*?)^ {4}\}$/m.exec(ps1)?.[1] ?? '';
    assert.match(prompt, /__mfa_env_follow/, 'the wrapped prompt runs it');
    assert.match(ps1, /if \(\(\$env:MFA_ENV_PROMPT -eq '1' -or \$env:MFA_ENV_FOLLOW -ne '0'\) -and/);
  });
});

interface Dialect {
  init: string;
  status: string;
  exportVar: (name: string, value: string) => string;
  /** Prints what tells whether the prompt was touched. */
  promptState: string;
}

const dialects: Record<Shell, Dialect> = {
  bash: {
    init: 'eval "$(mfa-env init bash)"',
    status: '$?',
    exportVar: (name, value) => `export ${name}=${shq(value)}`,
    promptState: `printf '%s|%s|%s' "\${PROMPT_COMMAND-unset}" "$PS1" "$(trap -p DEBUG)"`,
  },
  zsh: {
    init: 'eval "$(mfa-env init zsh)"',
    status: '$?',
    exportVar: (name, value) => `export ${name}=${shq(value)}`,
    promptState: `print -rn -- "\${precmd_functions[*]}|$PROMPT|$RPROMPT"`,
  },
  fish: {
    init: 'mfa-env init fish | source',
    status: '$status',
    exportVar: (name, value) => `set -gx ${name} ${shq(value)}`,
    promptState: 'functions fish_prompt fish_right_prompt 2>&1',
  },
};

for (const shell of shells) {
  describe(`mfa in an interactive ${shell}`, () => {
    toolTest(
      `mfa applies a session, applies nothing on failure, clears on logout (${shell})`,
      [shell, 'tmux'],
      async () => {
        const dir = scratch(`${shell}-mfa`);
        const fake = makeFakeMfaEnv(dir);
        const d = dialects[shell];
        const f = (name: string) => shq(join(dir, name));
        const sh = TmuxShell.start(dir, shell, `${fake.bin}:${basePath}`);
        try {
          await sh.run(`${d.promptState} > ${f('prompt-before')}`);
          await sh.run(`${d.exportVar('MFA_ENV_PROMPT', '0')}; ${d.init}; ${d.exportVar('AWS_PROFILE', 'longterm')}`);
          await sh.run(`${d.promptState} > ${f('prompt-after')}`);

          // The export form: evaluated in this shell.
          await sh.run(`mfa -p dev -c 123456; echo ${d.status} > ${f('s1')}; env > ${f('e1')}`);
          assert.equal(sh.read('s1').trim(), '0');
          const e1 = parseEnv(sh.read('e1'));
          for (const [name, value] of Object.entries(fakeSession)) assert.equal(e1.get(name), value, name);
          assert.equal(e1.get('MFA_ENV_PROFILE'), 'dev');
          assert.match(e1.get('MFA_ENV_EXPIRES') ?? '', /^\d+$/);
          assert.equal(e1.has('AWS_PROFILE'), false, 'AWS_PROFILE is unset by the session');
          assert.deepEqual(fake.calls().at(-1), ['-p', 'dev', '-c', '123456', '--shell', shell]);

          // A failure: status 3 comes back, the partial export line is not applied.
          await sh.run(`mfa -p dev -c 000000; echo ${d.status} > ${f('s2')}; env > ${f('e2')}`);
          assert.equal(sh.read('s2').trim(), '3');
          const e2 = parseEnv(sh.read('e2'));
          e1.delete('_');
          e2.delete('_');
          assert.equal(e2.get('AWS_ACCESS_KEY_ID'), 'ASIAFAKE');
          assert.deepEqual(e2, e1, 'a failing mfa leaves the environment as it was');

          // Arguments with spaces and quotes arrive intact.
          await sh.run(`mfa --profile 'my dev' -c 123456 --write-profile "it's here"; env > ${f('e3')}`);
          assert.deepEqual(fake.calls().at(-1), [
            '--profile',
            'my dev',
            '-c',
            '123456',
            '--write-profile',
            "it's here",
            '--shell',
            shell,
          ]);
          assert.equal(parseEnv(sh.read('e3')).get('MFA_ENV_PROFILE'), 'my dev');

          // Other subcommands and JSON are passed through, not evaluated.
          await sh.run(`mfa status > ${f('human')}; echo ${d.status} > ${f('s4')}`);
          assert.equal(sh.read('s4').trim(), '0');
          assert.equal(sh.read('human'), 'dev: session, 42 minutes left\n');
          assert.deepEqual(fake.calls().at(-1), ['status']);
          await sh.run(
            `mfa -f json -c 123456 > ${f('json')}; mfa export --format=json > ${f('json2')}; env > ${f('e4')}`,
          );
          assert.deepEqual(fake.calls().slice(-2), [
            ['-f', 'json', '-c', '123456'],
            ['export', '--format=json'],
          ]);
          assert.equal(JSON.parse(sh.read('json')).Credentials.AccessKeyId, 'ASIAFAKE');
          assert.equal(JSON.parse(sh.read('json2')).Credentials.AccessKeyId, 'ASIAFAKE');
          assert.equal(parseEnv(sh.read('e4')).get('MFA_ENV_PROFILE'), 'my dev', 'JSON output changed nothing');
          // --shell for another dialect: not evaluated either.
          const other = shell === 'fish' ? 'bash' : 'fish';
          await sh.run(`mfa -s ${other} logout > ${f('other')}; env > ${f('e5')}`);
          assert.deepEqual(fake.calls().at(-1), ['-s', other, 'logout']);
          assert.equal(parseEnv(sh.read('e5')).get('MFA_ENV_PROFILE'), 'my dev');
          // The attached short form too (-sfish), either way.
          await sh.run(`mfa -s${other} logout > ${f('other2')}; env > ${f('e5b')}`);
          assert.deepEqual(fake.calls().at(-1), [`-s${other}`, 'logout']);
          assert.equal(parseEnv(sh.read('e5b')).get('MFA_ENV_PROFILE'), 'my dev', `-s${other} output is not evaluated`);

          // logout clears the session; --shell for this shell is not repeated.
          await sh.run(`mfa logout; echo ${d.status} > ${f('s6')}; env > ${f('e6')}`);
          assert.equal(sh.read('s6').trim(), '0');
          assert.deepEqual(fake.calls().at(-1), ['logout', '--shell', shell]);
          const e6 = parseEnv(sh.read('e6'));
          for (const name of sessionVars) assert.equal(e6.has(name), false, `${name} is cleared`);
          await sh.run(`mfa -p dev -c 123456; mfa --shell=${shell} unset; env > ${f('e7')}`);
          assert.deepEqual(fake.calls().at(-1), [`--shell=${shell}`, 'unset']);
          assert.equal(parseEnv(sh.read('e7')).has('AWS_ACCESS_KEY_ID'), false);
          await sh.run(`mfa -p dev -c 123456; mfa -s${shell} unset; env > ${f('e8')}`);
          assert.deepEqual(fake.calls().at(-1), [`-s${shell}`, 'unset'], '-s<this shell> is not repeated');
          assert.equal(parseEnv(sh.read('e8')).has('AWS_ACCESS_KEY_ID'), false);

          // MFA_ENV_PROMPT=0: the prompt is not touched.
          assert.equal(sh.read('prompt-after'), sh.read('prompt-before'));
        } finally {
          sh.close();
        }
      },
    );
  });
}

/** The last non-empty line of the screen, trailing blanks removed. */
const lastLine = (screen: string): string =>
  screen
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .at(-1) ?? '';

describe('MFA_ENV_PROMPT=1 puts the segment into the prompt', () => {
  toolTest('bash: PS1 gets the segment, an existing PROMPT_COMMAND keeps running', ['bash', 'tmux'], async () => {
    const dir = scratch('bash-prompt');
    const fake = makeFakeMfaEnv(dir);
    const f = (name: string) => shq(join(dir, name));
    const sh = TmuxShell.start(dir, 'bash', `${fake.bin}:${basePath}`);
    try {
      await sh.run(`PS1='$ '; PROMPT_COMMAND='echo pc >> ${join(dir, 'pc')}'`);
      // Loaded twice: still one hook, one segment.
      await sh.run('export MFA_ENV_PROMPT=1; eval "$(mfa-env init bash)"; eval "$(mfa-env init bash)"');
      await sh.run('mfa -p dev -c 123456');
      await sh.waitForScreen((s) => lastLine(s) === 'aws:dev 45m $');
      await sh.run(`declare -p PROMPT_COMMAND > ${f('pcdecl')}; printf '%s' "$PS1" > ${f('ps1')}`);
      const decl = sh.read('pcdecl');
      assert.match(decl, /echo pc >> /);
      assert.equal(decl.split('__mfa_env_prompt_hook').length - 1, 1, decl);
      assert.equal(sh.read('ps1'), '${__mfa_env_prompt_segment}$ ');
      assert.ok(sh.read('pc').split('\n').length > 3, 'the existing PROMPT_COMMAND still runs');

      await sh.run('MFA_ENV_EXPIRES=$((EPOCHSECONDS + 330))');
      await sh.waitForScreen((s) => s.includes('\x1b[33maws:dev 5m'), true);
      await sh.run('MFA_ENV_EXPIRES=$((EPOCHSECONDS - 5))');
      await sh.waitForScreen((s) => s.includes('\x1b[31maws:dev expired'), true);
      await sh.run('mfa logout');
      await sh.waitForScreen((s) => lastLine(s) === '$');
    } finally {
      sh.close();
    }
  });

  toolTest(
    'bash 5.1+: array PROMPT_COMMAND, and a prompt that rewrites PS1 each time (starship-style)',
    ['bash', 'tmux'],
    async (t) => {
      const version = run(
        'bash',
        ['-c', 'echo $((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1]))'],
        process.env,
      ).stdout.trim();
      if (Number(version) < 501) {
        t.skip(`bash ${version} has no array PROMPT_COMMAND`);
        return;
      }
      const dir = scratch('bash-prompt-array');
      const fake = makeFakeMfaEnv(dir);
      const f = (name: string) => shq(join(dir, name));
      const sh = TmuxShell.start(dir, 'bash', `${fake.bin}:${basePath}`);
      try {
        await sh.run(
          `fake_starship() { PS1='STAR> '; }; PROMPT_COMMAND=(fake_starship 'echo pc >> ${join(dir, 'pc')}')`,
        );
        await sh.run('export MFA_ENV_PROMPT=1; eval "$(mfa-env init bash)"; eval "$(mfa-env init bash)"');
        await sh.run('mfa -p dev -c 123456');
        await sh.waitForScreen((s) => lastLine(s) === 'aws:dev 45m STAR>');
        await sh.run(`declare -p PROMPT_COMMAND > ${f('pcdecl')}`);
        assert.equal(
          sh.read('pcdecl').trim(),
          `declare -a PROMPT_COMMAND=([0]="fake_starship" [1]="echo pc >> ${join(dir, 'pc')}" [2]="__mfa_env_prompt_hook")`,
        );
      } finally {
        sh.close();
      }
    },
  );

  toolTest('zsh: RPROMPT gets the segment from a precmd hook, the theme keeps its part', ['zsh', 'tmux'], async () => {
    const dir = scratch('zsh-prompt');
    const fake = makeFakeMfaEnv(dir);
    const f = (name: string) => shq(join(dir, name));
    const sh = TmuxShell.start(dir, 'zsh', `${fake.bin}:${basePath}`);
    try {
      await sh.run(`PROMPT='%# '; RPROMPT='[theme]'`);
      await sh.run('export MFA_ENV_PROMPT=1; eval "$(mfa-env init zsh)"; eval "$(mfa-env init zsh)"');
      await sh.run('mfa -p dev -c 123456');
      await sh.waitForScreen((s) => /^[#%] .* aws:dev 45m \[theme\]$/.test(lastLine(s)));
      await sh.run(`print -rl -- $precmd_functions > ${f('hooks')}`);
      assert.equal(
        sh
          .read('hooks')
          .split('\n')
          .filter((l) => l === '__mfa_env_prompt_hook').length,
        1,
      );
      // A theme that sets RPROMPT again is kept, not overwritten.
      await sh.run(`RPROMPT='[other]'`);
      await sh.waitForScreen((s) => / aws:dev 45m \[other\]$/.test(lastLine(s)));
      await sh.run('MFA_ENV_EXPIRES=$((EPOCHSECONDS + 330))');
      await sh.waitForScreen((s) => s.includes('\x1b[33maws:dev 5m'), true);
      await sh.run('mfa logout');
      await sh.waitForScreen((s) => / \[other\]$/.test(lastLine(s)) && !lastLine(s).includes('aws:'));
    } finally {
      sh.close();
    }
  });

  toolTest('fish: fish_right_prompt is wrapped, the original still prints', ['fish', 'tmux'], async () => {
    const dir = scratch('fish-prompt');
    const fake = makeFakeMfaEnv(dir);
    const sh = TmuxShell.start(dir, 'fish', `${fake.bin}:${basePath}`);
    try {
      await sh.run(`function fish_right_prompt; echo -n '[theme]'; end`);
      await sh.run('set -gx MFA_ENV_PROMPT 1; mfa-env init fish | source; mfa-env init fish | source');
      await sh.run('mfa -p dev -c 123456');
      await sh.waitForScreen((s) => / aws:dev 45m \[theme\]$/.test(lastLine(s)));
      await sh.run('set -gx MFA_ENV_EXPIRES (math (date +%s) + 330)');
      await sh.waitForScreen((s) => s.includes('\x1b[33maws:dev 5m'), true);
      await sh.run('mfa logout');
      await sh.waitForScreen((s) => / \[theme\]$/.test(lastLine(s)) && !lastLine(s).includes('aws:'));
    } finally {
      sh.close();
    }
  });
});

describe('completion', () => {
  toolTest('bash: TAB asks mfa-env with the yargs protocol', ['bash'], () => {
    const dir = scratch('bash-complete');
    const fake = makeFakeMfaEnv(dir);
    const script = `source ${shq(shellFile('bash'))}
complete -p mfa mfa-env mfa-exec
COMP_WORDS=(mfa st); COMP_CWORD=1; __mfa_env_complete
printf 'reply:%s\\n' "\${COMPREPLY[@]}"`;
    const r = run('bash', ['--norc', '--noprofile', '-c', script], { PATH: `${fake.bin}:${basePath}` });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /complete -o default -F __mfa_env_complete mfa\n/);
    assert.match(r.stdout, /complete -o default -F __mfa_env_complete mfa-exec\n/);
    assert.deepEqual(
      r.stdout.split('\n').filter((l) => l.startsWith('reply:')),
      ['reply:status'],
    );
    assert.deepEqual(fake.calls().at(-1), ['--get-yargs-completions', 'mfa-env', 'st']);
  });

  toolTest('bash: TAB on mfa completes in a real interactive shell', ['bash', 'tmux'], async () => {
    const dir = scratch('bash-tab');
    const fake = makeFakeMfaEnv(dir);
    const sh = TmuxShell.start(dir, 'bash', `${fake.bin}:${basePath}`);
    try {
      await sh.run(`PS1='$ '; eval "$(mfa-env init bash)"`);
      sh.typeKeys('mfa st', 'Tab');
      await sh.waitForScreen((s) => lastLine(s) === '$ mfa status');
      assert.deepEqual(fake.calls().at(-1), ['--get-yargs-completions', 'mfa-env', 'st']);
    } finally {
      sh.close();
    }
  });

  toolTest('zsh: compinit after the init line still gets the completion; TAB completes', ['zsh', 'tmux'], async () => {
    const dir = scratch('zsh-tab');
    const fake = makeFakeMfaEnv(dir);
    const sh = TmuxShell.start(dir, 'zsh', `${fake.bin}:${basePath}`);
    try {
      // The order many .zshrc files have: integration first, compinit later.
      await sh.run(`PROMPT='%% '; eval "$(mfa-env init zsh)"; autoload -Uz compinit; compinit -u -D`);
      await sh.run(`print -r -- $_comps[mfa] $_comps[mfa-env] > ${shq(join(dir, 'comps'))}`);
      assert.equal(sh.read('comps'), '__mfa_env_complete __mfa_env_complete\n');
      sh.typeKeys('mfa st', 'Tab');
      await sh.waitForScreen((s) => lastLine(s) === '% mfa status');
      assert.deepEqual(fake.calls().at(-1)?.slice(0, 3), ['--get-yargs-completions', 'mfa-env', 'st']);
    } finally {
      sh.close();
    }
  });

  toolTest('fish: static completions for subcommands, options and profiles', ['fish'], () => {
    const dir = scratch('fish-complete');
    const home = join(dir, 'home');
    const config = join(dir, 'aws-config');
    run(
      'sh',
      ['-c', `mkdir -p ${shq(home)} && printf '[default]\\n[profile dev]\\nregion = eu-west-1\\n' > ${shq(config)}`],
      process.env,
    );
    const script = `source ${shq(shellFile('fish'))}; source ${shq(shellFile('fish'))}
complete -C 'mfa-env '; echo ---; complete -C 'mfa-env -s '; echo ---; complete -C 'mfa -p '; echo ---; complete -C 'mfa-env init '`;
    const r = run('fish', ['--no-config', '-c', script], { PATH: basePath, HOME: home, AWS_CONFIG_FILE: config });
    assert.equal(r.status, 0, r.stderr);
    const [subs = '', dialectsOut = '', profiles = '', init = ''] = r.stdout.split('---\n');
    const names = (block: string) =>
      block
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    assert.deepEqual(names(subs).sort(), [
      'credential-process',
      'demo',
      'doctor',
      'export',
      'init',
      'logout',
      'remove',
      'rotate',
      'setup',
      'status',
      'unset',
    ]);
    assert.deepEqual(names(dialectsOut).sort(), ['bash', 'fish', 'powershell', 'zsh']);
    assert.deepEqual(names(profiles).sort(), ['default', 'dev']);
    assert.deepEqual(names(init).sort(), ['bash', 'fish', 'powershell', 'zsh']);
  });
});

/**
 * What does not close in a PowerShell script: '…' ('' inside), "…" (`"
 * inside), # comments, and (), {}, [] outside strings. Not a parser; it
 * catches the edits that break a file nobody can run here.
 */
function unbalancedPowerShell(text: string): string[] {
  const open: { ch: string; line: number }[] = [];
  const problems: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    else if (ch === '#') while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    else if (ch === "'" || ch === '"') {
      const start = line;
      for (i++; i < text.length; i++) {
        if (text[i] === '\n') line++;
        if (ch === '"' && text[i] === '`') i++;
        else if (text[i] === ch) {
          if (ch === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      if (i >= text.length) problems.push(`${ch} opened on line ${start} does not close`);
    } else if ('({['.includes(ch)) open.push({ ch, line });
    else if (ch in pairs) {
      const top = open.pop();
      if (top?.ch !== pairs[ch])
        problems.push(`${ch} on line ${line} closes ${top ? `${top.ch} of line ${top.line}` : 'nothing'}`);
    }
  }
  for (const o of open) problems.push(`${o.ch} opened on line ${o.line} does not close`);
  return problems;
}
