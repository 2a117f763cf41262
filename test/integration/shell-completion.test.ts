// Completion as a person meets it: the built mfa-env on PATH, `init` loaded
// into an interactive bash or zsh in tmux, TAB pressed. Profiles come from
// both AWS files (role profiles too) and are offered after -p for mfa,
// mfa-env and mfa-exec, never commands; zsh shows descriptions; a command's
// own options after it.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MFA_ENV_LAUNCHER, MFA_EXEC_LAUNCHER } from '../helpers/cli.js';
import { TmuxShell, cleanup, tempDir, toolTest } from './shell-helpers.js';

const PROFILES = ['admin', 'default', 'dev', 'staging'];

function start(shell: 'bash' | 'zsh'): { sh: TmuxShell; dir: string } {
  const dir = tempDir(`${shell}-profile-tab`);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(MFA_ENV_LAUNCHER, join(bin, 'mfa-env'));
  symlinkSync(MFA_EXEC_LAUNCHER, join(bin, 'mfa-exec'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(
    config,
    '[default]\nregion = eu-west-1\n[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/dev\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = dev\n',
  );
  writeFileSync(credentials, '[staging]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
  const sh = TmuxShell.start(dir, shell, `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
  });
  return { sh, dir };
}

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

/** Types `text`, presses TAB (twice to list), and returns the screen once `ok` holds; then clears the line. */
async function tab(sh: TmuxShell, text: string, ok: (screen: string) => boolean, times = 1): Promise<string> {
  sh.typeKeys(text, ...Array<string>(times).fill('Tab'));
  const screen = await sh.waitForScreen(ok);
  sh.typeKeys('', 'C-u');
  await sh.run('clear');
  return screen;
}

describe('completion of profiles in real shells', () => {
  toolTest(
    'bash: -p <TAB> offers the profiles of both files for mfa, mfa-env and mfa-exec, never commands',
    ['bash', 'tmux'],
    async () => {
      const { sh, dir } = start('bash');
      try {
        await sh.run(`PS1='$ '; eval "$(mfa-env init bash)"`);
        for (const prog of ['mfa', 'mfa-env', 'mfa-exec']) {
          const listed = await tab(
            sh,
            `${prog} -p `,
            (s) => PROFILES.every((p) => new RegExp(`\\b${p}\\b`).test(s.split('\n').slice(1).join('\n'))),
            2,
          );
          assert.doesNotMatch(listed, /\bstatus\b|\bsetup\b/, `${prog}: no commands after -p`);
          await tab(sh, `${prog} -p sta`, (s) => lastLine(s) === `$ ${prog} -p staging`);
        }
        await tab(sh, 'mfa-env logout --profile adm', (s) => lastLine(s) === '$ mfa-env logout --profile admin');
        await tab(sh, 'mfa-env status --j', (s) => lastLine(s) === '$ mfa-env status --json');
      } finally {
        sh.close();
        cleanup(dir);
      }
    },
  );

  toolTest(
    'zsh: -p <TAB> lists the profiles with a description; status -<TAB> its options, described',
    ['zsh', 'tmux'],
    async () => {
      const { sh, dir } = start('zsh');
      try {
        await sh.run(`PROMPT='%% '; autoload -Uz compinit; compinit -u -D; eval "$(mfa-env init zsh)"`);
        for (const prog of ['mfa', 'mfa-env', 'mfa-exec']) {
          // zsh groups the words that share a description: `staging  default  admin  dev  -- profile`.
          const described = (s: string) =>
            s
              .split('\n')
              .filter((l) => /-- profile$/.test(l))
              .join(' ');
          const listed = await tab(sh, `${prog} -p `, (s) =>
            PROFILES.every((p) => new RegExp(`\\b${p}\\b`).test(described(s))),
          );
          assert.doesNotMatch(listed, /\bstatus\b|\bsetup\b/, `${prog}: no commands after -p`);
          await tab(sh, `${prog} -p sta`, (s) => lastLine(s).startsWith(`% ${prog} -p staging`));
        }
        const options = await tab(sh, 'mfa-env status -', (s) => /--json\s+-- machine-readable output/.test(s));
        assert.doesNotMatch(options, /--profile|--code/, 'only status’s own options');
        await tab(sh, 'mfa-env st', (s) => lastLine(s).startsWith('% mfa-env status'));
      } finally {
        sh.close();
        cleanup(dir);
      }
    },
  );
});
