import { listProfiles } from '../config/profiles.js';
import { sessionsIn } from '../session/cache.js';
import { rfc3339 } from '../session/environment.js';
import { longTermKeysIn } from '../session/long-term-key.js';
import { rolesIn } from '../session/role-cache.js';
import { openStore } from '../store/index.js';
import { traceStore } from '../session/store-trace.js';
import { terminalJson, visible } from '../cli/printable.js';
import { formatMinutes, secondsLeft } from '../cli/time-left.js';
import { days, keyAgeDays, maskKeyId } from './mask.js';

interface Left {
  expiration: string;
  secondsLeft: number;
}

interface ProfileStatus {
  profile: string;
  keyId: string | null;
  /** Days since IAM created the key, when mfa-env was told (rotate, setup's discovery); status asks IAM nothing. */
  keyAgeDays: number | null;
  mfaSerial: string | null;
  session: (Left & { inThisShell: boolean }) | null;
  /** A role profile: its role, where it comes from, its credentials and the MFA session behind them. */
  role?: {
    arn: string;
    sourceProfile: string | null;
    baseProfile: string | null;
    credentials: (Left & { inThisShell: boolean }) | null;
    /** Null too for credentials assumed with the key and their own code (more than 1 hour): no MFA session is behind them. */
    mfaSession: Left | null;
    /** Assumed with the long-term key and a code of their own, not from an MFA session. */
    ownCode?: boolean;
  };
}

/** Follows source_profile to the profile that holds the key; null on a loop or a gap (doctor says which). */
function baseOf(name: string, byName: Map<string, { sourceProfile?: string; roleArn?: string }>): string | null {
  const seen = new Set<string>();
  let current = name;
  while (byName.get(current)?.roleArn !== undefined) {
    if (seen.has(current)) return null;
    seen.add(current);
    const next = byName.get(current)!.sourceProfile;
    if (next === undefined || !byName.has(next)) return null;
    current = next;
  }
  return current;
}

export function formatLeft(seconds: number): string {
  return seconds <= 0 ? 'expired' : formatMinutes(seconds);
}

