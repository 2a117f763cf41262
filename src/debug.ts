// `--debug` / MFA_ENV_DEBUG=1: each decision on stderr, one line each, for a
// bug report. Callers never pass a secret or a full key id (mask them first).
//
// The switch lives in process.env, not in this module: the build gives the
// hot entry and the lazily loaded chunks each a copy of a module, and every
// copy must see the same switch (children such as the keychain worker too).

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
