// A local STS + IAM speaking the AWS Query protocol on one port, for
// `mfa-env demo` (product code: it ships in dist/, loaded only by demo), and
// reused by the test suite and the bench. The service is taken from the SigV4 credential
// scope, which is how one endpoint URL can serve both SDK clients.
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ACTIONS } from './actions.js';
import { authenticate } from './auth.js';
import { QueryError, invalidAction, missingAction, signatureMismatch } from './errors.js';
import { findDevice, unusedCode } from './mfa.js';
import { parseAuthorization } from './sigv4.js';
import type { SigV4Auth, WireRequest } from './sigv4.js';
import { totp } from './totp.js';
import { addAccessKey, keysOf, newKeyState } from './iam-keys.js';
import { API_VERSIONS, errorDocument, resultDocument } from './xml.js';
import type { Service } from './xml.js';
import { randomAccessKeyId, randomSecretAccessKey, randomSessionToken } from './users.js';
import type { EmulatorUser } from './users.js';
import type { EmulatorState, IssueCredentials, Lifetime } from './state.js';
import type { EmulatorRole } from './roles.js';

export type { EmulatorUser, IamPolicy, MfaDevice } from './users.js';
export type { IssueCredentials, IssuedCredentials, Lifetime } from './state.js';
export type { EmulatorRole } from './roles.js';
export { makeUser } from './users.js';
export { roleArn, assumedRoleArn } from './roles.js';

export interface EmulatorCall {
  action: string;
  service: Service;
  accessKeyId?: string;
  ok: boolean;
  errorCode?: string;
  at: number;
}

