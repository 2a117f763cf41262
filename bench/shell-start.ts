// P8: opening a terminal. A new interactive bash, zsh and fish (stdin at
// end of file, so each reads its startup files, draws its first prompt and
// leaves) with the block install.sh writes against the same shell with empty
// startup files. The block sources dist/shell/mfa-env.SHELL and starts no
// process; the figure is the cost of that file. Both sides run through the
// same `env -i HOME=…`, in alternating rounds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../test/helpers/require-tool.js';
import { median, type Harness, type RunOptions } from './measure.js';

export interface ShellStartFigure {
  shell: 'bash' | 'zsh' | 'fish';
  /** Median ms with the block, and without it; undefined when the shell is not installed. */
  withBlock?: number;
  without?: number;
  skipped?: string;
}

export async function measureShellStart(
  root: string,
  harness: Harness,
  o: Omit<RunOptions, 'env'>,
): Promise<ShellStartFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-bench-p8-'));
  try {
    const without = join(dir, 'without');
    const withBlock = join(dir, 'with');
    mkdirSync(join(without, '.config', 'fish', 'conf.d'), { recursive: true });
    mkdirSync(withBlock);
    writeFileSync(join(without, '.bashrc'), '');
    writeFileSync(join(without, '.zshrc'), '');
    // install.sh's own block, into this HOME only; the links go into the scratch prefix.
    execFileSync(
      'bash',
      [join(root, 'install.sh'), '--no-build', '--prefix', join(dir, 'prefix'), '--shell', 'bash,zsh,fish'],
      {
        env: { PATH: process.env.PATH, HOME: withBlock },
        stdio: 'ignore',
      },
    );
    const out: ShellStartFigure[] = [];
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      if (!findTool(shell)) {
        out.push({ shell, skipped: `${shell} not installed` });
        continue;
      }
      const argv = (home: string) => [
        'env',
        '-i',
        `HOME=${home}`,
        `PATH=${process.env.PATH}`,
        'TERM=xterm',
        shell,
        '-i',
      ];
      const [a, b] = await harness.time(
        [
          { name: `${shell} without`, argv: argv(without) },
          { name: `${shell} with`, argv: argv(withBlock) },
        ],
        { ...o, env: process.env },
      );
      out.push({ shell, without: median(a!.times) * 1000, withBlock: median(b!.times) * 1000 });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
