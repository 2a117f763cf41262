// The shell integration lives in shell/ as real shell files; esbuild embeds
// them as text (scripts/build.mjs), so `init` reads no file at run time.
import bash from '../../shell/mfa-env.bash';
import fish from '../../shell/mfa-env.fish';
import powershell from '../../shell/mfa-env.ps1';
import zsh from '../../shell/mfa-env.zsh';
import type { Dialect } from '../shells/types.js';

export const INTEGRATIONS: Record<Dialect, string> = { bash, zsh, fish, powershell };

export async function initCommand(args: { shell: Dialect }): Promise<number> {
  process.stdout.write(INTEGRATIONS[args.shell]);
  return 0;
}
