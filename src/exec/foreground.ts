import { readProcStat } from '../os/processes.js';

interface Groups {
  /** The process group of the process. */
  pgrp: number;
  /** The foreground process group of its controlling terminal; ≤ 0 when it has none. */
  tpgid: number;
}

function fromPs(pid: number): Groups | undefined {
  // Loaded here, not at the top: this module is on the cached path (src/cli/hot.ts), which must not load node:child_process.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  const out = execFileSync('ps', ['-o', 'pgid=,tpgid=', '-p', String(pid)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pgrp, tpgid] = out.trim().split(/\s+/).map(Number);
  return pgrp === undefined || tpgid === undefined ? undefined : { pgrp, tpgid };
}

/**
 * True when `pid` is in the foreground process group of its terminal — that
 * is, when a Ctrl-C or Ctrl-\ typed there reaches it straight from the
 * terminal. Undefined when that cannot be told (no /proc, no ps, gone).
 */
export function inTerminalForeground(pid: number): boolean | undefined {
  if (process.platform === 'win32') return false;
  try {
    const g = process.platform === 'linux' ? readProcStat(pid) : fromPs(pid);
    if (!g || Number.isNaN(g.pgrp) || Number.isNaN(g.tpgid)) return undefined;
    return g.tpgid > 0 && g.tpgid === g.pgrp;
  } catch {
    return undefined;
  }
}
