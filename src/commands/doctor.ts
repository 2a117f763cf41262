import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUrl, signingRegion, stsEndpoint } from '../aws/endpoints.js';
import { proxyFor } from '../aws/proxy-env.js';
import { visible } from '../cli/printable.js';
import { describeFileError, refusedSectionProblem, sdkRefusedSection } from '../config/file-errors.js';
import { awsConfigFile, awsCredentialsFile } from '../config/paths.js';
import {
  followMfaEnvWrappers,
  listProfiles,
  mfaEnvTargetOf,
  profileNames,
  readProfile,
  resolveProfileName,
  type ProfileConfig,
} from '../config/profiles.js';
import { isRoleProfile, readProfileChain } from '../config/roles.js';
import { checkMfaSerial, isFidoSerial } from '../config/validate.js';
import { MfaEnvError } from '../errors.js';
import { readUserFile } from '../fs/read-file.js';
import { nearest } from '../nearest.js';
import { findOnPath } from '../os/path-search.js';
import { readProcStat, startedWith } from '../os/processes.js';
import { reusableSession, SDK_MARGIN_MS } from '../session/cache.js';
import { findLongTermKey, longTermKeysIn } from '../session/long-term-key.js';
import type { LongTermKey } from '../session/types.js';
import { days, keyAgeDays, maskKeyId } from './mask.js';
import { detectDialect } from '../shells/detect.js';
import type { Dialect } from '../shells/types.js';
import { openStore, type SecretStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';

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

/** Below this, credentials leave an SDK too little use before it refreshes them (SDK_MARGIN_MS before their end). */
const SDK_USEFUL_DURATION = 1800;

const message = (err: unknown) => (err instanceof MfaEnvError ? err.message : String((err as Error)?.message ?? err));

function checkNode(): Check {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = major > 20 || (major === 20 && minor >= 19);
  return {
    name: 'node',
    ok,
    detail: `Node.js ${process.versions.node}`,
    fix: ok ? undefined : 'install Node.js 20.19 or later',
  };
}

async function checkStore(): Promise<{ check: Check; store?: SecretStore }> {
  try {
    const store = traceStore(openStore());
    await store.get('doctor:probe');
    return { check: { name: 'secret store', ok: true, detail: `${store.backend}: ${store.location} answers` }, store };
  } catch (err) {
    const hint = err instanceof MfaEnvError ? err.hint : undefined;
    return {
      check: {
        name: 'secret store',
        ok: false,
        detail: message(err),
        fix: hint ?? 'set MFA_ENV_STORE=file on a machine without a keychain',
      },
    };
  }
}

/**
 * One AWS file, read here: the SDK's reader, which the rest of mfa-env
 * uses, takes a file it cannot read for an empty one.
 */
function checkAwsFile(name: string, path: string, variable: string, whenMissing: string): Check {
  try {
    const section = sdkRefusedSection(readUserFile(path).toString('utf8'));
    if (section) return { name, ok: false, ...refusedSectionProblem(path, section) };
    return { name, ok: true, detail: `${path} readable` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { name, ok: true, detail: `${path} not there (fine: ${whenMissing})` };
    return { name, ok: false, ...describeFileError(err, path, 'read', variable) };
  }
}

function checkAwsFiles(): Check[] {
  return [
    checkAwsFile('aws config', awsConfigFile(), 'AWS_CONFIG_FILE', 'mfa-env setup writes it'),
    checkAwsFile(
      'aws credentials',
      awsCredentialsFile(),
      'AWS_SHARED_CREDENTIALS_FILE',
      'the long-term key is in the secret store',
    ),
  ];
}

/**
 * The profiles to check: `-p NAME` alone; else every profile that is set up
 * (an mfa_serial in the AWS files, or a key in the store) and the one the
 * environment names ($AWS_PROFILE, $MFA_ENV_PROFILE) even when it is not;
 * with none of those, `default`. A name mfa-env refuses is a problem of its
 * own, not the end of the checks.
 */
async function profilesToCheck(
  flag: string | undefined,
  configReadable: boolean,
  store: SecretStore | undefined,
): Promise<{ names: string[]; problems: Check[] }> {
  const problems: Check[] = [];
  if (flag !== undefined) return { names: [resolveProfileName(flag)], problems };
  const names = new Set<string>();
  if (configReadable) {
    try {
      for (const p of await listProfiles()) if (p.mfaSerial) names.add(p.name);
    } catch {
      // the AWS file checks say what is wrong with the files
    }
  }
  if (store) {
    try {
      for (const name of longTermKeysIn(await store.entries()).keys()) names.add(name);
    } catch {
      // the secret store check says so
    }
  }
  try {
    const current = resolveProfileName(undefined);
    if (current !== 'default' || names.size === 0) names.add(current);
  } catch (err) {
    problems.push({
      name: 'profile',
      ok: false,
      detail: message(err),
      fix: 'set AWS_PROFILE to a profile whose name mfa-env accepts, or unset it',
    });
  }
  return { names: [...names].sort(), problems };
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
      checks.push({
        name: `profile ${name}`,
        ok: false,
        detail: message(err),
        fix: err instanceof MfaEnvError ? err.hint : undefined,
      });
    }
  }
  if (profile && isRoleProfile(profile))
    return [...checks, ...(await checkRoleProfile(profile, configReadable, store))];
  if (profile && mfaEnvTargetOf(profile)) {
    // setup --credential-process NAME: nothing of its own; the profile it runs mfa-env for is checked.
    let wrapped: string;
    try {
      wrapped = await followMfaEnvWrappers(name);
    } catch (err) {
      return [...checks, { name: `profile ${name}`, ok: false, detail: message(err), fix: (err as MfaEnvError).hint }];
    }
    return [
      ...checks,
      { name: `profile ${name}`, ok: true, detail: `credential_process runs mfa-env for '${wrapped}'` },
      ...(await checkProfile(wrapped, configReadable, store)),
    ];
  }
  if (profile && !profile.mfaSerial) {
    const guess = profile.exists ? undefined : nearest(name, await profileNames().catch(() => []));
    checks.push({
      name: `profile ${name}`,
      ok: false,
      detail: profile.exists
        ? 'no mfa_serial'
        : `not in the AWS config or credentials file${guess ? `; did you mean ${guess}?` : ''}`,
      fix: setup,
    });
  } else if (profile?.mfaSerial) {
    try {
      checkMfaSerial(profile.mfaSerial, name);
      checks.push({ name: `profile ${name}`, ok: true, detail: `mfa_serial ${profile.mfaSerial}` });
    } catch (err) {
      checks.push({
        name: `profile ${name}`,
        ok: false,
        detail: message(err),
        fix: isFidoSerial(profile.mfaSerial) && err instanceof MfaEnvError ? err.hint : setup,
      });
    }
  }
  if (profile) checks.push(...checkDuration(profile, 'plain'));
  if (store) {
    try {
      const key = await findLongTermKey(store, name);
      checks.push(
        key
          ? { name: `key ${name}`, ok: true, detail: `stored (${maskKeyId(key.accessKeyId)})` }
          : { name: `key ${name}`, ok: false, detail: 'none stored', fix: setup },
      );
      if (key) checks.push(await checkKeyAge(name, key, store, profile));
    } catch (err) {
      checks.push({ name: `key ${name}`, ok: false, detail: message(err) });
    }
  }
  return checks;
}

