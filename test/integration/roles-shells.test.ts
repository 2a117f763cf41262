// Role profiles in real interactive bash, zsh and fish (tmux), through the
// installed launchers and `mfa-env init`: one code, two roles in the same
// shell, and the prompt showing the role's time and the MFA session's, with
// no process.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { roleArn, startEmulator, type Emulator, type EmulatorRole } from '../../src/demo/emulator/server.js';
import { randomAccountId } from '../../src/demo/emulator/users.js';
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
  describe(`role profiles in an interactive ${shell}`, () => {
    toolTest(
      `mfa -p ROLE with one code for two roles; the prompt shows both times (${shell})`,
      [shell, 'tmux'],
      async () => {
        const s = emulatorSandbox(emulator.url);
        const user = await setUpUser(s, emulator);
        const prod: EmulatorRole = {
          accountId: randomAccountId(),
          roleName: 'admin',
          trust: [user.accountId],
          requireMfa: true,
        };
        const audit: EmulatorRole = {
          accountId: randomAccountId(),
          roleName: 'audit',
          trust: [user.accountId],
          requireMfa: true,
        };
        emulator.addRole(prod);
        emulator.addRole(audit);
        appendFileSync(
          s.configFile,
          `\n[profile prod]\nrole_arn = ${roleArn(prod)}\nsource_profile = dev\n\n[profile audit]\nrole_arn = ${roleArn(audit)}\nsource_profile = dev\n`,
        );
        const bin = join(s.dir, 'bin');
        mkdirSync(bin);
        symlinkSync(MFA_ENV_LAUNCHER, join(bin, 'mfa-env'));
        symlinkSync(MFA_EXEC_LAUNCHER, join(bin, 'mfa-exec'));
        const dir = tempDir(`${shell}-roles`);
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
          await sh.run(
            `mfa -p prod -c ${emulator.codeFor(serialOf(user))}; echo ${status[shell]} > ${f('s1')}; env > ${f('e1')}; mfa_env_prompt > ${f('p1')}`,
          );
          assert.equal(sh.read('s1').trim(), '0', sh.capture());
          const e1 = parseEnv(sh.read('e1'));
          const json = JSON.parse((await s.mfaEnv(['-p', 'prod', '-f', 'json'])).stdout).Credentials;
          assert.equal(e1.get('AWS_ACCESS_KEY_ID'), json.AccessKeyId);
          assert.equal(e1.get('AWS_SESSION_TOKEN'), json.SessionToken);
          assert.equal(e1.get('MFA_ENV_PROFILE'), 'prod');
          assert.equal(e1.get('AWS_CREDENTIAL_EXPIRATION'), json.Expiration);
          assert.ok(
            Number(e1.get('MFA_ENV_MFA_EXPIRES')) - Number(e1.get('MFA_ENV_EXPIRES')) > 10 * 3600,
            'the MFA session outlives the role',
          );
          assert.match(sh.read('p1'), /^aws:prod (59m|1h00m) mfa 1[12]h[0-5]\dm$/);

          // The second role: no code, in the same shell.
          const calls = emulator.count('GetSessionToken');
          await sh.run(
            `mfa -p audit; echo ${status[shell]} > ${f('s2')}; env > ${f('e2')}; mfa_env_prompt > ${f('p2')}`,
          );
          assert.equal(sh.read('s2').trim(), '0', sh.capture());
          const e2 = parseEnv(sh.read('e2'));
          assert.equal(e2.get('MFA_ENV_PROFILE'), 'audit');
          assert.notEqual(e2.get('AWS_ACCESS_KEY_ID'), e1.get('AWS_ACCESS_KEY_ID'));
          assert.equal(e2.get('MFA_ENV_MFA_EXPIRES'), e1.get('MFA_ENV_MFA_EXPIRES'), 'the same MFA session');
          assert.equal(emulator.count('GetSessionToken'), calls);
          assert.match(sh.read('p2'), /^aws:audit (59m|1h00m) mfa 1[12]h[0-5]\dm$/);

          // The base profile itself: one time only.
          await sh.run(`mfa -p dev; env > ${f('e3')}; mfa_env_prompt > ${f('p3')}`);
          assert.match(sh.read('p3'), /^aws:dev 1[12]h[0-5]\dm$/);
          await sh.run(`mfa logout -p dev; env > ${f('e4')}`);
          assert.equal(parseEnv(sh.read('e4')).has('MFA_ENV_MFA_EXPIRES'), false, 'cleared with the rest');
        } finally {
          sh.close();
          cleanup(dir);
          s.cleanup();
        }
      },
    );
  });
}
