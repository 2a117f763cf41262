// After ./install.sh, a brand-new terminal: an interactive non-login shell
// (what terminal emulators start on Debian/Ubuntu), a fresh HOME, and a PATH
// without the bin directory (only ~/.profile adds ~/.local/bin, at login).
// It must have mfa, mfa-env, mfa-exec and the prompt, start no Node process
// while opening, and `mfa-env init` must print the very file the block loads.
import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MFA_ENV } from '../helpers/cli.js';
import { cleanup, repoRoot, run, shq, tempDir, TmuxShell, toolTest, type Shell } from './shell-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));
const basePath = process.env.PATH ?? '/usr/bin:/bin';
const installSh = join(repoRoot, 'install.sh');

interface Installed {
  dir: string;
  home: string;
  bindir: string;
  /** Every run of `node` appends its argv here (a logging node first on PATH). */
  nodeLog: string;
  /** The terminal's PATH: the logging node, then the system's; not bindir. */
  path: string;
}

function installFresh(shells: string, extraRc: Partial<Record<Shell, string>> = {}): Installed {
  const dir = tempDir('first-terminal');
  dirs.push(dir);
  const home = join(dir, 'home');
  mkdirSync(home);
  for (const [shell, text] of Object.entries(extraRc)) {
    const file =
      shell === 'bash'
        ? join(home, '.bashrc')
        : shell === 'zsh'
          ? join(home, '.zshrc')
          : join(home, '.config', 'fish', 'config.fish');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  const prefix = join(dir, 'prefix');
  const r = run('bash', [installSh, '--no-build', '--prefix', prefix, '--shell', shells], {
    HOME: home,
    PATH: basePath,
  });
  assert.equal(r.status, 0, r.stderr);
  const nodeLog = join(dir, 'node.log');
  const logBin = join(dir, 'log-bin');
  mkdirSync(logBin);
  writeFileSync(
    join(logBin, 'node'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shq(nodeLog)}\nexec ${shq(process.execPath)} "$@"\n`,
    { mode: 0o755 },
  );
  return { dir, home, bindir: join(prefix, 'bin'), nodeLog, path: `${logBin}:${basePath}` };
}

/** The shell as a terminal emulator starts it: interactive, not a login shell, reading its rc files. */
function openTerminal(i: Installed, shell: Shell, env: Record<string, string> = {}): TmuxShell {
  const argv = { bash: ['bash', '-i'], zsh: ['zsh', '-i'], fish: ['fish', '-i'] }[shell];
  const vars = {
    HOME: i.home,
    PATH: i.path,
    TERM: 'xterm',
    HISTFILE: '',
    fish_history: '',
    MFA_ENV_STORE: 'file',
    MFA_ENV_FILE_PASSPHRASE: 'x',
    ...env,
  };
  const command = ['env', '-i', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), ...argv].map(shq).join(' ');
  return new TmuxShell(i.dir, shell, command);
}

const nodeRuns = (i: Installed): string[] =>
  existsSync(i.nodeLog) ? readFileSync(i.nodeLog, 'utf8').split('\n').filter(Boolean) : [];

const setSession = {
  bash: 'export MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$(( $(date +%s) + 3000 ))',
  zsh: 'export MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$(( $(date +%s) + 3000 ))',
  fish: 'set -gx MFA_ENV_PROFILE dev; set -gx MFA_ENV_EXPIRES (math (date +%s) + 3000)',
};
const typeOf = { bash: 'type -t mfa', zsh: 'whence -w mfa', fish: 'type -t mfa' };

describe('a brand-new terminal after ./install.sh', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    toolTest(
      `${shell}: mfa, mfa-env, mfa-exec and the prompt, with no Node process at start and bindir not on PATH`,
      ['bash', shell, 'tmux'],
      async () => {
        const i = installFresh(shell);
        const sh = openTerminal(i, shell);
        const f = (name: string) => shq(join(i.dir, name));
        try {
          await sh.run('true');
          assert.deepEqual(nodeRuns(i), [], 'opening the terminal started node');
          await sh.run(`${typeOf[shell]} > ${f('type')}; command -v mfa-env mfa-exec > ${f('which')}`);
          assert.match(sh.read('type'), /function/);
          assert.equal(sh.read('which'), `${join(i.bindir, 'mfa-env')}\n${join(i.bindir, 'mfa-exec')}\n`);
          await sh.run(
            `mfa-env --version > ${f('v1')}; mfa-exec --version > ${f('v2')}; mfa-env doctor > ${f('doctor')}`,
          );
          assert.match(sh.read('v1'), /^\d+\.\d+\.\d+\n$/);
          assert.match(sh.read('v2'), /^\d+\.\d+\.\d+\n$/);
          assert.match(sh.read('doctor'), new RegExp(`ok\\s+shell integration: loaded in this ${shell}`));
          assert.match(sh.read('doctor'), /ok\s+mfa-env: on PATH/);
          assert.ok(nodeRuns(i).length >= 3, 'the logging node saw the commands (so it would have seen a start)');

          // The prompt is on: a session in the environment shows at the next prompt.
          await sh.run(setSession[shell]);
          await sh.waitForScreen((screen) => /aws:dev (49|50)m/.test(screen));
        } finally {
          sh.close();
        }
      },
    );
  }

  toolTest(
    'MFA_ENV_PROMPT=0 before the block: no segment; with starship: left to starship',
    ['bash', 'tmux'],
    async () => {
      for (const [name, rc] of [
        ['off', 'export MFA_ENV_PROMPT=0\n'],
        ['starship', ''],
      ] as const) {
        const i = installFresh('bash', { bash: rc });
        // starship exports STARSHIP_SHELL from its init, which comes after the block.
        const sh = openTerminal(i, 'bash', name === 'starship' ? { STARSHIP_SHELL: 'bash' } : {});
        try {
          await sh.run(`PS1='$ '; ${setSession.bash}; type -t mfa > ${shq(join(i.dir, 'type'))}`);
          await sh.run('true');
          assert.equal(sh.read('type'), 'function\n', name);
          assert.doesNotMatch(sh.capture(), /aws:dev/, name);
        } finally {
          sh.close();
        }
      }
    },
  );

  toolTest('`mfa-env init SHELL` prints exactly the file the block sources', ['bash'], () => {
    for (const ext of ['bash', 'zsh', 'fish', 'ps1']) {
      const shell = ext === 'ps1' ? 'powershell' : ext;
      const r = run(process.execPath, [MFA_ENV, 'init', shell], { PATH: basePath, HOME: '/nonexistent' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(join(repoRoot, 'dist', 'shell', `mfa-env.${ext}`), 'utf8'), ext);
    }
  });

  toolTest(
    'doctor tells an old block that found no mfa-env on PATH, a moved checkout, and no block apart',
    ['bash'],
    () => {
      const i = installFresh('bash');
      const bashrc = join(i.home, '.bashrc');
      const doctor = () => {
        const r = run('bash', ['-i', '-c', `${shq(join(i.bindir, 'mfa-env'))} doctor`], {
          HOME: i.home,
          PATH: basePath,
          TERM: 'dumb',
          MFA_ENV_STORE: 'file',
          MFA_ENV_FILE_PASSPHRASE: 'x',
        });
        return r.stdout
          .split('\n')
          .filter((l) => /shell integration|^\s+fix:/.test(l))
          .join('\n');
      };
      // What an earlier install.sh wrote: it ran only when mfa-env was already on PATH.
      writeFileSync(
        bashrc,
        `# >>> mfa-env >>>\nif [[ $- == *i* ]] && command -v mfa-env >/dev/null 2>&1; then\n    eval "$(mfa-env init bash)"\nfi\n# <<< mfa-env <<<\n`,
      );
      assert.match(
        doctor(),
        /problem\s+shell integration: not loaded in this bash: the mfa-env block is in ~\/\.bashrc, but mfa-env was not on PATH when it ran/,
      );
      assert.match(doctor(), /fix: run \.\/install\.sh again/);
      writeFileSync(
        bashrc,
        `# >>> mfa-env >>>\nif [[ $- == *i* ]]; then\n    if [[ -r '/gone/dist/shell/mfa-env.bash' ]]; then . '/gone/dist/shell/mfa-env.bash'; fi\nfi\n# <<< mfa-env <<<\n`,
      );
      assert.match(
        doctor(),
        /the mfa-env block in ~\/\.bashrc loads \/gone\/dist\/shell\/mfa-env\.bash, which is not there/,
      );
      writeFileSync(bashrc, '# nothing\n');
      assert.match(doctor(), /problem\s+shell integration: not loaded in this bash: no mfa-env block in ~\/\.bashrc/);
    },
  );
});
