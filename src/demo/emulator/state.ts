// What the emulator remembers between requests: users, the sessions it has
// issued, and which MFA codes have been spent.
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
}

export interface EmulatorState {
  users: EmulatorUser[];
  sessions: Map<string, Session>;
  /** `${serialNumber} ${step}` for every accepted code: AWS rejects a code used twice. */
  usedCodes: Set<string>;
  now: () => number;
  issueCredentials: IssueCredentials;
  /** Reported as every device's EnableDate. */
  startedAt: number;
  /** Access keys made and deleted through IAM (src/demo/emulator/iam-keys.ts). */
  keys: KeyState;
}
