// What the emulator remembers between requests: users, the sessions it has
// issued, and which MFA codes have been spent.
import type { AssumedRole, EmulatorRole } from './roles.js';
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