/**
 * A role profile: its chain (valid role ARNs, every source there, no loop,
 * no credential_source), then the base profile's own checks (mfa_serial, key).
 */
async function checkRoleProfile(
  profile: ProfileConfig,
  configReadable: boolean,
  store: SecretStore | undefined,
): Promise<Check[]> {
  try {
    const chain = await readProfileChain(profile.name);
    const path = [...chain.hops]
      .reverse()
      .map((h) => h.profile)
      .concat(chain.base.name);
    const check: Check = {
      name: `profile ${profile.name}`,
      ok: true,
      detail: `role ${profile.roleArn} (${path.join(' → ')})`,
    };
    return [check, ...checkDuration(profile, 'role'), ...(await checkProfile(chain.base.name, configReadable, store))];
  } catch (err) {
    return [
      {
        name: `profile ${profile.name}`,
        ok: false,
        detail: message(err),
        fix: err instanceof MfaEnvError ? err.hint : undefined,
      },
    ];
  }
}

/**
 * A duration_seconds that leaves an SDK little or no use of the credentials:
 * botocore and the other SDKs refresh them 15 minutes before they end, so
 * credential-process and `mfa-exec --server` replace them then (SPEC
 * "Margins"): a new MFA code each time for a plain profile, another
 * AssumeRole for a role. A shell's export reuses them until 5 minutes
 * before: a warning, not a problem.
 */
