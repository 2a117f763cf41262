import { ExitCode, MfaEnvError } from '../errors.js';

export async function initCommand(_args?: unknown): Promise<number> {
  throw new MfaEnvError('mfa-env init is not built yet', ExitCode.unexpected);
}
