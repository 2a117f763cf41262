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
  /** R, S, D…; T or t: stopped by a signal (Ctrl-Z, SIGSTOP) or a tracer. */
  state: string;
  /** When it started, in clock ticks since boot: tells it from a later process with its pid. */
  startTime: string;
  /** Its controlling terminal as the kernel numbers it (major << 8 | minor, with the high minor bits above); 0: none. */
  ttyNr: number;
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
  return {
    comm: stat.slice(stat.indexOf('(') + 1, close),
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    tpgid: Number(fields[5]),
    startTime: fields[19] ?? '',
    ttyNr: Number(fields[4]),
  };
}

/**
 * (Linux) The terminal a process runs on, as a path: /dev/pts/N for a
 * pseudo-terminal (majors 136–143), /dev/ttyN for a console; undefined for
 * none, or one this cannot name.
 */
export function terminalOf(pid: number): string | undefined {
  const nr = readProcStat(pid)?.ttyNr;
  if (!nr) return undefined;
  const major = (nr >> 8) & 0xfff;
  const minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `/dev/pts/${(major - 136) * 256 + minor}`;
  if (major === 4 && minor < 64) return `/dev/tty${minor}`;
  return undefined;
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

/**
 * (Linux) Whether /proc/PID/environ, the environment the process was started
 * (exec'd) with, holds `entry` (NAME=value) exactly. A fork that never
 * exec'd shows its parent's. Undefined when it cannot be read.
 */
export function startedWith(pid: number, entry: string): boolean | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
  } catch {
    return undefined;
  }
}