function checkDuration(profile: ProfileConfig, kind: 'plain' | 'role'): Check[] {
  const d = profile.durationSeconds;
  if (d === undefined || d >= SDK_USEFUL_DURATION) return [];
  const margin = SDK_MARGIN_MS / 1000;
  const then = kind === 'plain' ? 'a new MFA code' : 'another AssumeRole';
  const use =
    d <= margin
      ? `every call gets new ones (${then} each time)`
      : `an SDK can use each for ${Math.round((d - margin) / 60)} min (then ${then})`;
  return [
    {
      name: `duration ${profile.name}`,
      ok: true,
      warn: true,
      detail: `duration_seconds = ${d}: SDKs refresh credentials ${margin / 60} minutes before they end, so through credential_process or mfa-exec --server ${use}`,
      fix: `set duration_seconds to ${SDK_USEFUL_DURATION} or more in [profile ${profile.name}], or remove it (default ${kind === 'plain' ? '12 h' : '1 h'})`,
    },
  ];
}

/**
 * The key's age: as recorded when IAM told mfa-env (rotate, setup's
 * discovery), else asked of IAM (ListAccessKeys) when the profile has a
 * cached MFA session of this key to sign with: many accounts allow IAM calls
 * only with MFA, and without a session doctor sends nothing to AWS. Past
 * KEY_AGE_WARN_DAYS: a warning.
 */
async function checkKeyAge(
  name: string,
  key: LongTermKey,
  store: SecretStore,
  profile: ProfileConfig | undefined,
): Promise<Check> {
  const check = 'key age';
  let created = key.createDate;
  if (!created) {
    try {
      const session = profile?.mfaSerial ? await reusableSession(store, name, profile.mfaSerial) : undefined;
      if (!session || session.sourceKeyId !== key.accessKeyId) {
        return {
          name: check,
          ok: true,
          detail: `unknown: doctor asks IAM with a cached session, and ${name} has none (mfa-env rotate records the age)`,
        };
      }
      const { listAccessKeys } = await import('../aws/iam.js');
      created = (await listAccessKeys(session, profile?.region))
        .find((k) => k.accessKeyId === key.accessKeyId)
        ?.createDate?.toISOString();
    } catch (err) {
      return { name: check, ok: true, detail: `unknown: IAM did not say (${message(err)})` };
    }
  }
  const age = keyAgeDays(created);
  if (age === undefined) return { name: check, ok: true, detail: 'unknown: IAM did not list the key' };
  const what = `${maskKeyId(key.accessKeyId)} was created ${days(age)} ago`;
  if (age > KEY_AGE_WARN_DAYS)
    return {
      name: check,
      ok: true,
      warn: true,
      detail: `${what} (more than ${KEY_AGE_WARN_DAYS})`,
      fix: `mfa-env rotate --profile ${name}`,
    };
  return { name: check, ok: true, detail: what };
}

