// IAM users and access keys as AWS keeps them: GetUser, ListUsers (paged as
// IAM pages it), ListAccessKeys, CreateAccessKey, DeleteAccessKey. At most two keys per user
// (LimitExceeded); a new key is refused (InvalidClientTokenId) until it has
// propagated, `propagationMs` on the emulator's clock; a deleted key is
// refused from then on. A user's `iamPolicy` says when IAM wants MFA and
// which actions it does not allow.
import { accessDenied, invalidToken, noSuchUser, QueryError, validationError } from './errors.js';
import { el, isoSeconds, resultBody } from './xml.js';
import type { ActionContext } from './actions.js';
import type { Caller } from './auth.js';
import { callerPrincipal } from './roles.js';
import type { EmulatorState } from './state.js';
import { randomAccessKeyId, randomSecretAccessKey, userArn, userId, type EmulatorUser } from './users.js';

/** AWS's quota: AccessKeysPerUser. */
export const MAX_KEYS_PER_USER = 2;

/** How long AWS commonly takes before a new key signs: a few seconds. */
export const DEFAULT_KEY_PROPAGATION_MS = 5000;

export interface AccessKeyRecord {
  user: EmulatorUser;
  accessKeyId: string;
  secretAccessKey: string;
  createdAt: number;
  /** Requests signed with the key are refused before this (IAM propagating it). */
  usableAt: number;
}

/** The keys IAM made after the emulator started, and every key deleted since. */
export interface KeyState {
  created: Map<string, AccessKeyRecord>;
  deleted: Set<string>;
  propagationMs: number;
}

export function newKeyState(propagationMs = DEFAULT_KEY_PROPAGATION_MS): KeyState {
  return { created: new Map(), deleted: new Set(), propagationMs };
}

/** The key a user was made with (EmulatorUser.accessKeyId), as a record. */
function firstKey(state: EmulatorState, user: EmulatorUser): AccessKeyRecord {
  const createdAt = user.accessKeyCreatedAt ?? state.startedAt;
  // It was there before the emulator's clock started (which a test may turn back).
  return {
    user,
    accessKeyId: user.accessKeyId,
    secretAccessKey: user.secretAccessKey,
    createdAt,
    usableAt: Number.NEGATIVE_INFINITY,
  };
}

/** A user's keys that exist now, oldest first, propagated or not. */
export function keysOf(state: EmulatorState, user: EmulatorUser): AccessKeyRecord[] {
  const all = [firstKey(state, user), ...[...state.keys.created.values()].filter((k) => k.user === user)];
  return all.filter((k) => !state.keys.deleted.has(k.accessKeyId));
}

/**
 * The long-term key that may sign a request now, with its user; undefined
 * for one unknown, deleted or still propagating (AWS says the same for all
 * three: InvalidClientTokenId).
 */
export function signingKey(state: EmulatorState, accessKeyId: string): AccessKeyRecord | undefined {
  if (state.keys.deleted.has(accessKeyId)) return undefined;
  const user = state.users.find((u) => u.accessKeyId === accessKeyId);
  const key = user ? firstKey(state, user) : state.keys.created.get(accessKeyId);
  return key && state.now() >= key.usableAt ? key : undefined;
}

/** Adds a key to `user` as CreateAccessKey would (for tests: a second key, an old one). */
export function addAccessKey(
  state: EmulatorState,
  user: EmulatorUser,
  createdAt = state.now(),
  usableAt = createdAt,
): AccessKeyRecord {
  const key = {
    user,
    accessKeyId: randomAccessKeyId('AKIA'),
    secretAccessKey: randomSecretAccessKey(),
    createdAt,
    usableAt,
  };
  state.keys.created.set(key.accessKeyId, key);
  return key;
}

/** IAM's gate, before any action: temporary credentials only with MFA, and the user's policy. */
function authorize(caller: Caller, action: string, target: EmulatorUser): void {
  // IAM only accepts temporary credentials that were minted with MFA.
  if (caller.session && !caller.session.mfaAuthenticated) throw invalidToken();
  const policy = caller.user.iamPolicy;
  const resource = `arn:aws:iam::${target.accountId}:user/${target.userName}`;
  if (policy?.requireMfa && !caller.session?.mfaAuthenticated) {
    throw accessDenied(
      `User: ${userArn(caller.user)} is not authorized to perform: iam:${action} on resource: ${resource} with an explicit deny in an identity-based policy`,
    );
  }
  if (policy?.deny?.includes(action)) {
    throw accessDenied(
      `User: ${userArn(caller.user)} is not authorized to perform: iam:${action} on resource: ${resource} because no identity-based policy allows the iam:${action} action`,
    );
  }
}

