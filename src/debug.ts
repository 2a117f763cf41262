// `--debug` / MFA_ENV_DEBUG=1: each decision on stderr, one line each, for a
// bug report. Callers never pass a secret or a full key id (mask them first).
//
// The switch lives in process.env, so that child processes of mfa-env's own
// (the keychain worker) follow it too.

/** True when --debug or MFA_ENV_DEBUG (anything but empty or 0) is set. */
export function debugEnabled(): boolean {
  const v = process.env.MFA_ENV_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}

/** Turns debug output on for the rest of the run (what --debug does). */
export function enableDebug(): void {
  process.env.MFA_ENV_DEBUG = '1';
}

/** Writes `mfa-env: debug: LINE` on stderr when debug output is on; one line, no control characters. */
export function debug(line: string): void {
  if (!debugEnabled()) return;
  process.stderr.write(`mfa-env: debug: ${line.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')}\n`);
}
