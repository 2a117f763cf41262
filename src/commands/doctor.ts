import { readFileSync } from 'node:fs';
import { describeFileError } from '../config/file-errors.js';
import { awsConfigFile, awsCredentialsFile } from '../config/paths.js';
import { readProfile, resolveProfileName, type ProfileConfig } from '../config/profiles.js';
import { checkMfaSerial, isFidoSerial } from '../config/validate.js';
import { MfaEnvError } from '../errors.js';
import { findOnPath } from '../os/path-search.js';
import { readProcStat } from '../os/processes.js';
import { reusableSession } from '../session/cache.js';
import { findLongTermKey } from '../session/long-term-key.js';
import type { LongTermKey } from '../session/types.js';
import { days, keyAgeDays, maskKeyId } from './mask.js';
import { detectDialect } from '../shells/detect.js';
import { openStore, type SecretStore } from '../store/index.js';

interface Check {
  name: string;
  ok: boolean;
  /** Worth saying, not a problem (doctor's exit status stays 0). */
  warn?: boolean;
  detail: string;
  fix?: string;
}

/** Security teams' usual limit for a long-term access key's age. */
const KEY_AGE_WARN_DAYS = 90;

const message = (err: unknown) => (err instanceof MfaEnvError ? err.message : String((err as Error)?.message ?? err));

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
    const hint = err instanceof MfaEnvError ? err.hint : undefined;
    return { check: { name: 'secret store', ok: false, detail: message(err), fix: hint ?? 'set MFA_ENV_STORE=file on a machine without a keychain' } };
  }
}

/**
 * One AWS file, read here: the SDK's reader, which the rest of mfa-env
 * uses, takes a file it cannot read for an empty one.
 */
