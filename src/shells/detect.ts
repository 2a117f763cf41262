import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Dialect } from './types.js';

/** Maps a process or $SHELL name to a dialect; sh-likes speak bash's export syntax. */
export function dialectFromName(name: string | undefined): Dialect | undefined {
  if (!name) return undefined;
  const base = basename(name.trim())
    .replace(/^-/, '')
    .replace(/\.exe$/i, '')
    .toLowerCase();
  if (base === 'bash' || base === 'sh' || base === 'dash' || base === 'ksh' || base === 'mksh') return 'bash';
  if (base === 'zsh') return 'zsh';
  if (base === 'fish') return 'fish';
  if (base === 'pwsh' || base === 'powershell') return 'powershell';
  return undefined;
}

function parentProcessName(): string | undefined {
  // /proc costs one read; other platforms fall through to $SHELL rather than
  // paying for a `ps` process on every prompt.
  if (process.platform !== 'linux') return undefined;
  try {
    return readFileSync(`/proc/${process.ppid}/comm`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `--shell`, else the parent process, else `$SHELL`, else bash. */
export function detectDialect(env = process.env): Dialect {
  return dialectFromName(parentProcessName()) ?? dialectFromName(env.SHELL) ?? 'bash';
}
