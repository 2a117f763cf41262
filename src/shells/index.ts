import { fish } from './fish.js';
import { posix } from './posix.js';
import { powershell } from './powershell.js';
import type { Dialect, ShellDialect } from './types.js';

export { DIALECTS, renderChange, type Dialect, type ShellDialect } from './types.js';

export const dialects: Record<Dialect, ShellDialect> = { bash: posix, zsh: posix, fish, powershell };
