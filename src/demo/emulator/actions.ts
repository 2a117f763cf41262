// The actions mfa-env needs (IAM's access keys: iam-keys.ts), with STS/IAM's parameter constraints and
// error wording. Each returns the inner XML of its <ActionResult> element.
import { accessDenied, invalidToken, noSuchUser, validationError } from './errors.js';
import { acceptCode } from './mfa.js';
import { el, isoSeconds, resultBody } from './xml.js';
import type { Caller } from './auth.js';
import { issueSession, type EmulatorState } from './state.js';
import type { Service } from './xml.js';
import { userArn, userId } from './users.js';
import { assumeRole, callerPrincipal } from './roles.js';
import { IAM_KEY_ACTIONS } from './iam-keys.js';
import { checkString, readDuration, violation } from './validate.js';

export interface ActionContext {
  state: EmulatorState;
  caller: Caller;
  params: URLSearchParams;
}

type Action = (ctx: ActionContext) => string;

/** GetSessionToken's DurationSeconds. */
const DURATION = { default: 43_200, min: 900, max: 129_600 };

const getSessionToken: Action = ({ state, caller, params }) => {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  const problems: string[] = [];
  const durationSeconds = readDuration(problems, params.get('DurationSeconds'), DURATION);
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

  return resultBody(
    issueSession(state, 'GetSessionToken', durationSeconds, nowMs, {
      user: caller.user,
      mfaAuthenticated: serial !== null,
    }),
  );
};

/** A GetSessionToken session is the user itself, so the identity is the same; a role session is the assumed role. */
const getCallerIdentity: Action = ({ caller }) => {
  if (caller.session?.assumedRole) {
    const p = callerPrincipal(caller);
    return resultBody([el('Arn', p.arn), el('UserId', p.userId), el('Account', p.account)]);
  }
  return resultBody([
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
  return resultBody([el('IsTruncated', 'false'), ...list]);
};

export const ACTIONS: Record<Service, Record<string, Action>> = {
  sts: { GetSessionToken: getSessionToken, GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole },
  iam: { ListMFADevices: listMfaDevices, ...IAM_KEY_ACTIONS },
};
