import { execHelp } from './help.js';
import { VERSION } from './version.js';

/** mfa-exec's --help and --version (loaded only for them). */
export async function showExecHelp(what: 'help' | 'version'): Promise<number> {
  process.stdout.write(what === 'help' ? execHelp() : `${VERSION}\n`);
  return 0;
}
