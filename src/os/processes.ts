// Other processes, as the kernel sees them.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** The program name (at most 15 bytes; may hold spaces and parentheses). */
  comm: string;
  ppid: number;
  /** The process group. */
  pgrp: number;
  /** The foreground process group of its controlling terminal; ≤ 0 when it has none. */
  tpgid: number;
}

/**
 * (Linux) /proc/PID/stat: "pid (comm) state ppid pgrp session tty_nr tpgid …".
 * comm may hold spaces and parentheses, so the fields are counted from the
 * last ')'. Undefined when there is no such process (or no /proc).
 */
export function readProcStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), pgrp: Number(fields[2]), tpgid: Number(fields[5]) };
}

/** Whether a process with this pid exists (EPERM: it does, and is someone else's). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