export async function statusCommand(args: { json?: boolean }): Promise<number> {
  const store = traceStore(openStore());
  // One read of the store for every profile, not two per profile.
  const [inFiles, entries] = await Promise.all([listProfiles(), store.entries()]);
  const keys = longTermKeysIn(entries);
  const sessions = sessionsIn(entries);
  const roles = rolesIn(entries);
  const serials = new Map(inFiles.map((p) => [p.name, p.mfaSerial]));
  const byName = new Map(inFiles.map((p) => [p.name, p]));
  const roleProfiles = new Set(inFiles.filter((p) => p.roleArn !== undefined).map((p) => p.name));
  // A profile set up in the AWS files, and one with something stored even if
  // it has left the AWS files since.
  const names = [
    ...new Set([
      ...inFiles.filter((p) => p.mfaSerial || p.roleArn).map((p) => p.name),
      ...keys.keys(),
      ...sessions.keys(),
      ...roles.keys(),
    ]),
  ].sort();
  const now = Date.now();
  const left = (d: Date): Left => ({
    expiration: rfc3339(d),
    secondsLeft: Math.max(0, secondsLeft(d, now)),
  });
  const rows: ProfileStatus[] = names.map((name) => {
    if (roleProfiles.has(name)) {
      const p = byName.get(name)!;
      const base = baseOf(name, byName);
      const r = roles.get(name);
      // Assumed with the key and a code of their own (more than 1 hour): their MFA expiry is their own.
      const ownCode = r !== undefined && r.mfaExpiration.getTime() === r.expiration.getTime();
      const mfa = base === null || ownCode ? undefined : sessions.get(base);
      return {
        profile: name,
        keyId: null,
        keyAgeDays: null,
        mfaSerial: p.mfaSerial ?? (base === null ? null : (serials.get(base) ?? null)),
        session: null,
        role: {
          arn: p.roleArn!,
          sourceProfile: p.sourceProfile ?? null,
          baseProfile: base,
          credentials: r
            ? {
                ...left(r.expiration),
                inThisShell: process.env.MFA_ENV_PROFILE === name && process.env.AWS_ACCESS_KEY_ID === r.accessKeyId,
              }
            : null,
          mfaSession: mfa ? left(mfa.expiration) : null,
          ...(ownCode ? { ownCode } : {}),
        },
      };
    }
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
            secondsLeft: Math.max(0, secondsLeft(s.expiration, now)),
            inThisShell: process.env.MFA_ENV_PROFILE === name && process.env.AWS_ACCESS_KEY_ID === s.accessKeyId,
          }
        : null,
    };
  });
  const gone = names.filter((name) => !serials.has(name));
  // A role's credentials left in the store after its profile left the files: listed with the others.
  for (const [name, r] of roles) {
    if (roleProfiles.has(name) || !gone.includes(name)) continue;
    const row = rows.find((x) => x.profile === name)!;
    row.role = {
      arn: r.roleArn,
      sourceProfile: r.sourceProfile,
      baseProfile: r.baseProfile,
      credentials: { ...left(r.expiration), inThisShell: false },
      mfaSession: null,
    };
  }
  const shell = process.env.MFA_ENV_PROFILE
    ? { profile: process.env.MFA_ENV_PROFILE, expires: Number(process.env.MFA_ENV_EXPIRES) || null }
    : null;
  if (args.json) {
    process.stdout.write(
      terminalJson({ store: { backend: store.backend, location: store.location }, shell, profiles: rows }, 2) + '\n',
    );
    return 0;
  }
  const out: string[] = [`store: ${store.backend} (${visible(store.location)})`];
  if (shell) {
    const left = shell.expires ? formatLeft(shell.expires - Math.floor(now / 1000)) : 'unknown';
    out.push(`this shell: session of '${visible(shell.profile)}', ${left === 'expired' ? 'expired' : `${left} left`}`);
  } else {
    out.push('this shell: no mfa-env session');
  }
  if (rows.length === 0) {
    out.push('no profile is set up; run: mfa-env setup');
  } else {
    // A role row shows its role ARN where a user shows its device, and its credentials and MFA session where a user shows its session.
    const table = [
      rows.some((r) => r.role)
        ? ['PROFILE', 'KEY', 'MFA DEVICE / ROLE', 'SESSION']
        : ['PROFILE', 'KEY', 'MFA DEVICE', 'SESSION'],
    ];
    for (const r of rows) {
      if (r.role) {
        const c = r.role.credentials;
        const mfa = r.role.mfaSession;
        const creds = c
          ? `${c.secondsLeft > 0 ? `${formatLeft(c.secondsLeft)} left` : 'expired'}${c.inThisShell ? ' (this shell)' : ''}`
          : 'none';
        const mfaLeft = r.role.ownCode
          ? ' (with its own code)'
          : mfa && mfa.secondsLeft > 0
            ? ` (MFA ${formatLeft(mfa.secondsLeft)})`
            : ' (MFA none)';
        table.push([
          r.profile,
          r.role.sourceProfile ? `role of ${r.role.sourceProfile}` : 'role',
          r.role.arn,
          `${creds}${mfaLeft}`,
        ]);
        continue;
      }
      const session = r.session
        ? `${r.session.secondsLeft > 0 ? `${formatLeft(r.session.secondsLeft)} left` : 'expired'}${r.session.inThisShell ? ' (this shell)' : ''}`
        : 'none';
      const key = r.keyId ? `${r.keyId}${r.keyAgeDays !== null ? ` (${days(r.keyAgeDays)})` : ''}` : 'not stored';
      table.push([visible(r.profile), visible(key), visible(r.mfaSerial ?? 'none'), session]);
    }
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) out.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
    if (gone.length)
      out.push(
        `not in the AWS files: ${gone.map((n) => `'${visible(n)}'`).join(', ')} (mfa-env remove --profile NAME deletes what is stored)`,
      );
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
