import type { ExportArgs } from '../cli/options.js';
import { formatMinutes, secondsLeft } from '../cli/time-left.js';
import { resolveProfileName } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { REUSE_MARGIN_MS, SDK_MARGIN_MS } from '../session/cache.js';
import { sessionEnvironment } from '../session/environment.js';
import type { Session } from '../session/types.js';
import { credentialProcessJson, sessionJson } from '../session/formats.js';
import { detectDialect } from '../shells/detect.js';
import { dialects, renderChange } from '../shells/index.js';
import { posixWord } from '../shells/posix.js';
import { newerCachedSession, sessionFromArgs } from './session.js';

export async function exportCommand(args: ExportArgs): Promise<number> {
  const format = args.format ?? 'shell';
  if (format === 'shell' && process.stdout.isTTY && !args.writeProfile) {
    // Printing credentials onto the screen helps nobody and leaks them into scrollback.
    // The way to run the same thing, with the words given (quoted as typed into sh).
    const words = process.argv.slice(2).map(posixWord).join(' ');
    const same = words ? ` ${words}` : '';
    throw new UsageError(
      'mfa-env prints shell code to be evaluated; it printed no credentials to this terminal',
      process.env.MFA_ENV_SHELL_INTEGRATION
        ? `type: mfa${same}  (or eval "$(mfa-env${same})")`
        : `run: eval "$(mfa-env${same})"  (fish: mfa-env${same} | source), or load mfa: see mfa-env init --help`,
    );
  }
  if (args.force && args.writeProfile === undefined) {
    throw new UsageError('--force goes with --write-profile NAME', 'see mfa-env --help');
  }
  if (args.follow) {
    if (args.writeProfile !== undefined || args.refresh || args.code !== undefined || args.cache === false) {
      throw new UsageError(
        '--follow only reads the cache: it goes with none of --write-profile, --refresh, --code, --no-cache',
        'see mfa-env --help',
      );
    }
    const newer = await newerCachedSession(args);
    if (newer) printSession(args, newer.session, newer.profile.name, newer.region, newer.mfaExpiration);
    return 0;
  }
  const writer = args.writeProfile !== undefined ? await import('./write-profile.js') : undefined;
  await writer?.checkWriteProfile(args.writeProfile!, resolveProfileName(args.profile), args.force === true);
  // What goes to an SDK is replaced 15 minutes before it runs out, when SDKs refresh (SPEC "Margins").
  const margin = format === 'credential-process' ? SDK_MARGIN_MS : REUSE_MARGIN_MS;
  const { session, profile, region, source, mfaExpiration } = await sessionFromArgs(args, process.env, margin);
  if (writer) {
    await writer.writeSessionProfile({
      target: args.writeProfile!,
      sourceProfile: profile.name,
      session,
      force: args.force === true,
    });
    // Writing the profile was the point; a terminal gets no credentials printed on it.
    if (format === 'shell' && process.stdout.isTTY) return 0;
  }
  printSession(args, session, profile.name, region, mfaExpiration);
  // --write-profile says its own line about the session; --follow (the prompt hook) returned above, silent.
  if (format === 'shell' && !writer && (source === 'minted' || process.env[WRAPPER_VARIABLE] === '1')) {
    process.stderr.write(`${summaryLine(profile.name, region, session.expiration, source)}\n`);
  }
  return 0;
}

function printSession(
  args: ExportArgs,
  session: Session,
  profile: string,
  region: string | undefined,
  mfaExpiration: Date,
): void {
  const format = args.format ?? 'shell';
  if (format === 'json') {
    process.stdout.write(sessionJson(session));
  } else if (format === 'credential-process') {
    process.stdout.write(credentialProcessJson(session));
  } else {
    const dialect = dialects[args.shell ?? detectDialect()];
    process.stdout.write(renderChange(dialect, sessionEnvironment(session, profile, region, mfaExpiration)));
  }
}

/**
 * Set by the `mfa` shell function (shell/) for the mfa-env it runs: the
 * person typed `mfa` and wants to know what they got, reused or not. A
 * plain `eval "$(mfa-env)"` says so only when it minted (a code was just
 * spent), so one in a startup file stays silent while the session lasts.
 */
const WRAPPER_VARIABLE = 'MFA_ENV_WRAPPER';

/** "mfa-env: profile dev, eu-west-1, 11h59m left (minted)" */
function summaryLine(
  profile: string,
  region: string | undefined,
  expiration: Date,
  source: 'cache' | 'minted',
): string {
  const left = formatMinutes(secondsLeft(expiration));
  return `mfa-env: profile ${profile}, ${region ?? 'no region'}, ${left} left (${source === 'minted' ? 'minted' : 'reused'})`;
}
