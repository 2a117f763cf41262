// IAM roles and STS AssumeRole, the way AWS behaves: who may assume a role
// (trust by account or principal, an MFA condition, an external id), how
// long (the role's MaxSessionDuration; 1 hour when the caller signs with
// temporary credentials, "role chaining"), and who the caller then is
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION). Kept apart from
// actions.ts so that the GetSessionToken/IAM actions stay as they were.
import { createHash } from 'node:crypto';
import { accessDenied, QueryError, validationError } from './errors.js';
import { acceptCode } from './mfa.js';
import { el, resultBody } from './xml.js';
import type { ActionContext } from './actions.js';
import type { Caller } from './auth.js';
import { issueSession, type EmulatorState } from './state.js';
import { userArn, type EmulatorUser } from './users.js';
import { checkString, readDuration } from './validate.js';

export interface EmulatorRole {
  /** 12 digits: the account the role lives in. */
  accountId: string;
  roleName: string;
  /** 3600 (AWS's default) to 43200. */
  maxSessionDuration?: number;
  /**
   * Who the trust policy lets in: an account id (any principal of that
   * account, `arn:aws:iam::ACCOUNT:root`), or the ARN of a user or a role.
   * Default: the role's own account.
   */
  trust?: string[];
  /** The trust policy's `aws:MultiFactorAuthPresent` condition. */
  requireMfa?: boolean;
  /** The trust policy's `sts:ExternalId` condition. */
  externalId?: string;
}

/** What a session issued by AssumeRole is: the role, and the name the caller gave it. */
export interface AssumedRole {
  role: EmulatorRole;
  sessionName: string;
}

export const roleArn = (r: EmulatorRole) => `arn:aws:iam::${r.accountId}:role/${r.roleName}`;
export const assumedRoleArn = (a: AssumedRole) =>
  `arn:aws:sts::${a.role.accountId}:assumed-role/${a.role.roleName}/${a.sessionName}`;

/** IAM's unique role id (AROA + 17), derived like userId. */
export function roleId(r: EmulatorRole): string {
  const digest = createHash('sha256').update(`role ${r.accountId}/${r.roleName}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = 'AROA';
  for (let i = 0; i < 17; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** The principal a caller is: an IAM user, or a role session (for trust checks and GetCallerIdentity). */
export function callerPrincipal(caller: Caller): { arn: string; account: string; userId: string; trustArn: string } {
  const assumed = caller.session?.assumedRole;
  if (assumed) {
    return {
      arn: assumedRoleArn(assumed),
      account: assumed.role.accountId,
      userId: `${roleId(assumed.role)}:${assumed.sessionName}`,
      trustArn: roleArn(assumed.role),
    };
  }
  return { arn: userArn(caller.user), account: caller.user.accountId, userId: '', trustArn: userArn(caller.user) };
}

export const DEFAULT_ROLE_DURATION = 3600;
/** AssumeRole's DurationSeconds (the role's MaxSessionDuration may allow less). */
const DURATION = { default: DEFAULT_ROLE_DURATION, min: 900, max: 43_200 };
const CHAINED_MAX = 3600;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

const plainValidation = (message: string) => new QueryError(400, 'ValidationError', message);

function trusts(role: EmulatorRole, principal: { account: string; trustArn: string }): boolean {
  const trust = role.trust ?? [role.accountId];
  return trust.some((t) => (/^\d{12}$/.test(t) ? t === principal.account : t === principal.trustArn));
}

/** The device a caller proves with SerialNumber/TokenCode: the IAM user's own (a role has none). */
function checkMfa(state: EmulatorState, user: EmulatorUser, serial: string, code: string): void {
  const device = user.mfaDevices.find((d) => d.serialNumber === serial);
  if (!device) {
    throw accessDenied(
      'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
    );
  }
  if (!acceptCode(state, device, code, state.now())) {
    throw accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code. ');
  }
}

export function assumeRole({ state, caller, params }: ActionContext): string {
  const arn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  const problems: string[] = [];
  checkString(
    problems,
    arn,
    'roleArn',
    20,
    2048,
    /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/,
    '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
    true,
  );
  checkString(problems, sessionName, 'roleSessionName', 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*', true);
  const durationSeconds = readDuration(problems, params.get('DurationSeconds'), DURATION);
  checkString(problems, externalId, 'externalId', 2, 1224, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*');
  checkString(problems, serial, 'serialNumber', 9, 256, /^[\w+=/:,.@-]*$/, '[\\w+=/:,.@-]*');
  checkString(problems, code, 'tokenCode', 6, 6, /^\d*$/, '[\\d]*');
  if (problems.length > 0) throw validationError(problems);
  if (!ROLE_ARN.test(arn!)) throw plainValidation(`${arn} is invalid`);

  const principal = callerPrincipal(caller);
  const denied = () =>
    accessDenied(`User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
  const role = state.roles.find((r) => roleArn(r) === arn);
  // A role that does not exist and one that does not trust the caller look the same from outside.
  if (!role || !trusts(role, principal)) throw denied();

  // The MFA context: a GetSessionToken-with-MFA session carries it, so does a
  // role session assumed with it; or the caller proves it here.
  let mfa = caller.session?.mfaAuthenticated === true;
  if (serial !== null || code !== null) {
    if (serial === null || code === null)
      throw accessDenied(
        'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      );
    checkMfa(state, caller.user, serial, code);
    mfa = true;
  }
  if (role.requireMfa && !mfa) throw denied();
  if (role.externalId !== undefined && externalId !== role.externalId) throw denied();

  // Checked after the trust policy, as AWS does: only a caller that may assume the role learns its limits.
  if (caller.session && durationSeconds > CHAINED_MAX) {
    throw plainValidation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (durationSeconds > (role.maxSessionDuration ?? DEFAULT_ROLE_DURATION)) {
    throw plainValidation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }

  const assumedRole: AssumedRole = { role, sessionName: sessionName! };
  return resultBody([
    ...issueSession(state, 'AssumeRole', durationSeconds, state.now(), {
      user: caller.user,
      mfaAuthenticated: mfa,
      assumedRole,
    }),
    '<AssumedRoleUser>',
    `  ${el('AssumedRoleId', `${roleId(role)}:${sessionName}`)}`,
    `  ${el('Arn', assumedRoleArn(assumedRole))}`,
    '</AssumedRoleUser>',
  ]);
}
