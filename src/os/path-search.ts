// Where a command name leads, searched as execvp and the POSIX shells do.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What execvp searches when PATH is unset (glibc's confstr(_CS_PATH)). */
const DEFAULT_PATH = '/bin:/usr/bin';

export type FileProbe = 'runnable' | 'missing' | 'directory' | 'denied';

/** What exec would make of the file at `path`. */
export function probeFile(path: string): FileProbe {
  try {
    if (statSync(path).isDirectory()) return 'directory';
    accessSync(path, constants.X_OK);
    return 'runnable';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? 'missing' : 'denied';
  }
}

/** The places `name` is looked for, in order; an empty PATH entry is the current directory. */
export function pathCandidates(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PATH ?? DEFAULT_PATH).split(delimiter).map((dir) => (dir === '' ? `./${name}` : join(dir, name)));
}

/** The file `name` (no slash) runs: the first runnable one on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return pathCandidates(name, env).find((candidate) => probeFile(candidate) === 'runnable');
}
