import type { Session } from '../session/types.js';
import { MfaEnvError, ExitCode } from '../errors.js';

export interface WriteProfileInput {
  target: string;
  sourceProfile: string;
  session: Session;
  force: boolean;
}

export async function writeSessionProfile(_input: WriteProfileInput): Promise<void> {
  throw new MfaEnvError('--write-profile is not implemented yet', ExitCode.unexpected);
}
