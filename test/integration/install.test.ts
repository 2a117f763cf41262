// install.sh with a throwaway HOME: one block per rc file however often it
// runs, an uninstall that leaves the rc files byte-identical, and new shells
// that find `mfa`.
//
// `mfa-env init` needs a built CLI; these tests put a fake mfa-env first on
// PATH that answers `init <shell>` by printing shell/mfa-env.<shell>, so
// they do not depend on dist/ (--no-build; the links may dangle).
import { describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cleanup, makeFakeMfaEnv, repoRoot, run, tempDir, toolTest } from './shell-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));
const basePath = process.env.PATH ?? '/usr/bin:/bin';
const installSh = join(repoRoot, 'install.sh');
const START = '# >>> mfa-env >>>';
const END = '# <<< mfa-env <<<';

interface Setup {
  dir: string;
  home: string;
  prefix: string;
  bashrc: string;
  zshrc: string;
  fishFile: string;
  fakeBin: string;
}

function setup(): Setup {
  const dir = tempDir('install');
  dirs.push(dir);
  const home = join(dir, 'home');
  mkdirSync(home);
  return {
    dir,
    home,
    prefix: join(dir, 'prefix'),
    bashrc: join(home, '.bashrc'),
    zshrc: join(home, '.zshrc'),
    fishFile: join(home, '.config', 'fish', 'conf.d', 'mfa-env.fish'),
    fakeBin: makeFakeMfaEnv(dir).bin,
  };
}

