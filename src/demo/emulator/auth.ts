// Who signed a request: a user's long-term key, or a session this emulator
// issued. Errors follow AWS's precedence: clock, unknown key, token, signature.
import { expiredToken, invalidToken } from './errors.js';
import { checkRequestTime, headerValue, verifySignature } from './sigv4.js';
import type { SigV4Auth, WireRequest } from './sigv4.js';
import type { EmulatorState, Session } from './state.js';
import type { EmulatorUser } from './users.js';
import { signingKey } from './iam-keys.js';

export interface Caller {
  user: EmulatorUser;
  /** Set when the request was signed with temporary credentials. */
  session?: Session;
}

export function authenticate(state: EmulatorState, req: WireRequest, auth: SigV4Auth): Caller {
  const nowMs = state.now();
  checkRequestTime(auth, nowMs);
  const token = headerValue(req, 'x-amz-security-token');

  // A key IAM deleted, or has not finished propagating, is refused as unknown.
  const key = signingKey(state, auth.accessKeyId);
  if (key) {
    // A long-term key never comes with a token; AWS treats the pair as invalid.
    if (token !== undefined) throw invalidToken();
    verifySignature(req, auth, key.secretAccessKey);
    return { user: key.user };
  }

  const session = state.sessions.get(auth.accessKeyId);
  if (!session || token !== session.sessionToken) throw invalidToken();
  if (nowMs >= session.expiresAt) throw expiredToken();
  verifySignature(req, auth, session.secretAccessKey);
  return { user: session.user, session };
}
