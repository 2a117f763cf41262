import { sessionFromArgs } from '../commands/session.js';
import type { ExecArgs } from '../cli/options.js';
import { MfaEnvError } from '../errors.js';
import { applyEnvironment, type EnvChange } from '../session/environment.js';
import { SDK_MARGIN_MS } from '../session/cache.js';
import type { Session } from '../session/types.js';
import { openStore } from '../store/index.js';
import { withMemoryCache } from '../store/memory-cache.js';
import { startCredentialServer } from './credential-server.js';

/**
 * Variables that would take precedence over the endpoint, or hand COMMAND
 * credentials of their own: a relative URI (ECS's 169.254.170.2) and a token
 * file win over FULL_URI and the token in every SDK.
 */
const SHADOWING = ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'] as const;

/**
 * When credentials stop being handed out as they are: 15 minutes before they
 * expire (the SDKs' own refresh margin). Credentials just minted whose whole
 * life is shorter than twice that are handed out until half-way instead, so
 * that fresh short-lived ones go out as they are rather than renewed on
 * every request; cached ones are not fresh (SPEC "Margins").
 */
export function renewalTime(session: Session, source: 'cache' | 'minted', now = Date.now()): number {
  const end = session.expiration.getTime();
  if (source === 'cache') return end - SDK_MARGIN_MS;
  return end - Math.min(SDK_MARGIN_MS, Math.max(0, end - now) / 2);
}

/**
 * `mfa-exec --server -- COMMAND`: the credentials are fetched once before
 * COMMAND starts (so a code is asked before it takes the terminal), then
 * served from 127.0.0.1 for as long as COMMAND runs (the caller runs it with
 * the returned `env`, then calls close()), renewed when 15 minutes or less
 * remain. COMMAND's environment gets the endpoint and no credentials.
 */
export async function startExecServer(
  args: ExecArgs,
  env: NodeJS.ProcessEnv,
  /** More for COMMAND's environment (the subshell marker). */
  extra: EnvChange = new Map(),
): Promise<{ env: NodeJS.ProcessEnv; close(): Promise<void> }> {
  // --no-cache: nothing written anywhere, but the MFA session is kept in
  // memory for the job's life, so role renewals need no new code.
  const memory = args.cache === false ? withMemoryCache(openStore(env)) : undefined;
  const obtain = (a: ExecArgs) => sessionFromArgs(memory ? { ...a, cache: true } : a, env, SDK_MARGIN_MS, memory);
  const first = await obtain(args);
  let current = { session: first.session, renewAt: renewalTime(first.session, first.source) };
  // Later fetches: the cache (another terminal may have minted), else a new
  // session — never --refresh again, and a code only when one is needed.
  const renewArgs: ExecArgs = { ...args, refresh: false, code: undefined };
  const source = async (): Promise<Session> => {
    if (Date.now() < current.renewAt) return current.session;
    const { session, source: from } = await obtain(renewArgs);
    current = { session, renewAt: renewalTime(session, from) };
    return session;
  };
  // One report per run of failures: the SDK retries, and every retry failing the same way is no news.
  let reported: string | undefined;
  const server = await startCredentialServer(source, {
    onError: (err) => {
      const what = (err instanceof Error ? err.message : String(err)).replace(/[\u0000-\u001f\u007f]+/g, ' ');
      if (what === reported) return;
      reported = what;
      process.stderr.write(`mfa-exec: could not renew the credentials for the command: ${what}\n`);
      const hint = err instanceof MfaEnvError ? err.hint : undefined;
      process.stderr.write(
        `mfa-exec: ${hint ?? `the command's next request tries again; or set mfa_process in [profile ${first.profile.name}] so no one has to type a code`}\n`,
      );
    },
    onSuccess: () => {
      reported = undefined;
    },
  });
  const change: EnvChange = new Map<string, string | undefined>([
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', server.url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', server.token],
    ['MFA_ENV_PROFILE', first.profile.name],
  ]);
  for (const name of SHADOWING) change.set(name, undefined);
  for (const [name, value] of extra) change.set(name, value);
  if (first.region) {
    change.set('AWS_REGION', first.region);
    change.set('AWS_DEFAULT_REGION', first.region);
  }
  return { env: applyEnvironment(env, change), close: () => server.close() };
}
