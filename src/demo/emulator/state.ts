// What the emulator remembers between requests: users, the sessions it has
// issued, and which MFA codes have been spent.
import type { AssumedRole, EmulatorRole } from './roles.js';
import { el, isoSeconds } from './xml.js';
import type { KeyState } from './iam-keys.js';
import type { EmulatorUser } from './users.js';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export type IssueCredentials = (ctx: { user: EmulatorUser; durationSeconds: number }) => IssuedCredentials;

export interface Session extends IssuedCredentials {
  user: EmulatorUser;
  expiresAt: number;
  /** IAM refuses sessions minted without MFA; STS does not care. */
  mfaAuthenticated: boolean;
  /** Set for a session issued by AssumeRole. */
  assumedRole?: AssumedRole;
}

/**
 * How long the credentials an action issues really live, in seconds, given
 * what was asked: lets a test have credentials that expire in minutes, or
 * are already within a margin, without sleeping.
 */
export type Lifetime = (ctx: { action: 'GetSessionToken' | 'AssumeRole'; durationSeconds: number }) => number;

export interface EmulatorState {
  users: EmulatorUser[];
  sessions: Map<string, Session>;
  /** `${serialNumber} ${step}` for every accepted code: AWS rejects a code used twice. */
  usedCodes: Set<string>;
  now: () => number;
  issueCredentials: IssueCredentials;
  roles: EmulatorRole[];
  lifetime: Lifetime;
  /** Reported as every device's EnableDate. */
  startedAt: number;
  /** Access keys made and deleted through IAM (src/demo/emulator/iam-keys.ts). */
  keys: KeyState;
}

/**
 * New temporary credentials, remembered as a session that ends when
 * `state.lifetime` says, in whole seconds (STS prints Expiration without a
 * fraction); their <Credentials> element, as GetSessionToken and AssumeRole
 * answer with it.
 */
export function issueSession(
  state: EmulatorState,
  action: Parameters<Lifetime>[0]['action'],
  durationSeconds: number,
  nowMs: number,
  session: Omit<Session, keyof IssuedCredentials | 'expiresAt'>,
): string[] {
  const creds = state.issueCredentials({ user: session.user, durationSeconds });
  const expiresAt = Math.floor(nowMs / 1000) * 1000 + state.lifetime({ action, durationSeconds }) * 1000;
  state.sessions.set(creds.accessKeyId, { ...creds, ...session, expiresAt });
  return [
    '<Credentials>',
    `  ${el('AccessKeyId', creds.accessKeyId)}`,
    `  ${el('SecretAccessKey', creds.secretAccessKey)}`,
    `  ${el('SessionToken', creds.sessionToken)}`,
    `  ${el('Expiration', isoSeconds(expiresAt))}`,
    '</Credentials>',
  ];
}
