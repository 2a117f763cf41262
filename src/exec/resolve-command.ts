import { CommandError, ExitCode } from '../errors.js';
import { pathCandidates, probeFile } from '../os/path-search.js';

/**
 * Finds the file that `name` runs, the way a POSIX shell does, and reports
 * what the shells report when there is none: 127 "command not found", 126
 * when it exists but cannot be executed. Done before a session is obtained,
 * so a typo in the command costs no MFA code. The caller spawns the returned
 * path with argv[0] = name, so what runs is exactly what was checked.
 */
export function resolveCommand(name: string, env: NodeJS.ProcessEnv): string {
  // Windows finds programs through PATHEXT and its own rules: leave it to spawn.
  if (process.platform === 'win32') return name;

  if (name.includes('/')) {
    switch (probeFile(name)) {
      case 'runnable':
        return name;
      case 'missing':
        throw new CommandError(`${name}: no such file or directory`, ExitCode.commandNotFound);
      case 'directory':
        throw new CommandError(`${name}: is a directory`, ExitCode.cannotExecute);
      case 'denied':
        throw new CommandError(`${name}: permission denied`, ExitCode.cannotExecute);
    }
  }

  let denied = false;
  if (name !== '') {
    for (const candidate of pathCandidates(name, env)) {
      const found = probeFile(candidate);
      if (found === 'runnable') return candidate;
      if (found === 'denied') denied = true; // like execvp: remember, keep looking
    }
  }
  if (denied) throw new CommandError(`${name}: permission denied`, ExitCode.cannotExecute);
  throw new CommandError(`${name}: command not found`, ExitCode.commandNotFound);
}
