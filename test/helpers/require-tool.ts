import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where each tool comes from, for the message (scripts/setup-machine.sh installs them). */
const installHint: Record<string, string> = {
  zsh: 'apt package zsh',
  fish: 'apt package fish',
  tmux: 'apt package tmux',
  'dbus-daemon': 'apt package dbus',
  'dbus-send': 'apt package dbus',
  'gnome-keyring-daemon': 'apt package gnome-keyring',
  'secret-tool': 'apt package libsecret-tools',
  aws: 'apt package awscli',
  hyperfine: 'apt package hyperfine',
  shellcheck: 'apt package shellcheck',
  strace: 'apt package strace',
  moto_server: 'pip package moto[server] (not in Debian 12; not installed by scripts/setup-machine.sh)',
};

/** The absolute path of `name` on PATH, or undefined. */
export function findTool(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export class MissingToolError extends Error {
  constructor(readonly tools: string[]) {
    super(
      `required tool${tools.length > 1 ? 's' : ''} missing on CI: ${describe(tools)}; run scripts/setup-machine.sh`,
    );
    this.name = 'MissingToolError';
  }
}

function describe(tools: string[]): string {
  return tools.map((t) => `${t} (${installHint[t] ?? 'not on PATH'})`).join(', ');
}

const warned = new Set<string>();

/**
 * Test options for a test that needs external programs:
 *
 *     test('round trip', requireTool('dbus-daemon', 'gnome-keyring-daemon'), async () => { ... });
 *
 * All present: `{}`, the test runs. Some missing: under CI (`CI=true`) this
 * throws, so the test (or the file, when called at top level) fails: a CI
 * machine without the tools must not pass by skipping. Elsewhere it returns
 * `{ skip: reason }` and says so loudly on stderr.
 */
export function requireTool(...names: string[]): { skip?: string } {
  const missing = names.filter((n) => findTool(n) === undefined);
  if (missing.length === 0) return {};
  if (isCI()) throw new MissingToolError(missing);
  const reason = `missing ${describe(missing)}; run scripts/setup-machine.sh`;
  const key = missing.join(',');
  if (!warned.has(key)) {
    warned.add(key);
    process.stderr.write(`\n*** SKIPPING tests: ${reason} ***\n\n`);
  }
  return { skip: reason };
}