function checkAwsFile(name: string, path: string, variable: string, whenMissing: string): Check {
  try {
    readFileSync(path);
    return { name, ok: true, detail: `${path} readable` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { name, ok: true, detail: `${path} not there (fine: ${whenMissing})` };
    return { name, ok: false, ...describeFileError(err, path, 'read', variable) };
  }
}

function checkAwsFiles(): Check[] {
  return [
    checkAwsFile('aws config', awsConfigFile(), 'AWS_CONFIG_FILE', 'mfa-env setup writes it'),
    checkAwsFile('aws credentials', awsCredentialsFile(), 'AWS_SHARED_CREDENTIALS_FILE', 'the long-term key is in the secret store'),
  ];
}

/** $AWS_PROFILE, else default; a name mfa-env refuses is a problem of its own, not the end of the checks. */
function currentProfile(): { name: string; problem?: undefined } | { name?: undefined; problem: Check } {
  try {
    return { name: resolveProfileName(undefined) };
  } catch (err) {
    return { problem: { name: 'profile', ok: false, detail: message(err), fix: 'set AWS_PROFILE to a profile whose name mfa-env accepts, or unset it' } };
  }
}

/**
 * The profile's own lines, read from the config file unless that file
 * cannot be read (its line says so already), and its long-term key.
 */
async function checkProfile(name: string, configReadable: boolean, store: SecretStore | undefined): Promise<Check[]> {
  const setup = `run: mfa-env setup --profile ${name}`;
  const checks: Check[] = [];
  let profile: ProfileConfig | undefined;
  if (configReadable) {
    try {
      profile = await readProfile(name);
    } catch (err) {
      checks.push({ name: `profile ${name}`, ok: false, detail: message(err), fix: err instanceof MfaEnvError ? err.hint : undefined });
    }
  }
  if (profile && !profile.mfaSerial) {
    checks.push({ name: `profile ${name}`, ok: false, detail: profile.exists ? 'no mfa_serial' : 'not in the AWS config or credentials file', fix: setup });
  } else if (profile?.mfaSerial) {
    try {
      checkMfaSerial(profile.mfaSerial, name);
      checks.push({ name: `profile ${name}`, ok: true, detail: `mfa_serial ${profile.mfaSerial}` });
    } catch (err) {
      checks.push({ name: `profile ${name}`, ok: false, detail: message(err), fix: isFidoSerial(profile.mfaSerial) && err instanceof MfaEnvError ? err.hint : setup });
    }
  }
  if (store) {
    try {
      const key = await findLongTermKey(store, name);
      checks.push(key ? { name: 'long-term key', ok: true, detail: `stored for ${name}` } : { name: 'long-term key', ok: false, detail: `none stored for ${name}`, fix: setup });
      if (key) checks.push(await checkKeyAge(name, key, store, profile));
    } catch (err) {
      checks.push({ name: 'long-term key', ok: false, detail: message(err) });
    }
  }
  return checks;
}

/**
 * The key's age: as recorded when IAM told mfa-env (rotate, setup's
 * discovery), else asked of IAM (ListAccessKeys) when the profile has a
 * cached MFA session of this key to sign with: many accounts allow IAM calls
 * only with MFA, and without a session doctor sends nothing to AWS. Past
 * KEY_AGE_WARN_DAYS: a warning.
 */
async function checkKeyAge(name: string, key: LongTermKey, store: SecretStore, profile: ProfileConfig | undefined): Promise<Check> {
  const check = 'key age';
  let created = key.createDate;
  if (!created) {
    try {
      const session = profile?.mfaSerial ? await reusableSession(store, name, profile.mfaSerial) : undefined;
      if (!session || session.sourceKeyId !== key.accessKeyId) {
        return { name: check, ok: true, detail: `unknown: doctor asks IAM with a cached session, and ${name} has none (mfa-env rotate records the age)` };
      }
      const { listAccessKeys } = await import('../aws/iam.js');
      created = (await listAccessKeys(session, profile?.region)).find((k) => k.accessKeyId === key.accessKeyId)?.createDate?.toISOString();
    } catch (err) {
      return { name: check, ok: true, detail: `unknown: IAM did not say (${message(err)})` };
    }
  }
  const age = keyAgeDays(created);
  if (age === undefined) return { name: check, ok: true, detail: 'unknown: IAM did not list the key' };
  const what = `${maskKeyId(key.accessKeyId)} was created ${days(age)} ago`;
  if (age > KEY_AGE_WARN_DAYS) return { name: check, ok: true, warn: true, detail: `${what} (more than ${KEY_AGE_WARN_DAYS})`, fix: `mfa-env rotate --profile ${name}` };
  return { name: check, ok: true, detail: what };
}

/**
 * Whether the integration is loaded in the shell doctor runs from. The
 * shells export MFA_ENV_SHELL_INTEGRATION=NAME:PID, and children inherit it:
 * a zsh started from a bash that loaded it must not count. On Linux the
 * recorded shell must be doctor's parent, or an ancestor reached through
 * forks of that same shell only (a $(...) subshell); elsewhere, the variable
 * is taken at its word.
 */
function integrationHere(value: string): { shell: string; here: boolean } {
  const [shell = value, pidText] = value.split(':');
  const pid = Number(pidText);
  if (!pidText || !Number.isInteger(pid) || process.platform !== 'linux') return { shell, here: true };
  const recorded = readProcStat(pid)?.comm;
  for (let at = process.ppid, hops = 0; at > 1 && hops < 16; hops++) {
    if (at === pid) return { shell, here: true };
    const up = readProcStat(at);
    if (!up || up.comm !== recorded) break;
    at = up.ppid;
  }
  return { shell, here: false };
}

function checkIntegration(): Check {
  const loaded = process.env.MFA_ENV_SHELL_INTEGRATION;
  const found = loaded ? integrationHere(loaded) : undefined;
  if (found?.here) return { name: 'shell integration', ok: true, detail: `loaded in this ${found.shell}` };
  const shell = detectDialect();
  const line = {
    bash: 'eval "$(mfa-env init bash)"  in ~/.bashrc',
    zsh: 'eval "$(mfa-env init zsh)"  in ~/.zshrc',
    fish: 'mfa-env init fish | source  in ~/.config/fish/conf.d/mfa-env.fish',
    powershell: 'mfa-env init powershell | Out-String | Invoke-Expression  in $PROFILE',
  }[shell];
  const outer = found ? `; it is loaded in an outer ${found.shell}` : '';
  return { name: 'shell integration', ok: false, detail: `not loaded in this ${shell} (no mfa wrapper, no prompt segment${outer})`, fix: `add  ${line}  (./install.sh does it), then open a new shell` };
}

/**
 * NODE_EXTRA_CA_CERTS, when set: readable, and every certificate in it
 * parses. Through the launchers mfa-env reads the file only when it calls
 * AWS (src/aws/extra-ca.ts), so a broken one shows nowhere else until a mint
 * fails; and a certificate that does not parse is skipped without a word.
 */
function checkExtraCa(): Check[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  const name = 'NODE_EXTRA_CA_CERTS';
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    return [{ name, ok: false, ...describeFileError(err, file, 'read', 'NODE_EXTRA_CA_CERTS') }];
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return [{ name, ok: false, detail: `${file} holds no PEM certificate`, fix: 'point NODE_EXTRA_CA_CERTS at a PEM file of CA certificates' }];
  const { X509Certificate } = process.getBuiltinModule('node:crypto');
  const bad = blocks.findIndex((block) => {
    try {
      new X509Certificate(block);
      return false;
    } catch {
      return true;
    }
  });
  if (bad >= 0) return [{ name, ok: false, detail: `certificate ${bad + 1} of ${blocks.length} in ${file} does not parse (TLS leaves it out)`, fix: 'fix or remove it' }];
  return [{ name, ok: true, detail: `${file}: ${blocks.length} certificate${blocks.length > 1 ? 's' : ''}` }];
}

function checkPath(): Check[] {
  return ['mfa-env', 'mfa-exec'].map((bin) => {
    const found = findOnPath(bin);
    return found
      ? { name: bin, ok: true, detail: `on PATH: ${found}` }
      : { name: bin, ok: false, detail: 'not on PATH', fix: 'run ./install.sh, or add ~/.local/bin to PATH' };
  });
}

export async function doctorCommand(): Promise<number> {
  const current = currentProfile();
  const { check: storeCheck, store } = await checkStore();
  const files = checkAwsFiles();
  const profileChecks = current.name !== undefined ? await checkProfile(current.name, files[0]!.ok, store) : [current.problem];
  const checks: Check[] = [checkNode(), storeCheck, ...files, ...profileChecks, checkIntegration(), ...checkPath(), ...checkExtraCa()];
  for (const c of checks) {
    process.stdout.write(`${c.warn ? 'warning' : c.ok ? 'ok     ' : 'problem'}  ${c.name}: ${c.detail}\n`);
    if ((!c.ok || c.warn) && c.fix) process.stdout.write(`         fix: ${c.fix}\n`);
  }
  const problems = checks.filter((c) => !c.ok).length;
  const warnings = checks.filter((c) => c.warn).length;
  const warned = warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : '';
  process.stdout.write(problems ? `${problems} problem${problems > 1 ? 's' : ''} found${warned}\n` : `all good${warned}\n`);
  return problems ? 1 : 0;
}
