import { ExitCode, MfaEnvError } from '../errors.js';

export async function demoCommand(_args?: unknown): Promise<number> {
  throw new MfaEnvError('mfa-env demo is not built yet', ExitCode.unexpected);
}