/**
 * Whether the integration is loaded in the shell doctor runs from. The
 * shells export MFA_ENV_SHELL_INTEGRATION=NAME:PID, and children inherit it:
 * a zsh started from a bash that loaded it must not count. On Linux the
 * recorded shell must be doctor's parent, or an ancestor reached through
 * forks of that same shell only (a $(...) subshell, which was never exec'd:
 * a `bash --norc` started from it has the same name but was started with the
 * variable set); elsewhere, the variable is taken at its word.
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
    // Started with the variable already set: a new shell (bash --norc from the loaded one), not a fork of it.
    if (startedWith(at, `MFA_ENV_SHELL_INTEGRATION=${value}`)) break;
    at = up.ppid;
  }
  return { shell, here: false };
}

/** dist/shell/mfa-env.EXT next to this bundle: what `init` prints, as a file to source. */
function shellFileOfThisBuild(shell: Dialect): string {
  return fileURLToPath(new URL(`./shell/mfa-env.${shell === 'powershell' ? 'ps1' : shell}`, import.meta.url));
}

const quote = (path: string) => (/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`);

/** The startup file install.sh puts the block into, for each shell. */
function rcFile(shell: Dialect): string {
  const home = homedir();
  if (shell === 'bash') return join(home, '.bashrc');
  if (shell === 'zsh') return join(process.env.ZDOTDIR || home, '.zshrc');
  if (shell === 'fish')
    return join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'fish', 'conf.d', 'mfa-env.fish');
  return '$PROFILE';
}

const BLOCK = /^# >>> mfa-env >>>\n([\s\S]*?)^# <<< mfa-env <<<$/m;

/**
 * Why the integration is not loaded, from the shell's startup file: no
 * block at all; a block of an earlier install.sh, which loaded it only when
 * mfa-env was on PATH as the file ran (not so in a terminal's non-login
 * shell when only ~/.profile adds ~/.local/bin); or a block whose file is
 * gone (the checkout moved).
 */
function diagnoseStartupFile(shell: Dialect): { detail: string; fix: string } {
  const file = rcFile(shell);
  const shown = file.startsWith(homedir() + '/') ? `~${file.slice(homedir().length)}` : file;
  let text: string | undefined;
  try {
    text = shell === 'powershell' ? undefined : readUserFile(file).toString('utf8');
  } catch {
    text = undefined;
  }
  const block = text !== undefined ? BLOCK.exec(text)?.[1] : undefined;
  if (block === undefined) {
    const own = shellFileOfThisBuild(shell);
    const line = shell === 'fish' ? `source ${quote(own)}` : `. ${quote(own)}`;
    return {
      detail: `no mfa-env block in ${shown}`,
      fix: `add  ${line}  to ${shown} (./install.sh does it), then open a new shell`,
    };
  }
  const sourced = /(?:^|\s)(?:\.|source) '([^']+)'/m.exec(block)?.[1];
  if (sourced === undefined && /command -[vq] mfa-env/.test(block)) {
    return {
      detail: `the mfa-env block is in ${shown}, but mfa-env was not on PATH when it ran, so it did nothing`,
      fix: 'run ./install.sh again: its block now puts the bin directory on PATH itself; then open a new shell',
    };
  }
  if (sourced !== undefined) {
    try {
      accessSync(sourced, constants.R_OK);
    } catch {
      return {
        detail: `the mfa-env block in ${shown} loads ${sourced}, which is not there (checkout moved?)`,
        fix: 'run ./install.sh again from the checkout, then open a new shell',
      };
    }
  }
  return {
    detail: `the mfa-env block is in ${shown} but did not run in this shell (started with --norc, or not interactive?)`,
    fix: 'open a new terminal; or load it here: eval "$(mfa-env init ' + shell + ')"',
  };
}

function checkIntegration(): Check {
  const loaded = process.env.MFA_ENV_SHELL_INTEGRATION;
  const found = loaded ? integrationHere(loaded) : undefined;
  if (found?.here) return { name: 'shell integration', ok: true, detail: `loaded in this ${found.shell}` };
  const shell = detectDialect();
  const outer = found ? ` (it is loaded in an outer ${found.shell})` : '';
  const why = diagnoseStartupFile(shell);
  return {
    name: 'shell integration',
    ok: false,
    detail: `not loaded in this ${shell}: ${why.detail}${outer}`,
    fix: why.fix,
  };
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
    pem = readUserFile(file).toString('utf8');
  } catch (err) {
    return [{ name, ok: false, ...describeFileError(err, file, 'read', 'NODE_EXTRA_CA_CERTS') }];
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    return [
      {
        name,
        ok: false,
        detail: `${file} holds no PEM certificate`,
        fix: 'point NODE_EXTRA_CA_CERTS at a PEM file of CA certificates',
      },
    ];
  const { X509Certificate } = process.getBuiltinModule('node:crypto');
  const bad = blocks.findIndex((block) => {
    try {
      new X509Certificate(block);
      return false;
    } catch {
      return true;
    }
  });
  if (bad >= 0)
    return [
      {
        name,
        ok: false,
        detail: `certificate ${bad + 1} of ${blocks.length} in ${file} does not parse (TLS leaves it out)`,
        fix: 'fix or remove it',
      },
    ];
  return [{ name, ok: true, detail: `${file}: ${blocks.length} certificate${blocks.length > 1 ? 's' : ''}` }];
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'];

/** With a proxy variable set: which way STS is reached, as the calls will pick it (a password never shown). */
function checkProxy(): Check[] {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return [];
  const endpoint = stsEndpoint() ?? `https://sts.${signingRegion(undefined)}.amazonaws.com`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return [
      {
        name: 'proxy',
        ok: false,
        detail: `the STS endpoint ${redactUrl(endpoint)} is not a URL`,
        fix: 'fix AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL',
      },
    ];
  }
  try {
    const proxy = proxyFor(url);
    const scheme = url.protocol.replace(/:$/, '');
    return [
      {
        name: 'proxy',
        ok: true,
        detail: proxy
          ? `STS (${url.host}) through ${redactUrl(proxy.href)}`
          : `STS (${url.host}) direct: NO_PROXY names it, or no ${scheme} proxy is set`,
      },
    ];
  } catch (err) {
    return [{ name: 'proxy', ok: false, detail: message(err), fix: err instanceof MfaEnvError ? err.hint : undefined }];
  }
}

