import { spawn } from 'node:child_process';
import { UsageError } from '../errors.js';

/**
 * Runs the profile's `mfa_process` (e.g. `op item get aws --otp`) through
 * /bin/sh — it is a command line the user wrote in their own config, like
 * credential_process — and takes the 6-digit code from its stdout. Its stderr
 * stays on ours, so a password manager can talk to the user.
 */
export function runMfaProcess(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // stdin is not its to read: under mfa-exec it belongs to the command (password
    // managers ask on /dev/tty).
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (out.length < 4096) out += d;
    });
    child.on('error', (err) => reject(new UsageError(`mfa_process could not start: ${err.message}`, 'fix mfa_process in the profile')));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new UsageError(`mfa_process failed (${signal ?? `exit ${code}`})`, 'run it by hand to see why, or pass --code'));
        return;
      }
      const m = /(?<!\d)(\d{6})(?!\d)/.exec(out);
      if (!m) {
        reject(new UsageError('mfa_process printed no 6-digit code', 'it should print the current code on stdout'));
        return;
      }
      resolve(m[1]!);
    });
  });
}
