// Typed errors: the core throws these, and exactly one place (src/cli/run.ts)
// turns them into a stderr line and an exit code. Messages never carry secrets.

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  awsRefused: 3,
  store: 4,
  network: 5,
  /** mfa-exec: the command exists but cannot run (the shells' convention). */
  cannotExecute: 126,
  /** mfa-exec: no such command (the shells' convention). */
  commandNotFound: 127,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class MfaEnvError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** What to do next; printed on a second line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flag, bad value, unknown profile, no code and no terminal: exit 2. */
export class UsageError extends MfaEnvError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** AWS answered and said no: wrong or used code, wrong serial, bad key. Exit 3. */
export class AwsRefusedError extends MfaEnvError {
  constructor(
    message: string,
    hint?: string,
    readonly awsCode?: string,
    /** AWS refused the MFA code itself (wrong or already used): another code may work. */
    readonly codeRefused = false,
  ) {
    super(message, ExitCode.awsRefused, hint);
  }
}

/** The secret store is unreachable, locked, or the passphrase is wrong. Exit 4. */
export class StoreError extends MfaEnvError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.store, hint);
  }
}

/** STS could not be reached, or did not answer in time. Exit 5. */
export class NetworkError extends MfaEnvError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.network, hint);
  }
}

/** Ctrl-C at a prompt. Exit 130. */
export class InterruptedError extends MfaEnvError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

/** mfa-exec's command is missing (127) or cannot be executed (126). */
export class CommandError extends MfaEnvError {
  constructor(message: string, exitCode: typeof ExitCode.cannotExecute | typeof ExitCode.commandNotFound) {
    super(message, exitCode);
  }
}

/** Anything from AWS that none of the known cases explains. Exit 1. */
export class UnexpectedAwsError extends MfaEnvError {
  constructor(
    message: string,
    readonly awsCode?: string,
  ) {
    super(message, ExitCode.unexpected);
  }
}
