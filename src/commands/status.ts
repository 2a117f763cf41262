import { listProfiles } from '../config/profiles.js';
import { sessionsIn } from '../session/cache.js';
import { rfc3339 } from '../session/environment.js';
import { longTermKeysIn } from '../session/long-term-key.js';
import { openStore } from '../store/index.js';
import { days, keyAgeDays, maskKeyId } from './mask.js';

interface ProfileStatus {
  profile: string;
  keyId: string | null;
  /** Days since IAM created the key, when mfa-env was told (rotate, setup's discovery); status asks IAM nothing. */
  keyAgeDays: number | null;
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
  // One read of the store for every profile, not two per profile.
  const [inFiles, entries] = await Promise.all([listProfiles(), store.entries()]);
  const keys = longTermKeysIn(entries);
  const sessions = sessionsIn(entries);
  const serials = new Map(inFiles.map((p) => [p.name, p.mfaSerial]));
  // A profile set up in the AWS files, and one with something stored even if
  // it has left the AWS files since.
  const names = [...new Set([...inFiles.filter((p) => p.mfaSerial).map((p) => p.name), ...keys.keys(), ...sessions.keys()])].sort();
  const now = Date.now();
  const rows: ProfileStatus[] = names.map((name) => {
    const key = keys.get(name);
    const s = sessions.get(name);
    return {
      profile: name,
      keyId: key ? maskKeyId(key.accessKeyId) : null,
      keyAgeDays: keyAgeDays(key?.createDate, now) ?? null,
      mfaSerial: serials.get(name) ?? null,
      session: s
        ? {
            expiration: rfc3339(s.expiration),
            secondsLeft: Math.max(0, Math.floor((s.expiration.getTime() - now) / 1000)),
            inThisShell: process.env.MFA_ENV_PROFILE === name && process.env.AWS_ACCESS_KEY_ID === s.accessKeyId,
          }
        : null,
    };
  });
  const gone = names.filter((name) => !serials.has(name));
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
      const key = r.keyId ? `${r.keyId}${r.keyAgeDays !== null ? ` (${days(r.keyAgeDays)})` : ''}` : 'not stored';
      table.push([r.profile, key, r.mfaSerial ?? 'none', session]);
    }
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) out.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
    if (gone.length) out.push(`not in the AWS files: ${gone.map((n) => `'${n}'`).join(', ')} (mfa-env remove --profile NAME deletes what is stored)`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
