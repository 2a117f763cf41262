import { debugEnabled } from '../debug.js';
import { ExitCode, MfaEnvError } from '../errors.js';

/** The longest line an error may print: whatever a message quotes, it stays a line. */
const MAX_LINE_CHARS = 400;

/**
 * One line, no control characters (C0, DEL, C1: a lone 0x9b is a CSI to
 * some terminals): error text must never paint the terminal.
 */
export function oneLine(text: string): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 3)}...` : line;
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
  if (debugEnabled()) process.stderr.write(`${e?.stack ?? ''}\n`);
  else process.stderr.write(`${prog}: run it again with --debug for details, and please report it\n`);
  return ExitCode.unexpected;
}

/**
 * The product went nowhere (`> /dev/full`, a full disk, a closed pipe): a
 * script that goes on as if the export or the JSON had been written would
 * run without credentials, or with a file holding half of them. Exit 1, and
 * say why unless the reader simply left (EPIPE: `| head`).
 */
function outputLost(prog: string, err: NodeJS.ErrnoException): number {
  if (err.code !== 'EPIPE') {
    const why = err.code === 'ENOSPC' ? 'no space left on device' : (err.code ?? oneLine(err.message));
    process.stderr.write(`${prog}: could not write the output to stdout: ${why}\n`);
  }
  return ExitCode.unexpected;
}

/** The single place where errors become messages and exit codes. */
export async function run(prog: string, main: () => Promise<number | undefined>): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // A failed write to stdout is an 'error' event: looked at below, never a crash.
  let stdoutError: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (err) => (stdoutError ??= err));
  let code: number;
  try {
    code = (await main()) ?? 0;
  } catch (err) {
    code = reportError(prog, err);
  }
  process.exitCode = code;
  // Do not wait for stray handles (an aborted keychain call, a keep-alive
  // socket): flush stdout/stderr, then leave.
  const exit = () => {
    // `errored` is set at once by a synchronous write (a file, a device); the event comes later.
    const lost = stdoutError ?? (process.stdout.errored as NodeJS.ErrnoException | null) ?? undefined;
    process.exit(lost && code === ExitCode.ok ? outputLost(prog, lost) : code);
  };
  if (process.stdout.writableLength || process.stderr.writableLength) {
    let pending = 2;
    const done = () => --pending === 0 && exit();
    process.stdout.write('', done);
    process.stderr.write('', done);
  } else {
    exit();
  }
}
