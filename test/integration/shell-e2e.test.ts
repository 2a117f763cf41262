// The real thing end to end: the built mfa-env on PATH, `mfa-env init` loaded
// into interactive bash, zsh and fish in tmux, the STS emulator behind it.
// `mfa` with a code, `mfa` answering the MFA prompt on the terminal, a wrong
// code, Ctrl-C at the prompt, and `mfa logout`.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/demo/emulator/server.js';
import { emulatorSandbox, MFA_ENV_LAUNCHER, MFA_EXEC_LAUNCHER } from '../helpers/cli.js';
import { serialOf, setUpUser } from '../helpers/users.js';
import { TmuxShell, cleanup, parseEnv, shells, shq, tempDir, toolTest } from './shell-helpers.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const init: Record<string, string> = {
  bash: 'eval "$(mfa-env init bash)"',
  zsh: 'eval "$(mfa-env init zsh)"',
  fish: 'mfa-env init fish | source',
};
const status: Record<string, string> = { bash: '$?', zsh: '$?', fish: '$status' };

for (const shell of shells) {
  describe(`the real mfa-env in an interactive ${shell}`, () => {
    toolTest(`mfa with a code, at the prompt, wrong, interrupted, and logout (${shell})`, [shell, 'tmux'], async () => {
      const s = emulatorSandbox(emulator.url);
      const user = await setUpUser(s, emulator);
      const bin = join(s.dir, 'bin');
      mkdirSync(bin);
      // As install.sh links them: the launchers.
      symlinkSync(MFA_ENV_LAUNCHER, join(bin, 'mfa-env'));
      symlinkSync(MFA_EXEC_LAUNCHER, join(bin, 'mfa-exec'));
      const dir = tempDir(`${shell}-e2e`);
      const f = (name: string) => shq(join(dir, name));
      const env = Object.fromEntries(
        Object.entries(s.env).filter(([k, v]) => v !== undefined && k !== 'PATH' && k !== 'HOME'),
      ) as Record<string, string>;
      const sh = TmuxShell.start(dir, shell, `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, {
        ...env,
        HOME: s.home,
      });
      try {
        await sh.run(init[shell]!);

        // 1. With a code on the command line.
        await sh.run(
          `mfa -p dev -c ${emulator.codeFor(serialOf(user))}; echo ${status[shell]} > ${f('s1')}; env > ${f('e1')}`,
        );
        assert.equal(sh.read('s1').trim(), '0');
        const e1 = parseEnv(sh.read('e1'));
        const json = await s.mfaEnv(['-p', 'dev', '-f', 'json']);
        const creds = JSON.parse(json.stdout).Credentials;
        assert.equal(e1.get('AWS_ACCESS_KEY_ID'), creds.AccessKeyId);
        assert.equal(e1.get('AWS_SECRET_ACCESS_KEY'), creds.SecretAccessKey);
        assert.equal(e1.get('AWS_SESSION_TOKEN'), creds.SessionToken);
        assert.equal(e1.get('MFA_ENV_PROFILE'), 'dev');

        // 2. A wrong code: exit 3, the shell keeps the session it had.
        await sh.run(`mfa -p dev --refresh -c 000000; echo ${status[shell]} > ${f('s2')}; env > ${f('e2')}`);
        assert.equal(sh.read('s2').trim(), '3');
        assert.equal(parseEnv(sh.read('e2')).get('AWS_ACCESS_KEY_ID'), creds.AccessKeyId);

        // 3. No code: mfa-env asks on the terminal, even though its stdout is captured.
        sh.type(`mfa -p dev --refresh; echo ${status[shell]} > ${f('s3')}; env > ${f('e3')}`);
        await sh.waitForScreen((screen) => /MFA code for/.test(screen));
        sh.type(emulator.codeFor(serialOf(user)));
        await sh.waitForFile(join(dir, 'e3'));
        assert.equal(sh.read('s3').trim(), '0', sh.capture());
        const e3 = parseEnv(sh.read('e3'));
        assert.match(e3.get('AWS_ACCESS_KEY_ID') ?? '', /^ASIA/);
        assert.notEqual(e3.get('AWS_ACCESS_KEY_ID'), creds.AccessKeyId, 'a new session');

        // 4. Ctrl-C at the prompt: 130, nothing applied.
        sh.type(`mfa -p dev --refresh; echo ${status[shell]} > ${f('s4')}; env > ${f('e4')}`);
        await sh.waitForScreen((screen) => (screen.match(/MFA code for/g) ?? []).length >= 2);
        sh.typeKeys('', 'C-c');
        await sh.waitForFile(join(dir, 'e4'));
        assert.equal(sh.read('s4').trim(), '130', sh.capture());
        assert.equal(parseEnv(sh.read('e4')).get('AWS_ACCESS_KEY_ID'), e3.get('AWS_ACCESS_KEY_ID'));

        // 5. Logout: the cached session is gone and the shell is clean.
        await sh.run(`mfa logout -p dev; echo ${status[shell]} > ${f('s5')}; env > ${f('e5')}`);
        assert.equal(sh.read('s5').trim(), '0');
        const e5 = parseEnv(sh.read('e5'));
        for (const name of [
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'AWS_SESSION_TOKEN',
          'MFA_ENV_PROFILE',
          'MFA_ENV_EXPIRES',
          'AWS_CREDENTIAL_EXPIRATION',
        ]) {
          assert.equal(e5.has(name), false, `${name} cleared`);
        }
        const after = await s.mfaEnv(['status', '--json']);
        assert.equal(JSON.parse(after.stdout).profiles[0].session, null);
      } finally {
        sh.close();
        cleanup(dir);
        s.cleanup();
      }
    });
  });
}
