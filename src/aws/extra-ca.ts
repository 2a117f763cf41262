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
import { readUserFile } from '../fs/read-file.js';

/** Where the launchers keep NODE_EXTRA_CA_CERTS while Node starts. */
export const STASH = 'MFA_ENV_NODE_EXTRA_CA_CERTS';

/** The deferred file, and which program (mfa-env, mfa-exec) a warning about it speaks for. */
let deferred: { file: string; program: string } | undefined;

/**
 * The entries call this before anything reads the environment: the variable
 * goes back where the caller had it, and the file is remembered for
 * extraCaOption(). A stash with NODE_EXTRA_CA_CERTS also set (someone set it
 * again after the launcher) or empty is dropped: Node has loaded that one.
 */
export function restoreExtraCaCerts(program: 'mfa-env' | 'mfa-exec', env: NodeJS.ProcessEnv = process.env): void {
  const file = env[STASH];
  if (file === undefined) return;
  delete env[STASH];
  if (!file || env.NODE_EXTRA_CA_CERTS !== undefined) return;
  env.NODE_EXTRA_CA_CERTS = file;
  deferred = { file, program };
}

type Tls = typeof import('node:tls');
type AgentTls = { secureContext: import('node:tls').SecureContext } | { ca: string[] };
/** What extraCaOption() made of the deferred file: made once per run. */
let agentTls: AgentTls | undefined;

/**
 * Node's default CA store with the file's certificates added: what a TLS
 * connection trusts when Node loads NODE_EXTRA_CA_CERTS itself, whichever
 * store this Node defaults to (its bundled roots, the system's with
 * --use-openssl-ca or a distribution's build, NODE_USE_SYSTEM_CA). A context
 * made with no `ca` starts from that store; addCACert is how Node's own
 * createSecureContext adds a `ca`, every certificate of the PEM text, to a
 * copy of it. Where a Node lacks it: the documented default list (Node ≥
 * 22.15), else the bundled roots, plus the file.
 */
function withExtraCa(tls: Tls, pem: string): AgentTls {
  const context = tls.createSecureContext();
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert === 'function') {
    native.addCACert(pem);
    return { secureContext: context };
  }
  const defaults =
    (tls as { getCACertificates?: (which: string) => string[] }).getCACertificates?.('default') ?? tls.rootCertificates;
  return { ca: [...defaults, pem] };
}

/**
 * The request handler's `httpsAgent` option when the launcher deferred the
 * file (undefined otherwise: Node has loaded it, or there is none). Made once
 * per run. A file that cannot be read is ignored with a warning, as Node
 * does when it starts.
 */
export function extraCaOption(): { httpsAgent: AgentTls } | undefined {
  if (!deferred) return undefined;
  const { file, program } = deferred;
  if (!agentTls) {
    let pem: string;
    try {
      pem = readUserFile(file).toString('utf8');
    } catch (err) {
      process.stderr.write(
        `${program}: warning: ignoring extra certs from '${file}' (NODE_EXTRA_CA_CERTS): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
      );
      deferred = undefined;
      return undefined;
    }
    // node:tls only here: the entries import this module for restoreExtraCaCerts.
    agentTls = withExtraCa(process.getBuiltinModule('node:tls'), pem);
  }
  return { httpsAgent: agentTls };
}
