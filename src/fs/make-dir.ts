import { chownSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * mkdir -p with `mode`. root creating directories in a user's home (sudo
 * with the user's HOME: ~/.aws, ~/.local/share/mfa-env) gives each new one
 * the owner and group of the directory it was made in, as it does for the
 * files it writes there (atomic.ts): a root-owned 0700 ~/.aws would lock
 * the user out of their own AWS files.
 */
export function makeDir(dir: string, mode: number): void {
  const first = mkdirSync(dir, { recursive: true, mode });
  if (first === undefined || process.geteuid?.() !== 0) return;
  const parent = statSync(dirname(first));
  if (parent.uid === 0) return;
  for (let d = dir; ; d = dirname(d)) {
    chownSync(d, parent.uid, parent.gid);
    if (d === first || dirname(d) === d) break;
  }
}
