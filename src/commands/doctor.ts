import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { awsConfigFile } from '../config/paths.js';
import { readProfile, resolveProfileName, type ProfileConfig } from '../config/profiles.js';
import { checkMfaSerial } from '../config/validate.js';
import { isMfaEnvError } from '../errors.js';
import { hasLongTermKey } from '../session/long-term-key.js';
import { detectDialect } from '../shells/detect.js';
import { openStore, type SecretStore } from '../store/index.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const message = (err: unknown) => (isMfaEnvError(err) ? err.message : String((err as Error)?.message ?? err));

function checkNode(): Check {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { name: 'node', ok, detail: `Node.js ${process.versions.node}`, fix: ok ? undefined : 'install Node.js 20.19 or later' };
}

async function checkStore(): Promise<{ check: Check; store?: SecretStore }> {
  try {
    const store = openStore();
    await store.get('doctor:probe');
    return { check: { name: 'secret store', ok: true, detail: `${store.backend}: ${store.location} answers` }, store };
  } catch (err) {
    const hint = isMfaEnvError(err) ? err.hint : undefined;
    return { check: { name: 'secret store', ok: false, detail: message(err), fix: hint ?? 'set MFA_ENV_STORE=file on a machine without a keychain' } };
  }
}

async function checkConfig(name: string): Promise<{ check: Check; profile?: ProfileConfig }> {
  try {
    const profile = await readProfile(name);
    return { check: { name: 'aws config', ok: true, detail: `${awsConfigFile()} readable` }, profile };
  } catch (err) {
    return { check: { name: 'aws config', ok: false, detail: message(err), fix: `fix ${awsConfigFile()}` } };
  }
}

async function checkProfile(name: string, profile: ProfileConfig | undefined, store: SecretStore | undefined): Promise<Check[]> {
  const setup = `run: mfa-env setup --profile ${name}`;
  if (!profile) return [];
  const checks: Check[] = [];
  if (!profile.mfaSerial) {
    checks.push({ name: `profile ${name}`, ok: false, detail: 'no mfa_serial', fix: setup });
  } else {
    try {
      checkMfaSerial(profile.mfaSerial);
      checks.push({ name: `profile ${name}`, ok: true, detail: `mfa_serial ${profile.mfaSerial}` });
    } catch (err) {
      checks.push({ name: `profile ${name}`, ok: false, detail: message(err), fix: setup });
    }
  }
  if (store) {
    try {
      const key = await hasLongTermKey(store, name);
      checks.push(key ? { name: 'long-term key', ok: true, detail: `stored for ${name}` } : { name: 'long-term key', ok: false, detail: `none stored for ${name}`, fix: setup });
    } catch (err) {
      checks.push({ name: 'long-term key', ok: false, detail: message(err) });
    }
  }
  return checks;
}

function checkIntegration(): Check {
  const loaded = process.env.MFA_ENV_SHELL_INTEGRATION;
  if (loaded) return { name: 'shell integration', ok: true, detail: `loaded in this ${loaded}` };
  const shell = detectDialect();
  const line = {
    bash: 'eval "$(mfa-env init bash)"  in ~/.bashrc',
    zsh: 'eval "$(mfa-env init zsh)"  in ~/.zshrc',
    fish: 'mfa-env init fish | source  in ~/.config/fish/conf.d/mfa-env.fish',
    powershell: 'mfa-env init powershell | Out-String | Invoke-Expression  in $PROFILE',
  }[shell];
  return { name: 'shell integration', ok: false, detail: `not loaded in this ${shell} (no mfa wrapper, no prompt segment)`, fix: `add  ${line}  (./install.sh does it), then open a new shell` };
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      // not here
    }
  }
  return undefined;
}

function checkPath(): Check[] {
  return ['mfa-env', 'mfa-exec'].map((bin) => {
    const found = onPath(bin);
    return found
      ? { name: bin, ok: true, detail: `on PATH: ${found}` }
      : { name: bin, ok: false, detail: 'not on PATH', fix: 'run ./install.sh, or add ~/.local/bin to PATH' };
  });
}

export async function doctorCommand(): Promise<number> {
  const name = resolveProfileName(undefined);
  const { check: storeCheck, store } = await checkStore();
  const { check: configCheck, profile } = await checkConfig(name);
  const checks: Check[] = [checkNode(), storeCheck, configCheck, ...(await checkProfile(name, profile, store)), checkIntegration(), ...checkPath()];
  for (const c of checks) {
    process.stdout.write(`${c.ok ? 'ok     ' : 'problem'}  ${c.name}: ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`         fix: ${c.fix}\n`);
  }
  const problems = checks.filter((c) => !c.ok).length;
  process.stdout.write(problems ? `${problems} problem${problems > 1 ? 's' : ''} found\n` : 'all good\n');
  return problems ? 1 : 0;
}
