// NODE_EXTRA_CA_CERTS, read when mfa-env calls AWS rather than when Node starts.
//
// Node 20 reads and parses the file NODE_EXTRA_CA_CERTS names while it starts,
// before any JavaScript runs: ~80 ms for a distribution's whole bundle
// (/etc/ssl/certs/ca-certificates.crt), twice Node's own start. mfa-env needs
// those certificates only to call STS or IAM; a cached run opens no TLS
// connection. So the launchers (dist/mfa-env, dist/mfa-exec, written by
// scripts/build.mjs, linked by install.sh) move the variable to STASH before
// they exec Node, and this module puts it back first thing, so every process
// mfa-env starts (mfa-exec's command, mfa_process) sees the caller's
// environment, and hands the file to the AWS clients' HTTPS agent.
import { readFileSync } from 'node:fs';

/** Where the launchers keep NODE_EXTRA_CA_CERTS while Node starts. */
export const STASH = 'MFA_ENV_NODE_EXTRA_CA_CERTS';

// On globalThis: the hot entry, the lazy chunks and dist/sts.cjs each have a
// copy of this module (scripts/build.mjs).
const KEY = Symbol.for('mfa-env.deferredExtraCaCerts');
type Holder = { [KEY]?: string };

/**
 * The entries call this before anything reads the environment: the variable
 * goes back where the caller had it, and the file is remembered for
 * extraCaOption(). A stash with NODE_EXTRA_CA_CERTS also set (someone set it
 * again after the launcher) or empty is dropped: Node has loaded that one.
 */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[STASH];
  if (file === undefined) return;
  delete env[STASH];
  if (!file || env.NODE_EXTRA_CA_CERTS !== undefined) return;
  env.NODE_EXTRA_CA_CERTS = file;
  (globalThis as Holder)[KEY] = file;
}

/**
 * The request handler's `httpsAgent` option when the launcher deferred the
 * file: Node's roots plus the file's certificates, which is what Node's
 * default store holds when it loads the variable itself. A file that cannot
 * be read is ignored with a warning, as Node does.
 */
export function extraCaOption(warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): { httpsAgent: { ca: string[] } } | undefined {
  const file = (globalThis as Holder)[KEY];
  if (!file) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    warn(`mfa-env: warning: ignoring extra certs from '${file}' (NODE_EXTRA_CA_CERTS): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    delete (globalThis as Holder)[KEY];
    return undefined;
  }
  // node:tls only here: the entries import this module for restoreExtraCaCerts.
  return { httpsAgent: { ca: [...process.getBuiltinModule('node:tls').rootCertificates, pem] } };
}