/** `UserName`, else the caller: how IAM picks the user these actions act on. */
function targetUser({ state, caller, params }: ActionContext): EmulatorUser {
  const name = params.get('UserName');
  if (name === null) return caller.user;
  const problems: string[] = [];
  if (name.length < 1 || name.length > 128 || !/^[\w+=,.@-]+$/.test(name)) {
    problems.push(
      `Value '${name}' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  if (problems.length > 0) throw validationError(problems);
  const user = state.users.find((u) => u.userName === name && u.accountId === caller.user.accountId);
  if (!user) throw noSuchUser(name);
  return user;
}

export const getUser = (ctx: ActionContext): string => {
  const user = targetUser(ctx);
  authorize(ctx.caller, 'GetUser', user);
  return resultBody([
    '<User>',
    `  ${el('Path', '/')}`,
    `  ${el('UserName', user.userName)}`,
    `  ${el('UserId', userId(user))}`,
    `  ${el('Arn', userArn(user))}`,
    `  ${el('CreateDate', isoSeconds(ctx.state.startedAt))}`,
    '</User>',
  ]);
};

/**
 * ListUsers: the users of the caller's account, by name, `MaxItems` (1–1000,
 * default 100) at a time, with IsTruncated and an opaque Marker for the next
 * page: the AWS CLI follows it by itself, so one `aws iam list-users
 * --page-size 1` makes as many requests as there are users.
 */
export const listUsers = (ctx: ActionContext): string => {
  const { state, caller, params } = ctx;
  const problems: string[] = [];
  const maxItems = params.get('MaxItems');
  const pageSize = maxItems === null ? 100 : Number(maxItems);
  if (maxItems !== null && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 1000))
    problems.push(
      `Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value ${pageSize < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`,
    );
  const marker = params.get('Marker');
  const start = marker === null ? 0 : Number(Buffer.from(marker, 'base64url').toString());
  if (marker !== null && !(Number.isInteger(start) && start > 0))
    throw new QueryError(400, 'ValidationError', 'Invalid Marker.');
  if (problems.length > 0) throw validationError(problems);
  const account = callerPrincipal(caller).account;
  authorize(caller, 'ListUsers', caller.user);
  const all = state.users
    .filter((u) => u.accountId === account)
    .sort((a, b) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
  const page = all.slice(start, start + pageSize);
  const members = page.flatMap((user) => [
    '  <member>',
    `    ${el('Path', '/')}`,
    `    ${el('UserName', user.userName)}`,
    `    ${el('UserId', userId(user))}`,
    `    ${el('Arn', userArn(user))}`,
    `    ${el('CreateDate', isoSeconds(state.startedAt))}`,
    '  </member>',
  ]);
  const next = start + page.length;
  const truncated = next < all.length;
  return resultBody([
    ...(members.length ? ['<Users>', ...members, '</Users>'] : ['<Users/>']),
    el('IsTruncated', String(truncated)),
    ...(truncated ? [el('Marker', Buffer.from(String(next)).toString('base64url'))] : []),
  ]);
};

export const listAccessKeys = (ctx: ActionContext): string => {
  const user = targetUser(ctx);
  authorize(ctx.caller, 'ListAccessKeys', user);
  const members = keysOf(ctx.state, user).flatMap((k) => [
    '  <member>',
    `    ${el('UserName', user.userName)}`,
    `    ${el('AccessKeyId', k.accessKeyId)}`,
    `    ${el('Status', 'Active')}`,
    `    ${el('CreateDate', isoSeconds(k.createdAt))}`,
    '  </member>',
  ]);
  return resultBody([
    ...(members.length ? ['<AccessKeyMetadata>', ...members, '</AccessKeyMetadata>'] : ['<AccessKeyMetadata/>']),
    el('IsTruncated', 'false'),
  ]);
};

export const createAccessKey = (ctx: ActionContext): string => {
  const user = targetUser(ctx);
  authorize(ctx.caller, 'CreateAccessKey', user);
  if (keysOf(ctx.state, user).length >= MAX_KEYS_PER_USER) {
    throw new QueryError(409, 'LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`);
  }
  const now = ctx.state.now();
  const key = addAccessKey(ctx.state, user, now, now + ctx.state.keys.propagationMs);
  return resultBody([
    '<AccessKey>',
    `  ${el('UserName', user.userName)}`,
    `  ${el('AccessKeyId', key.accessKeyId)}`,
    `  ${el('Status', 'Active')}`,
    `  ${el('SecretAccessKey', key.secretAccessKey)}`,
    `  ${el('CreateDate', isoSeconds(now))}`,
    '</AccessKey>',
  ]);
};

export const deleteAccessKey = (ctx: ActionContext): string => {
  const user = targetUser(ctx);
  const id = ctx.params.get('AccessKeyId');
  if (id === null)
    throw validationError(["Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null"]);
  authorize(ctx.caller, 'DeleteAccessKey', user);
  if (!keysOf(ctx.state, user).some((k) => k.accessKeyId === id)) {
    throw new QueryError(404, 'NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
  }
  ctx.state.keys.deleted.add(id);
  return '';
};

export const IAM_KEY_ACTIONS = {
  GetUser: getUser,
  ListUsers: listUsers,
  ListAccessKeys: listAccessKeys,
  CreateAccessKey: createAccessKey,
  DeleteAccessKey: deleteAccessKey,
};
