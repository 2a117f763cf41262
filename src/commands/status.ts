import { listProfiles, resolveProfileName } from '../config/profiles.js';
import { peekSession } from '../session/cache.js';
import { rfc3339 } from '../session/environment.js';
import { hasLongTermKey } from '../session/long-term-key.js';
import { openStore } from '../store/index.js';
import { maskKeyId } from './mask.js';

interface ProfileStatus {
  profile: string;
  keyId: string | null;
  mfaSerial: string | null;
  session: { expiration: string; secondsLeft: number; inThisShell: boolean } | null;
}

export function formatLeft(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const m = Math.floor(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}m`;
}

export async function statusCommand(args: { json?: boolean }): Promise<number> {
  const store = openStore();
  const current = resolveProfileName(undefined);
  const profiles = await listProfiles();
  if (!profiles.some((p) => p.name === current)) profiles.push({ name: current, exists: false });
  const now = Date.now();
  const rows: ProfileStatus[] = [];
  for (const p of profiles) {
    const key = await hasLongTermKey(store, p.name);
    if (!key && !p.mfaSerial) continue;
    const s = await peekSession(store, p.name);
    rows.push({
      profile: p.name,
      keyId: key ? maskKeyId(key.accessKeyId) : null,
      mfaSerial: p.mfaSerial ?? null,
      session: s
        ? {
            expiration: rfc3339(s.expiration),
            secondsLeft: Math.max(0, Math.floor((s.expiration.getTime() - now) / 1000)),
            inThisShell: process.env.MFA_ENV_PROFILE === p.name && process.env.AWS_ACCESS_KEY_ID === s.accessKeyId,
          }
        : null,
    });
  }
  const shell = process.env.MFA_ENV_PROFILE
    ? { profile: process.env.MFA_ENV_PROFILE, expires: Number(process.env.MFA_ENV_EXPIRES) || null }
    : null;
  if (args.json) {
    process.stdout.write(JSON.stringify({ store: { backend: store.backend, location: store.location }, shell, profiles: rows }, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [`store: ${store.backend} (${store.location})`];
  if (shell) {
    const left = shell.expires ? formatLeft(Math.floor((shell.expires * 1000 - now) / 1000)) : 'unknown';
    out.push(`this shell: session of '${shell.profile}', ${left === 'expired' ? 'expired' : `${left} left`}`);
  } else {
    out.push('this shell: no mfa-env session');
  }
  if (rows.length === 0) {
    out.push('no profile is set up; run: mfa-env setup');
  } else {
    const table = [['PROFILE', 'KEY', 'MFA DEVICE', 'SESSION']];
    for (const r of rows) {
      const session = r.session
        ? `${r.session.secondsLeft > 0 ? `${formatLeft(r.session.secondsLeft)} left` : 'expired'}${r.session.inThisShell ? ' (this shell)' : ''}`
        : 'none';
      table.push([r.profile, r.keyId ?? 'not stored', r.mfaSerial ?? 'none', session]);
    }
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) out.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
