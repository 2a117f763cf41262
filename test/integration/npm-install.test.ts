// npm's own install path: `npm pack` of a fresh clone (the tracked files
// only), `npm install -g` of the tarball into a temporary prefix, then what a
// user does with it: mfa-env, mfa-exec, the demo, and the shell wired the way
// docs/install.md says (one line that sources the package's shell file, found
// once with `npm root -g`, so no Node process starts with the shell).
import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanup, repoRoot, run, shq, tempDir, TmuxShell, toolTest } from './shell-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));
const basePath = process.env.PATH ?? '/usr/bin:/bin';

describe('npm pack, then npm install -g of the tarball', () => {
  toolTest(
    'gives working mfa-env, mfa-exec, demo, and the shell integration from the documented line',
    ['npm', 'bash', 'tmux'],
    async () => {
      const dir = tempDir('npm-install');
      dirs.push(dir);
      // A fresh clone: the tracked files, nothing built. node_modules is linked
      // in (what `npm ci` would fetch) so that prepack can build.
      const clone = join(dir, 'clone');
      const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
        .split('\0')
        .filter(Boolean);
      for (const file of tracked) {
        if (!existsSync(join(repoRoot, file))) continue;
        mkdirSync(dirname(join(clone, file)), { recursive: true });
        copyFileSync(join(repoRoot, file), join(clone, file));
      }
      assert.equal(existsSync(join(clone, 'dist')), false, 'nothing built in a fresh clone');
      symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
      const home = join(dir, 'home');
      mkdirSync(home);
      const npmEnv = {
        PATH: basePath,
        HOME: home,
        npm_config_cache: join(process.env.HOME ?? home, '.npm'),
        npm_config_update_notifier: 'false',
      };
      const packed = run(
        'bash',
        ['-c', `cd ${shq(clone)} && npm pack --silent --pack-destination ${shq(dir)}`],
        npmEnv,
      );
      assert.equal(packed.status, 0, packed.stderr);
      const tarball = readdirSync(dir).find((f) => /^mfa-env-.*\.tgz$/.test(f));
      assert.ok(tarball, `no tarball in ${dir}: ${packed.stdout}`);

      const prefix = join(dir, 'prefix');
      const installed = run(
        'npm',
        ['install', '-g', '--prefix', prefix, join(dir, tarball!), '--prefer-offline', '--no-audit', '--no-fund'],
        npmEnv,
      );
      assert.equal(installed.status, 0, installed.stderr);
      const bin = join(prefix, 'bin');
      const env = { PATH: `${bin}:${basePath}`, HOME: home, TERM: 'dumb' };
      assert.match(run(join(bin, 'mfa-env'), ['--version'], env).stdout, /^\d+\.\d+\.\d+\n$/);
      assert.match(run(join(bin, 'mfa-exec'), ['--version'], env).stdout, /^\d+\.\d+\.\d+\n$/);
      const demo = run(join(bin, 'mfa-env'), ['demo'], env);
      assert.equal(demo.status, 0, demo.stderr);
      assert.match(demo.stdout, /reused the cached session: no code asked/);

      // docs/install.md: the line for ~/.bashrc, resolved once with npm root -g.
      const wire = run('bash', ['-c', `echo ". '$(npm root -g)/mfa-env/dist/shell/mfa-env.bash'" >> ~/.bashrc`], {
        ...npmEnv,
        npm_config_prefix: prefix,
      });
      assert.equal(wire.status, 0, wire.stderr);
      assert.equal(
        readFileSync(join(home, '.bashrc'), 'utf8'),
        `. '${join(prefix, 'lib', 'node_modules', 'mfa-env', 'dist', 'shell', 'mfa-env.bash')}'\n`,
      );

      // A new terminal: mfa is there, and opening it started no node.
      const logBin = join(dir, 'log-bin');
      const nodeLog = join(dir, 'node.log');
      mkdirSync(logBin);
      execFileSync('sh', [
        '-c',
        `printf '#!/bin/sh\\necho "$*" >> %s\\nexec %s "$@"\\n' ${shq(shq(nodeLog))} ${shq(shq(process.execPath))} > ${shq(join(logBin, 'node'))}; chmod +x ${shq(join(logBin, 'node'))}`,
      ]);
      const vars = { HOME: home, PATH: `${logBin}:${bin}:${basePath}`, TERM: 'xterm', HISTFILE: '' };
      const sh = new TmuxShell(
        dir,
        'bash',
        ['env', '-i', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'bash', '-i'].map(shq).join(' '),
      );
      try {
        await sh.run('true');
        assert.equal(existsSync(nodeLog), false, 'opening the terminal started node');
        await sh.run(`type -t mfa > ${shq(join(dir, 'type'))}; mfa-env doctor > ${shq(join(dir, 'doctor'))}`);
        assert.equal(sh.read('type'), 'function\n');
        assert.match(sh.read('doctor'), /ok\s+shell integration: loaded in this bash/);
      } finally {
        sh.close();
      }
    },
  );
});
