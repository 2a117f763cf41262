// An independent SigV4 verifier (header auth only). It deliberately shares no
// code with @smithy/signature-v4 so that a bug in how a client signs cannot be
// mirrored by the same bug in how the emulator checks.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { incompleteSignature, missingAuth, signatureMismatch } from './errors.js';

/** The parts of an HTTP request a signature covers, as they arrived on the wire. */
export interface WireRequest {
  method: string;
  /** Path as sent (still percent-encoded), without the query. */
  path: string;
  /** Raw query string without the leading `?`. */
  query: string;
  /** Lower-case header names; repeated headers keep every value. */
  headers: Record<string, string[] | undefined>;
  body: Buffer;
}

export interface SigV4Auth {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The request's X-Amz-Date, YYYYMMDDTHHMMSSZ. */
  amzDate: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, which is what SigV4 canonicalises to (encodeURIComponent leaves !'()* alone). */
export function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function headerValue(req: WireRequest, name: string): string | undefined {
  const values = req.headers[name];
  return values === undefined ? undefined : values.join(',');
}

/**
 * Reads the Authorization header. Throws MissingAuthenticationToken when there
 * is none, IncompleteSignature when it is malformed.
 */
export function parseAuthorization(req: WireRequest): SigV4Auth {
  const header = headerValue(req, 'authorization');
  if (header === undefined || header.trim() === '') throw missingAuth();
  const [algorithm, ...rest] = header.trim().split(/\s+/);
  if (algorithm !== ALGORITHM) {
    throw incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm ?? ''}'`);
  }
  const fields = new Map<string, string>();
  for (const part of rest.join('').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const problems = ['Credential', 'Signature', 'SignedHeaders']
    .filter((k) => !fields.get(k))
    .map((k) => `Authorization header requires '${k}' parameter.`);
  const amzDate = headerValue(req, 'x-amz-date');
  if (!amzDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0) throw incompleteSignature(`${problems.join(' ')} Authorization=${header}`);

  const scope = fields.get('Credential')!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((p) => p === '')) {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${fields.get('Credential')}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = scope as [string, string, string, string];
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature: fields.get('Signature')!,
    amzDate: amzDate!,
  };
}

function parseAmzDate(amzDate: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * AWS refuses a signature dated more than 15 minutes from its own clock, with
 * these exact messages. Checked before the key is looked up, as AWS does.
 */
export function checkRequestTime(auth: SigV4Auth, nowMs: number): void {
  const signedAt = parseAmzDate(auth.amzDate);
  if (signedAt === undefined) {
    throw incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (signedAt < nowMs - MAX_SKEW_MS) {
    throw signatureMismatch(
      `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(nowMs - MAX_SKEW_MS)} (${formatAmzDate(nowMs)} - 15 min.)`,
    );
  }
  if (signedAt > nowMs + MAX_SKEW_MS) {
    throw signatureMismatch(
      `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(nowMs + MAX_SKEW_MS)} (${formatAmzDate(nowMs)} + 15 min.)`,
    );
  }
  if (auth.amzDate.slice(0, 8) !== auth.scopeDate) {
    throw signatureMismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
}

/** Non-S3 services sign the wire path encoded once more, after dropping `.`/`..`/empty segments. */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

function canonicalQuery(query: string): string {
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [uriEscape(safeDecode(key)), uriEscape(safeDecode(value))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalHeaders(req: WireRequest, names: string[]): string {
  return names
    .map((name) => {
      const values = (req.headers[name] ?? []).map((v) => v.trim().replace(/\s+/g, ' '));
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
}

/** The canonical request of SigV4 step 1; exported for tests and debugging. */
export function canonicalRequest(req: WireRequest, auth: SigV4Auth): string {
  const bodyHash = sha256Hex(req.body);
  const declared = headerValue(req, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) {
    // A signed header that lies about the body would let the body be swapped.
    throw signatureMismatch('The provided x-amz-content-sha256 header does not match what was computed.');
  }
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    canonicalHeaders(req, auth.signedHeaders),
    auth.signedHeaders.join(';'),
    declared ?? bodyHash,
  ].join('\n');
}

export function stringToSign(req: WireRequest, auth: SigV4Auth): string {
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
  return [ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest(req, auth))].join('\n');
}

export function signingKey(secretAccessKey: string, auth: Pick<SigV4Auth, 'scopeDate' | 'region' | 'service'>): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.scopeDate);
  const kRegion = hmac(kDate, auth.region);
  const kService = hmac(kRegion, auth.service);
  return hmac(kService, 'aws4_request');
}

/** Throws SignatureDoesNotMatch unless `auth.signature` was made with `secretAccessKey`. */
export function verifySignature(req: WireRequest, auth: SigV4Auth, secretAccessKey: string): void {
  if (!auth.signedHeaders.includes('host')) {
    throw signatureMismatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const expected = hmac(signingKey(secretAccessKey, auth), stringToSign(req, auth));
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw signatureMismatch();
}
