import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

export interface Terminal {
  input: ReadStream;
  output: WriteStream;
  close(): void;
}

/**
 * The controlling terminal, opened directly: prompts must work when stdout is
 * captured by `$(...)`, piped, or read by the AWS CLI (credential_process).
 * Undefined when there is none (CI, cron, a detached process).
 */
export function openTerminal(): Terminal | undefined {
  let inFd: number;
  let outFd: number;
  try {
    inFd = openSync('/dev/tty', 'r');
  } catch {
    return undefined;
  }
  try {
    outFd = openSync('/dev/tty', 'w');
  } catch {
    closeSync(inFd);
    return undefined;
  }
  const input = new ReadStream(inFd);
  const output = new WriteStream(outFd);
  return {
    input,
    output,
    close() {
      if (input.isRaw) input.setRawMode(false);
      input.destroy();
      output.destroy();
    },
  };
}