export interface EmulatorOptions {
  users?: EmulatorUser[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** The emulator's clock; drives TOTP windows, signature age and session expiry. */
  now?: () => number;
  issueCredentials?: IssueCredentials;
  /** Roles AssumeRole can assume. */
  roles?: EmulatorRole[];
  /** Real lifetime of issued credentials (default: what was asked). */
  lifetime?: Lifetime;
  /** How long a key made by CreateAccessKey is refused while IAM propagates it (emulator clock); default 5 s. */
  keyPropagationMs?: number;
  /** Serve HTTPS with this PEM key and certificate (the URL is then https://127.0.0.1:PORT). */
  tls?: { key: string; cert: string };
}

export interface Emulator {
  /** http://127.0.0.1:PORT, or https:// with the tls option */
  url: string;
  port: number;
  users: EmulatorUser[];
  addUser(u: EmulatorUser): void;
  roles: EmulatorRole[];
  addRole(r: EmulatorRole): void;
  /** Replaces the lifetime rule for what is issued from now on. */
  setLifetime(l: Lifetime | undefined): void;
  /** Ends issued credentials now, as revocation would (all of them without an id): AWS then answers ExpiredToken. */
  expire(accessKeyId?: string): void;
  calls: EmulatorCall[];
  count(action?: string, outcome?: 'ok' | 'error'): number;
  resetCalls(): void;
  /**
   * A code the emulator accepts now. Without `timeMs`: the current step's code,
   * or a neighbouring step's when that one is already spent. With `timeMs`:
   * exactly the TOTP for that moment.
   */
  codeFor(serialNumber: string, timeMs?: number): string;
  /** The user's access keys that exist now (ids and CreateDate), oldest first. */
  accessKeysOf(user: EmulatorUser): { accessKeyId: string; secretAccessKey: string; createdAt: number }[];
  /** Gives the user another key, as CreateAccessKey would, already propagated. */
  addAccessKey(user: EmulatorUser, createdAt?: number): { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

const defaultCredentials: IssueCredentials = () => ({
  accessKeyId: randomAccessKeyId('ASIA'),
  secretAccessKey: randomSecretAccessKey(),
  sessionToken: randomSessionToken(),
});

const askedLifetime: Lifetime = ({ durationSeconds }) => durationSeconds;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new QueryError(413, 'RequestEntityTooLarge', 'Request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toWire(req: IncomingMessage, body: Buffer): WireRequest {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: req.headersDistinct,
    body,
  };
}

/** Query protocol parameters: the query string, then a form body (which wins). */
function readParams(wire: WireRequest): URLSearchParams {
  const params = new URLSearchParams(wire.query);
  if (wire.body.length > 0) {
    for (const [k, v] of new URLSearchParams(wire.body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

function serviceOf(auth: SigV4Auth): Service {
  if (auth.service === 'sts' || auth.service === 'iam') return auth.service;
  throw signatureMismatch("Credential should be scoped to correct service: 'sts'. ");
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const now = opts.now ?? Date.now;
  const state: EmulatorState = {
    users: opts.users ? [...opts.users] : [],
    sessions: new Map(),
    usedCodes: new Set(),
    now,
    issueCredentials: opts.issueCredentials ?? defaultCredentials,
    roles: opts.roles ? [...opts.roles] : [],
    lifetime: opts.lifetime ?? askedLifetime,
    startedAt: now(),
    keys: newKeyState(opts.keyPropagationMs),
  };
  const calls: EmulatorCall[] = [];

  function respond(res: ServerResponse, status: number, xml: string, requestId: string) {
    res.writeHead(status, {
      'Content-Type': 'text/xml',
      'Content-Length': Buffer.byteLength(xml),
      'x-amzn-RequestId': requestId,
      // SDKs correct their clock from this header, so it must be the emulator's clock.
      Date: new Date(now()).toUTCString(),
    });
    res.end(xml);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestId = randomUUID();
    let service: Service = 'sts';
    let action = '';
    let accessKeyId: string | undefined;
    try {
      const wire = toWire(req, await readBody(req));
      const params = readParams(wire);
      action = params.get('Action') ?? '';
      const auth = parseAuthorization(wire);
      accessKeyId = auth.accessKeyId;
      service = serviceOf(auth);
      const caller = authenticate(state, wire, auth);
      if (action === '') throw missingAction();
      const run = ACTIONS[service][action];
      if (!run) throw invalidAction(action, params.get('Version') ?? API_VERSIONS[service]);
      const xml = resultDocument(service, action, run({ state, caller, params }), requestId);
      calls.push({ action, service, accessKeyId, ok: true, at: now() });
      respond(res, 200, xml, requestId);
    } catch (err) {
      const e =
        err instanceof QueryError
          ? err
          : new QueryError(
              500,
              'InternalFailure',
              'The request processing has failed because of an unknown error, exception or failure.',
              'Receiver',
            );
      if (!(err instanceof QueryError)) console.error('[sts-emulator]', err);
      calls.push({ action, service, accessKeyId, ok: false, errorCode: e.code, at: now() });
      if (!res.headersSent && !res.destroyed) {
        respond(
          res,
          e.status,
          errorDocument(service, { type: e.type, code: e.code, message: e.message }, requestId),
          requestId,
        );
      }
    }
  }

  const server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => void handle(req, res))
    : createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    users: state.users,
    addUser: (u) => void state.users.push(u),
    roles: state.roles,
    addRole: (r) => void state.roles.push(r),
    setLifetime: (l) => void (state.lifetime = l ?? askedLifetime),
    expire(accessKeyId) {
      for (const [id, session] of state.sessions)
        if (accessKeyId === undefined || id === accessKeyId) session.expiresAt = now();
    },
    calls,
    count: (a, outcome) =>
      calls.filter((c) => (a === undefined || c.action === a) && (outcome === undefined || c.ok === (outcome === 'ok')))
        .length,
    resetCalls: () => void calls.splice(0),
    codeFor(serialNumber, timeMs) {
      const device = findDevice(state.users, serialNumber);
      if (!device) throw new Error(`no MFA device ${serialNumber} in this emulator`);
      return timeMs === undefined ? unusedCode(state, device, now()) : totp(device.secret, timeMs);
    },
    accessKeysOf: (user) =>
      keysOf(state, user).map(({ accessKeyId, secretAccessKey, createdAt }) => ({
        accessKeyId,
        secretAccessKey,
        createdAt,
      })),
    addAccessKey(user, createdAt) {
      const { accessKeyId, secretAccessKey } = addAccessKey(state, user, createdAt);
      return { accessKeyId, secretAccessKey };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets held by SDK agents would otherwise keep close() pending.
        server.closeAllConnections();
      }),
  };
}
