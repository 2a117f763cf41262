import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Groups {
  /** The process group of the process. */
  pgrp: number;
  /** The foreground process group of its controlling terminal; ≤ 0 when it has none. */
  tpgid: number;
}

function fromProc(pid: number): Groups | undefined {
  // /proc/PID/stat: "pid (comm) state ppid pgrp session tty_nr tpgid …";
  // comm may contain spaces and parentheses, so count from the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(fields[2]), tpgid: Number(fields[5]) };
}

function fromPs(pid: number): Groups | undefined {
  const out = execFileSync('ps', ['-o', 'pgid=,tpgid=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
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
    const g = process.platform === 'linux' ? fromProc(pid) : fromPs(pid);
    if (!g || Number.isNaN(g.pgrp) || Number.isNaN(g.tpgid)) return undefined;
    return g.tpgid > 0 && g.tpgid === g.pgrp;
  } catch {
    return undefined;
  }
}
