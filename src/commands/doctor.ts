import { ExitCode, MfaEnvError } from '../errors.js';

export async function doctorCommand(_args?: unknown): Promise<number> {
  throw new MfaEnvError('mfa-env doctor is not built yet', ExitCode.unexpected);
}
