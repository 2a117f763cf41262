// P4: the prompt segment, timed and counted inside the shell itself. The hook
// (__mfa_env_prompt_hook, what PROMPT_COMMAND / precmd run after every
// command once MFA_ENV_PROMPT=1) runs 1000 times in a loop; the same loop
// with an empty body is the baseline, so the figure is the hook alone.
//   steady:   a session is loaded and the clock runs, as between the
//             commands of a shell: the figure held to the target
//   changing: the session changes on every render (the text is recomputed
//             every time, every branch taken): the worst case, reported
// Processes are counted with strace over both loops.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../test/helpers/require-tool.js';
import { median } from './measure.js';

export const RENDERS = 1000;

export interface PromptFigure {
  shell: 'bash' | 'zsh';
  /** Milliseconds for RENDERS hook runs in a steady session, the empty loop subtracted; the median of the repeats. */
  ms: number;
  /** The same with the session changing on every render. */
  changingMs: number;
  /** Processes (execve/clone/fork) the renders added; undefined without a usable strace. */
  processes: number | undefined;
}

const shellArgs = { bash: ['--noprofile', '--norc', '-c'], zsh: ['-f', '-c'] } as const;

type Kind = 'steady' | 'changing';

function loop(shell: 'bash' | 'zsh', kind: Kind, body: string, iterations: number): string {
  if (kind === 'steady') {
    return `export MFA_ENV_PROFILE=dev MFA_ENV_EXPIRES=$((now + 2730))
for ((i = 0; i < ${iterations}; i++)); do
    ${body}
done`;
  }
  const index = shell === 'zsh' ? 'i % 4 + 1' : 'i % 4';
  return `export MFA_ENV_PROFILE=dev
expiries=($((now + 2730)) $((now + 330)) $((now - 5)) '')
for ((i = 0; i < ${iterations}; i++)); do
    MFA_ENV_EXPIRES=\${expiries[${index}]}
    ${body}
done`;
}

function preamble(shell: 'bash' | 'zsh', file: string): string {
  // MFA_ENV_FOLLOW=0: this measures the prompt itself; following a new session
  // (at most one mfa-env a minute, only near the end) is tested on its own.
  return `export MFA_ENV_FOLLOW=0\n${shell === 'zsh' ? 'zmodload zsh/datetime\n' : ''}source '${file.replace(/'/g, `'\\''`)}'
PS1='$ '
now=$EPOCHSECONDS`;
}

const HOOK = '__mfa_env_prompt_hook';

/** One timed pass: the render loop and the empty loop, in one shell. */
function timeOnce(shell: 'bash' | 'zsh', file: string, kind: Kind): number {
  const script = `${preamble(shell, file)}
t0=$EPOCHREALTIME
${loop(shell, kind, HOOK, RENDERS)}
t1=$EPOCHREALTIME
${loop(shell, kind, ':', RENDERS)}
t2=$EPOCHREALTIME
printf '%s %s %s\\n' "$t0" "$t1" "$t2"`;
  const r = spawnSync(shell, [...shellArgs[shell], script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LC_ALL: 'C', TERM: 'xterm', HOME: tmpdir() },
  });
  if (r.status !== 0) throw new Error(`${shell} prompt loop failed: ${r.stderr}`);
  const [t0, t1, t2] = r.stdout.trim().split(' ').map(Number) as [number, number, number];
  return (t1 - t0 - (t2 - t1)) * 1000;
}

const traced = ['execve', 'clone', 'clone3', 'fork', 'vfork'];
const callLine = new RegExp(`^\\d+ +(${traced.join('|')})\\(`);

/** Process-creating calls of one script under strace (threads are not processes). */
function processCalls(shell: 'bash' | 'zsh', script: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-bench-strace-'));
  try {
    const out = join(dir, 'trace');
    const r = spawnSync(
      'strace',
      ['-f', '-e', `trace=${traced.join(',')}`, '-o', out, shell, ...shellArgs[shell], script],
      {
        env: { PATH: process.env.PATH, TERM: 'xterm', HOME: dir },
        stdio: 'ignore',
      },
    );
    if (r.status !== 0) throw new Error(`strace ${shell} failed (${r.status})`);
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => callLine.test(line) && !line.includes('CLONE_THREAD')).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function straceUsable(): boolean {
  return (
    findTool('strace') !== undefined &&
    spawnSync('strace', ['-f', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0
  );
}

/** `skipped` with the reason when the shell is not installed. */
export function measurePrompt(
  shell: 'bash' | 'zsh',
  file: string,
  repeats: number,
): PromptFigure | { skipped: string } {
  if (!findTool(shell)) return { skipped: `${shell} is not installed` };
  const ms = median(Array.from({ length: repeats }, () => timeOnce(shell, file, 'steady')));
  const changingMs = median(Array.from({ length: repeats }, () => timeOnce(shell, file, 'changing')));
  let processes: number | undefined;
  if (straceUsable()) {
    processes = 0;
    for (const kind of ['steady', 'changing'] as const) {
      const rendering = processCalls(shell, `${preamble(shell, file)}\n${loop(shell, kind, HOOK, RENDERS)}`);
      const baseline = processCalls(shell, `${preamble(shell, file)}\n${loop(shell, kind, ':', RENDERS)}`);
      processes += rendering - baseline;
    }
  }
  return { shell, ms, changingMs, processes };
}
