// Time left, as every line and prompt of mfa-env shows it. Counted the way
// the shells' prompts count it (shell/*: whole seconds of the clock against
// MFA_ENV_EXPIRES, itself whole seconds), so that "11h59m left (minted)" and
// the prompt drawn right under it never say 11h59m and 12h00m.

/** Whole seconds from `now` to `expiration`, both cut to whole seconds first. */
export function secondsLeft(expiration: Date, now = Date.now()): number {
  return Math.floor(expiration.getTime() / 1000) - Math.floor(now / 1000);
}

/** "42m", "1h05m" (the prompt's format); "0m" under a minute. */
export function formatMinutes(seconds: number): string {
  const m = Math.floor(Math.max(0, seconds) / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}m`;
}
