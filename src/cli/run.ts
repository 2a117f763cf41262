import { ExitCode, MfaEnvError } from '../errors.js';

/** One line, no control characters: error text must never paint the terminal. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Prints an error as one or two lines on stderr and returns its exit code. */
export function reportError(prog: string, err: unknown): number {
  if (err instanceof MfaEnvError) {
    process.stderr.write(`${prog}: ${oneLine(err.message)}\n`);
    // Checks shared by both programs point at mfa-env's help; mfa-exec's own is the one to read.
    const hint = prog === 'mfa-exec' ? err.hint?.replace('see mfa-env --help', 'see mfa-exec --help') : err.hint;
    if (hint) process.stderr.write(`${prog}: ${oneLine(hint)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`${prog}: unexpected error: ${oneLine(e?.message ?? String(err))}\n`);
  if (process.env.MFA_ENV_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  else process.stderr.write(`${prog}: set MFA_ENV_DEBUG=1 for details, and please report it\n`);
  return ExitCode.unexpected;
}

/** The single place where errors become messages and exit codes. */
export async function run(prog: string, main: () => Promise<number | void>): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  let code: number;
  try {
    code = (await main()) ?? 0;
  } catch (err) {
    code = reportError(prog, err);
  }
  process.exitCode = code;
  // Do not wait for stray handles (an aborted keychain call, a keep-alive
  // socket): flush stdout/stderr, then leave.
  const exit = () => process.exit(code);
  if (process.stdout.writableLength || process.stderr.writableLength) {
    let pending = 2;
    const done = () => --pending === 0 && exit();
    process.stdout.write('', done);
    process.stderr.write('', done);
  } else {
    exit();
  }
}