function checkPath(): Check[] {
  return ['mfa-env', 'mfa-exec'].map((bin) => {
    const found = findOnPath(bin);
    return found
      ? { name: bin, ok: true, detail: `on PATH: ${found}` }
      : { name: bin, ok: false, detail: 'not on PATH', fix: 'run ./install.sh, or add ~/.local/bin to PATH' };
  });
}

export async function doctorCommand(args: { profile?: string } = {}): Promise<number> {
  const { check: storeCheck, store } = await checkStore();
  const files = checkAwsFiles();
  const toCheck = await profilesToCheck(args.profile, files[0]!.ok, store);
  const profileChecks = [...toCheck.problems];
  const names = toCheck.names;
  // A role profile brings its base's checks, which may be on the list too: each line once.
  const seen = new Set<string>();
  for (const name of names) {
    for (const c of await checkProfile(name, files[0]!.ok, store)) {
      const id = `${c.name}\0${c.detail}`;
      if (!seen.has(id)) profileChecks.push(c);
      seen.add(id);
    }
  }
  const checks: Check[] = [
    checkNode(),
    storeCheck,
    ...files,
    ...profileChecks,
    checkIntegration(),
    ...checkPath(),
    ...checkExtraCa(),
    ...checkProxy(),
  ];
  for (const c of checks) {
    // Names, serials and paths come from the AWS files and the environment: shown, never sent to the terminal.
    process.stdout.write(
      `${c.warn ? 'warning' : c.ok ? 'ok     ' : 'problem'}  ${visible(c.name)}: ${visible(c.detail)}\n`,
    );
    if ((!c.ok || c.warn) && c.fix) process.stdout.write(`         fix: ${visible(c.fix)}\n`);
  }
  const problems = checks.filter((c) => !c.ok).length;
  const warnings = checks.filter((c) => c.warn).length;
  const warned = warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : '';
  process.stdout.write(
    problems ? `${problems} problem${problems > 1 ? 's' : ''} found${warned}\n` : `all good${warned}\n`,
  );
  return problems ? 1 : 0;
}