function install(s: Setup, ...args: string[]) {
  const r = run('bash', [installSh, '--no-build', '--prefix', s.prefix, ...args], { HOME: s.home, PATH: basePath });
  assert.equal(r.status, 0, `install.sh ${args.join(' ')}: ${r.stderr}`);
  return r;
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;
const read = (file: string): string => readFileSync(file, 'utf8');

describe('install.sh', () => {
  toolTest('twice gives one block per rc file; --uninstall restores them byte for byte', ['bash'], () => {
    const s = setup();
    // One rc file ending without a newline, one with: both must come back exactly.
    const bashOriginal = '# my bashrc\nalias ll="ls -l"';
    const zshOriginal = '# my zshrc\nsetopt autocd\n\n';
    writeFileSync(s.bashrc, bashOriginal);
    writeFileSync(s.zshrc, zshOriginal);

    const first = install(s, '--shell', 'bash,zsh,fish');
    for (const file of [s.bashrc, s.zshrc, s.fishFile])
      assert.match(first.stderr, new RegExp(`(edited|wrote) ${file}`), file);
    assert.match(first.stderr, /is not on this shell's PATH; the blocks below put it there in new shells/);
    assert.equal(read(`${s.bashrc}.mfa-env.bak`), bashOriginal, 'backup before the first edit');
    assert.equal(read(`${s.zshrc}.mfa-env.bak`), zshOriginal);
    const afterFirst = [read(s.bashrc), read(s.zshrc), read(s.fishFile)];

    const second = install(s, '--shell', 'bash,zsh,fish');
    assert.doesNotMatch(second.stderr, /edited|wrote/, 'the second run edits nothing');
    assert.deepEqual([read(s.bashrc), read(s.zshrc), read(s.fishFile)], afterFirst);

    const bashrc = read(s.bashrc);
    assert.ok(bashrc.startsWith(`${bashOriginal}\n${START}\n`), bashrc);
    assert.equal(count(bashrc, START), 1);
    assert.equal(count(bashrc, END), 1);
    assert.ok(bashrc.includes(`. '${join(repoRoot, 'dist', 'shell', 'mfa-env.bash')}'`), bashrc);
    assert.doesNotMatch(bashrc, /mfa-env init/, 'no Node process at shell start');
    const zshrc = read(s.zshrc);
    assert.ok(zshrc.startsWith(`${zshOriginal}\n${START}\n`), 'a blank line before the block');
    assert.equal(count(zshrc, START), 1);
    assert.ok(zshrc.includes(`. '${join(repoRoot, 'dist', 'shell', 'mfa-env.zsh')}'`), zshrc);
    assert.ok(
      read(s.fishFile).includes(`source '${join(repoRoot, 'dist', 'shell', 'mfa-env.fish')}'`),
      read(s.fishFile),
    );

    for (const name of ['mfa-env', 'mfa-exec']) {
      const link = join(s.prefix, 'bin', name);
      assert.ok(lstatSync(link).isSymbolicLink(), link);
      assert.equal(readlinkSync(link), join(repoRoot, 'dist', name), 'the launcher (scripts/build.mjs)');
    }

    const removed = install(s, '--uninstall');
    assert.equal(read(s.bashrc), bashOriginal);
    assert.equal(read(s.zshrc), zshOriginal);
    assert.equal(existsSync(s.fishFile), false);
    assert.equal(existsSync(`${s.bashrc}.mfa-env.bak`), false, 'a backup identical to the restored file is removed');
    assert.equal(existsSync(join(s.prefix, 'bin', 'mfa-env')), false);
    assert.equal(existsSync(join(s.prefix, 'bin', 'mfa-exec')), false);
    assert.match(removed.stderr, /removed the mfa-env block/);
  });

  toolTest('with no rc files: creates them, and --uninstall deletes them again', ['bash'], () => {
    const s = setup();
    install(s, '--shell', 'bash,zsh,fish');
    install(s, '--shell', 'bash,zsh,fish');
    assert.equal(count(read(s.bashrc), START), 1);
    assert.ok(read(s.zshrc).startsWith(START), 'nothing before the block in a new file');
    assert.equal(existsSync(`${s.bashrc}.mfa-env.bak`), false, 'nothing to back up');
    install(s, '--uninstall');
    for (const file of [s.bashrc, s.zshrc, s.fishFile]) assert.equal(existsSync(file), false, file);
  });

  toolTest('an empty rc file stays an empty file', ['bash'], () => {
    const s = setup();
    writeFileSync(s.bashrc, '');
    install(s, '--shell', 'bash');
    install(s, '--uninstall');
    assert.equal(read(s.bashrc), '');
  });

  toolTest('an old block is replaced where it is, lines after it are kept', ['bash'], () => {
    const s = setup();
    const before = 'line 1\n';
    const afterBlock = 'line after\n';
    writeFileSync(s.bashrc, `${before}${START}\nsource /old/path/mfa-env.bash\n${END}\n${afterBlock}`);
    install(s, '--shell', 'bash');
    const text = read(s.bashrc);
    assert.equal(count(text, START), 1);
    assert.doesNotMatch(text, /old\/path/);
    assert.ok(text.startsWith(`${before}${START}\n`), text);
    assert.ok(text.endsWith(`${END}\n${afterBlock}`), text);
    install(s, '--uninstall', '--shell', 'bash');
    assert.equal(read(s.bashrc), `${before}${afterBlock}`);
  });

  toolTest('--no-rc touches no rc file; a prefix on PATH gives no warning', ['bash'], () => {
    const s = setup();
    const r = run('bash', [installSh, '--no-build', '--no-rc', '--prefix', s.prefix], {
      HOME: s.home,
      PATH: `${join(s.prefix, 'bin')}:${basePath}`,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /not on your PATH/);
    assert.equal(existsSync(s.bashrc), false);
    assert.equal(existsSync(s.zshrc), false);
    assert.ok(lstatSync(join(s.prefix, 'bin', 'mfa-env')).isSymbolicLink());
  });

  toolTest(
    'links that point at dist/NAME.js (earlier versions) move to the launchers; --uninstall removes either',
    ['bash'],
    () => {
      const s = setup();
      const bin = join(s.prefix, 'bin');
      mkdirSync(bin, { recursive: true });
      for (const name of ['mfa-env', 'mfa-exec']) symlinkSync(join(repoRoot, 'dist', `${name}.js`), join(bin, name));
      const r = install(s, '--no-rc');
      for (const name of ['mfa-env', 'mfa-exec']) {
        assert.equal(readlinkSync(join(bin, name)), join(repoRoot, 'dist', name));
        assert.match(r.stderr, new RegExp(`replacing ${join(bin, name)}`));
      }
      // An old link left by an earlier version is still ours to remove.
      rmSync(join(bin, 'mfa-exec'));
      symlinkSync(join(repoRoot, 'dist', 'mfa-exec.js'), join(bin, 'mfa-exec'));
      install(s, '--uninstall', '--no-rc');
      assert.equal(existsSync(join(bin, 'mfa-env')), false);
      assert.equal(existsSync(join(bin, 'mfa-exec')), false);
    },
  );

  toolTest(
    '--no-build refuses launchers built for another checkout (a copy of dist/ would run that checkout’s code)',
    ['bash'],
    () => {
      const s = setup();
      const copy = join(s.dir, 'copy');
      mkdirSync(join(copy, 'dist'), { recursive: true });
      copyFileSync(installSh, join(copy, 'install.sh'));
      for (const name of ['mfa-env', 'mfa-exec']) copyFileSync(join(repoRoot, 'dist', name), join(copy, 'dist', name));
      const r = run('bash', [join(copy, 'install.sh'), '--no-build', '--no-rc', '--prefix', s.prefix], {
        HOME: s.home,
        PATH: basePath,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`${join(copy, 'dist', 'mfa-env')} was built for another checkout; run npm run build here`),
      );
      assert.equal(existsSync(join(s.prefix, 'bin', 'mfa-env')), false);
    },
  );

  toolTest('refuses to replace a file that is not a symlink', ['bash'], () => {
    const s = setup();
    mkdirSync(join(s.prefix, 'bin'), { recursive: true });
    writeFileSync(join(s.prefix, 'bin', 'mfa-env'), 'mine');
    const r = run('bash', [installSh, '--no-build', '--no-rc', '--prefix', s.prefix], { HOME: s.home, PATH: basePath });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not a symlink/);
    assert.equal(read(join(s.prefix, 'bin', 'mfa-env')), 'mine');
  });

  toolTest('the build prints only install.sh’s own lines; npm’s output shows when a step fails', ['bash'], () => {
    const s = setup();
    // A stand-in npm (the real build is not what this is about) as chatty as npm ci is.
    const npmBin = join(s.dir, 'npm-bin');
    mkdirSync(npmBin);
    writeFileSync(
      join(npmBin, 'npm'),
      `#!/bin/sh\necho "added 70 packages, and audited 71 packages in 3s"\necho "12 packages are looking for funding" >&2\necho "npm notice New major version of npm available!" >&2\n[ "$1" = ci ] && [ -n "$NPM_FAIL" ] && { echo "npm error code ECONNRESET" >&2; exit 1; }\nexit 0\n`,
      { mode: 0o755 },
    );
    const env = { HOME: s.home, PATH: `${npmBin}:${basePath}` };
    const ok = run('bash', [installSh, '--prefix', s.prefix, '--no-rc'], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, '');
    for (const line of ok.stderr.trimEnd().split('\n')) assert.match(line, /^mfa-env install: /, ok.stderr);
    assert.doesNotMatch(ok.stderr, /funding|notice|audited/);
    const failed = run('bash', [installSh, '--prefix', s.prefix, '--no-rc'], { ...env, NPM_FAIL: '1' });
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /npm error code ECONNRESET/);
    assert.match(failed.stderr, /^mfa-env install: the build failed \(npm's output above\)$/m);
  });

  toolTest('--help and a bad option', ['bash'], () => {
    const s = setup();
    const help = run('bash', [installSh, '--help'], { HOME: s.home, PATH: basePath });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--uninstall/);
    const bad = run('bash', [installSh, '--shell', 'tcsh'], { HOME: s.home, PATH: basePath });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown shell 'tcsh'/);
  });

  toolTest('a new interactive bash finds mfa', ['bash'], () => {
    const s = setup();
    writeFileSync(s.bashrc, 'export FROM_BASHRC=1\n');
    install(s, '--shell', 'bash');
    const env = { HOME: s.home, PATH: `${s.fakeBin}:${join(s.prefix, 'bin')}:${basePath}`, TERM: 'dumb' };
    const r = run('bash', ['-i', '-c', 'type mfa; type -t mfa_env_prompt; echo "from bashrc: $FROM_BASHRC"'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^mfa is a function/m);
    assert.match(r.stdout, /^function$/m);
    assert.match(r.stdout, /^from bashrc: 1$/m);
    // A non-interactive bash that reads ~/.bashrc does not start mfa-env.
    const quiet = run('bash', ['-c', `source ${s.bashrc}; type -t mfa || echo none`], env);
    assert.equal(quiet.stdout.trim(), 'none');
  });

  toolTest(
    'with the real build: the linked mfa-env runs, and a new bash has mfa and passes doctor’s integration check',
    ['bash'],
    () => {
      // npm test builds dist/ before the tests run; this uses it through the links install.sh made.
      const s = setup();
      install(s, '--shell', 'bash');
      const env = {
        HOME: s.home,
        PATH: `${join(s.prefix, 'bin')}:${basePath}`,
        TERM: 'dumb',
        MFA_ENV_STORE: 'file',
        MFA_ENV_FILE_PASSPHRASE: 'x',
      };
      const version = run(join(s.prefix, 'bin', 'mfa-env'), ['--version'], env);
      assert.equal(version.status, 0, version.stderr);
      assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
      const r = run('bash', ['-i', '-c', 'type -t mfa; mfa-env doctor | grep "shell integration"'], env);
      assert.match(r.stdout, /^function$/m, r.stderr);
      assert.match(r.stdout, /ok\s+shell integration: loaded in this bash/);
    },
  );

  toolTest(
    'PowerShell: a block in the $PROFILE pwsh names, found when pwsh is on PATH; --uninstall removes it, also once pwsh is gone',
    ['bash'],
    () => {
      // pwsh cannot be installed here: a stand-in answers the one question install.sh asks it.
      const s = setup();
      const fakePwsh = join(s.dir, 'pwsh-bin');
      mkdirSync(fakePwsh);
      const profile = join(s.home, '.config', 'powershell', 'Microsoft.PowerShell_profile.ps1');
      writeFileSync(
        join(fakePwsh, 'pwsh'),
        `#!/bin/sh\ncase "$*" in *'$PROFILE.CurrentUserCurrentHost'*) printf '%s\\r\\n' ${JSON.stringify(profile)} ;; *) exit 1 ;; esac\n`,
        { mode: 0o755 },
      );
      const withPwsh = { HOME: s.home, PATH: `${fakePwsh}:${basePath}` };
      for (let i = 0; i < 2; i++) {
        const r = run('bash', [installSh, '--no-build', '--prefix', s.prefix], withPwsh);
        assert.equal(r.status, 0, r.stderr);
      }
      const text = read(profile);
      assert.equal(count(text, '# >>> mfa-env >>>'), 1, 'one block after two runs');
      assert.ok(text.includes(`. '${join(repoRoot, 'dist', 'shell', 'mfa-env.ps1')}'`), text);
      // pwsh gone: --uninstall still finds the profile where PowerShell keeps it.
      const r = run('bash', [installSh, '--uninstall', '--prefix', s.prefix], { HOME: s.home, PATH: basePath });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(existsSync(profile), false, 'the profile mfa-env created is deleted again');
    },
  );

  toolTest('a new interactive zsh finds mfa', ['bash', 'zsh'], () => {
    const s = setup();
    install(s, '--shell', 'zsh');
    const env = { HOME: s.home, PATH: `${s.fakeBin}:${join(s.prefix, 'bin')}:${basePath}`, TERM: 'dumb' };
    const r = run('zsh', ['-i', '-c', 'whence -w mfa mfa_env_prompt'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'mfa: function\nmfa_env_prompt: function\n');
  });

  toolTest('a new interactive fish finds mfa', ['bash', 'fish'], () => {
    const s = setup();
    install(s, '--shell', 'fish');
    const env = { HOME: s.home, PATH: `${s.fakeBin}:${join(s.prefix, 'bin')}:${basePath}`, TERM: 'dumb' };
    const r = run('fish', ['-i', '-c', 'type -t mfa mfa_env_prompt'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'function\nfunction\n');
  });
});
