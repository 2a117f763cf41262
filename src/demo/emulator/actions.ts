// The actions mfa-env needs (IAM's access keys: iam-keys.ts), with STS/IAM's parameter constraints and
// error wording. Each returns the inner XML of its <ActionResult> element.
import { accessDenied, invalidToken, noSuchUser, validationError } from './errors.js';
import { acceptCode } from './mfa.js';
import { el, isoSeconds } from './xml.js';
import type { Caller } from './auth.js';
import type { EmulatorState } from './state.js';
import type { Service } from './xml.js';
import { userArn, userId } from './users.js';
import { assumeRole, callerPrincipal } from './roles.js';
import { IAM_KEY_ACTIONS } from './iam-keys.js';

export interface ActionContext {
  state: EmulatorState;
  caller: Caller;
  params: URLSearchParams;
}

type Action = (ctx: ActionContext) => string;

const DEFAULT_DURATION = 43_200;
const MIN_DURATION = 900;
const MAX_DURATION = 129_600;

const indent = (depth: number, lines: string[]) => lines.map((l) => `${'  '.repeat(depth)}${l}\n`).join('');

/** AWS's validator wording: "Value 'x' at 'field' failed to satisfy constraint: Member must …". */
const violation = (value: string | null, field: string, constraint: string) =>
  `Value ${value === null ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: Member must ${constraint}`;

function checkString(
  problems: string[],
  value: string | null,
  field: string,
  min: number,
  max: number,
  pattern: RegExp,
  patternText: string,
) {
  if (value === null) return;
  if (value.length < min) problems.push(violation(value, field, `have length greater than or equal to ${min}`));
  if (value.length > max) problems.push(violation(value, field, `have length less than or equal to ${max}`));
  if (!pattern.test(value))
    problems.push(violation(value, field, `satisfy regular expression pattern: ${patternText}`));
}

function readDuration(problems: string[], raw: string | null): number {
  if (raw === null) return DEFAULT_DURATION;
  if (!/^-?\d+$/.test(raw)) {
    problems.push(violation(raw, 'durationSeconds', 'be an integer'));
    return DEFAULT_DURATION;
  }
  const n = Number(raw);
  if (n < MIN_DURATION)
    problems.push(violation(raw, 'durationSeconds', `have value greater than or equal to ${MIN_DURATION}`));
  if (n > MAX_DURATION)
    problems.push(violation(raw, 'durationSeconds', `have value less than or equal to ${MAX_DURATION}`));
  return n;
}

const getSessionToken: Action = ({ state, caller, params }) => {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  const problems: string[] = [];
  const durationSeconds = readDuration(problems, params.get('DurationSeconds'));
  checkString(problems, serial, 'serialNumber', 9, 256, /^[\w+=/:,.@-]*$/, '[\\w+=/:,.@-]*');
  checkString(problems, code, 'tokenCode', 6, 6, /^\d*$/, '[\\d]*');
  // The two only make sense together; name the missing half in the validator's words.
  if (serial !== null && code === null) problems.push(violation(null, 'tokenCode', 'not be null'));
  if (code !== null && serial === null) problems.push(violation(null, 'serialNumber', 'not be null'));
  if (problems.length > 0) throw validationError(problems);

  if (caller.session) throw accessDenied('Cannot call GetSessionToken with session credentials');

  const nowMs = state.now();
  if (serial !== null && code !== null) {
    const device = caller.user.mfaDevices.find((d) => d.serialNumber === serial);
    if (!device) {
      throw accessDenied(
        'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      );
    }
    if (!acceptCode(state, device, code, nowMs)) {
      throw accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    }
  }

  const creds = state.issueCredentials({ user: caller.user, durationSeconds });
  // Whole seconds, like STS: Expiration is printed without a fraction.
  const expiresAt =
    Math.floor(nowMs / 1000) * 1000 + state.lifetime({ action: 'GetSessionToken', durationSeconds }) * 1000;
  state.sessions.set(creds.accessKeyId, { ...creds, user: caller.user, expiresAt, mfaAuthenticated: serial !== null });
  return indent(2, [
    '<Credentials>',
    `  ${el('AccessKeyId', creds.accessKeyId)}`,
    `  ${el('SecretAccessKey', creds.secretAccessKey)}`,
    `  ${el('SessionToken', creds.sessionToken)}`,
    `  ${el('Expiration', isoSeconds(expiresAt))}`,
    '</Credentials>',
  ]);
};

/** A GetSessionToken session is the user itself, so the identity is the same; a role session is the assumed role. */
const getCallerIdentity: Action = ({ caller }) => {
  if (caller.session?.assumedRole) {
    const p = callerPrincipal(caller);
    return indent(2, [el('Arn', p.arn), el('UserId', p.userId), el('Account', p.account)]);
  }
  return indent(2, [
    el('Arn', userArn(caller.user)),
    el('UserId', userId(caller.user)),
    el('Account', caller.user.accountId),
  ]);
};

const listMfaDevices: Action = ({ state, caller, params }) => {
  // IAM only accepts temporary credentials that were minted with MFA.
  if (caller.session && !caller.session.mfaAuthenticated) throw invalidToken();
  const name = params.get('UserName');
  const problems: string[] = [];
  checkString(problems, name, 'userName', 1, 128, /^[\w+=,.@-]+$/, '[\\w+=,.@-]+');
  if (problems.length > 0) throw validationError(problems);
  const user =
    name === null ? caller.user : state.users.find((u) => u.userName === name && u.accountId === caller.user.accountId);
  if (!user) throw noSuchUser(name!);
  const members = user.mfaDevices.flatMap((d) => [
    '<member>',
    `  ${el('UserName', user.userName)}`,
    `  ${el('SerialNumber', d.serialNumber)}`,
    `  ${el('EnableDate', isoSeconds(state.startedAt))}`,
    '</member>',
  ]);
  const list =
    members.length === 0 ? ['<MFADevices/>'] : ['<MFADevices>', ...members.map((l) => `  ${l}`), '</MFADevices>'];
  return indent(2, [el('IsTruncated', 'false'), ...list]);
};

export const ACTIONS: Record<Service, Record<string, Action>> = {
  sts: { GetSessionToken: getSessionToken, GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole },
  iam: { ListMFADevices: listMfaDevices, ...IAM_KEY_ACTIONS },
};
