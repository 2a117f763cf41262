import { DIALECTS } from '../shells/types.js';

// The one place an option or a command exists. Everything else is derived
// from these tables: the parser of both binaries (src/cli/parse.ts), --help
// (src/cli/help.ts), completion for bash, zsh and fish (src/cli/complete.ts,
// and the generated part of shell/mfa-env.fish), and the lists of flags that
// take a value in the `mfa` wrappers of shell/* (scripts/shell-lists.ts, run
// by the build). Adding an option is adding one line here.

export const FORMATS = ['shell', 'json', 'credential-process'] as const;
export type Format = (typeof FORMATS)[number];

export interface OptionSpec {
  /** One letter: `-p`. */
  readonly alias?: string;
  /** The option takes a value, shown as this word in --help; without it, a switch. */
  readonly value?: string;
  /** The only values accepted (also what completion offers). */
  readonly choices?: readonly string[];
  /** A switch that is on unless `--no-NAME`: help and completion show `--no-NAME`. */
  readonly on?: boolean;
  /** What completion offers for the value: profile names from the AWS files. */
  readonly complete?: 'profile';
  /** The command cannot run without it. */
  readonly required?: boolean;
  /** Accepted but not shown in help or completion. */
  readonly hidden?: boolean;
  readonly describe: string;
}
export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  readonly name: string;
  readonly choices: readonly string[];
  readonly describe: string;
}

export interface CommandSpec {
  readonly summary: string;
  readonly options: OptionTable;
  /** Words after the command, in order (all required). */
  readonly positionals?: readonly PositionalSpec[];
  /** Options that cannot be given together. */
  readonly conflicts?: readonly (readonly [string, string])[];
  /** Its stdout is lines for the shell to apply: the `mfa` wrapper evals it. */
  readonly evals?: boolean;
  /** More for `mfa-env COMMAND --help`. */
  readonly details?: string;
}

/** Every command of both binaries takes these. */
export const commonOptions = {
  debug: { describe: 'print each decision on stderr (or MFA_ENV_DEBUG=1)' },
  help: { alias: 'h', describe: 'show help' },
  version: { alias: 'V', hidden: true, describe: 'print the version' },
} as const satisfies OptionTable;

export const profileOption = {
  profile: {
    alias: 'p',
    value: 'NAME',
    complete: 'profile',
    describe: 'profile (else $AWS_PROFILE/$MFA_ENV_PROFILE/default)',
  },
} as const satisfies OptionTable;

export const shellOption = {
  shell: { alias: 's', value: 'SHELL', choices: DIALECTS, describe: 'output dialect (default: detected)' },
} as const satisfies OptionTable;

export const sessionOptions = {
  ...profileOption,
  code: { alias: 'c', value: 'CODE', describe: 'MFA code (default: mfa_process, else a prompt)' },
  duration: { alias: 'd', value: 'TIME', describe: 'session length: 12h, 90m or seconds (900–129600)' },
  refresh: { describe: 'ignore a cached session and mint a new one' },
  cache: { on: true, describe: 'neither read nor write the session cache' },
} as const satisfies OptionTable;

export const exportOptions = {
  ...sessionOptions,
  ...shellOption,
  format: { alias: 'f', value: 'FORMAT', choices: FORMATS, describe: 'shell, json or credential-process' },
  'write-profile': {
    value: 'NAME',
    complete: 'profile',
    describe: 'also write the session into [NAME] of credentials',
  },
  force: { describe: 'with --write-profile: replace a long-term key there' },
  // The prompt hook's (shell/*), not a person's: accepted, not offered.
  follow: {
    hidden: true,
    describe: 'print the cached session only if newer than this shell’s ($MFA_ENV_EXPIRES); never mints or asks',
  },
} as const satisfies OptionTable;

export const execOptions = {
  ...sessionOptions,
  server: { describe: 'a local credential endpoint for COMMAND, renewed, instead of credentials in its env' },
  force: { describe: 'with no command: start a shell even inside an mfa-exec shell for the same profile' },
} as const satisfies OptionTable;

/** mfa-env's commands; the first is the default (`mfa-env` = `mfa-env export`). */
export const COMMANDS = {
  export: {
    summary: 'print the session as export lines (the default command)',
    options: exportOptions,
    evals: true,
  },
  setup: {
    summary: 'store the long-term key (prompts for what flags omit)',
    details:
      'Prompts on the terminal for whatever the flags leave out (key id, secret,\nMFA device). Without --mfa-serial the device is found with IAM\nListMFADevices. --credential-process NAME writes [profile NAME] with\ncredential_process = …/mfa-env credential-process --profile P.\n--role-arn ARN --source-profile NAME writes a role profile (no key stored).',
    options: {
      // Not the session this shell holds ($MFA_ENV_PROFILE): setup is about a key, not a session.
      profile: { ...profileOption.profile, describe: 'profile (else $AWS_PROFILE/default)' },
      'access-key-id': { value: 'ID', describe: 'the IAM user’s AKIA… key id' },
      'secret-stdin': { describe: 'read the secret access key from stdin' },
      'mfa-serial': { value: 'ARN', describe: 'MFA device ARN (default: asks IAM ListMFADevices)' },
      region: { value: 'REGION', describe: 'region to write into the profile' },
      import: { describe: 'take the key from the plaintext credentials file' },
      'remove-plaintext': { describe: 'then delete it there (keeps a redacted backup)' },
      'credential-process': { value: 'NAME', describe: 'also write [profile NAME] using credential_process' },
      force: { describe: 'with --credential-process: replace [profile NAME]' },
      'role-arn': { value: 'ARN', describe: 'make --profile a role profile: the role to assume' },
      'source-profile': {
        value: 'NAME',
        complete: 'profile',
        describe: 'with --role-arn: the profile whose MFA session assumes it',
      },
      'external-id': { value: 'ID', describe: 'with --role-arn: the external id its trust policy asks for' },
      duration: { value: 'TIME', describe: 'with --role-arn: its duration_seconds (default 1h)' },
    },
  },
  status: {
    summary: 'show profiles, stored keys and cached sessions',
    options: { json: { describe: 'machine-readable output' } },
  },
  logout: {
    summary: 'delete cached sessions and print unset lines',
    options: { ...profileOption, ...shellOption, all: { describe: 'every profile' } },
    conflicts: [['all', 'profile']],
    evals: true,
  },
  unset: {
    summary: 'print unset lines for the session variables',
    options: shellOption,
    evals: true,
  },
  remove: {
    summary: 'delete a profile’s stored key and cached session',
    options: { profile: { ...profileOption.profile, required: true } },
  },
  rotate: {
    summary: 'replace the long-term key with a new one (IAM)',
    details:
      'CreateAccessKey signed with an MFA session, the new key stored and checked,\nthen DeleteAccessKey of the old one. See docs/keys.md.',
    options: {
      ...profileOption,
      code: { ...sessionOptions.code, describe: 'MFA code, when no cached session can sign the IAM calls' },
    },
  },
  'credential-process': {
    summary: 'print credential_process JSON (for ~/.aws/config)',
    options: sessionOptions,
  },
  init: {
    summary: 'print the shell integration: mfa, prompt, completion',
    options: {},
    positionals: [{ name: 'shell', choices: DIALECTS, describe: 'your shell' }],
  },
  doctor: {
    summary: 'check the store, AWS files, profiles, integration, PATH',
    options: { ...profileOption },
  },
  demo: {
    summary: 'try it against a built-in local STS (no AWS account)',
    options: {},
  },
} as const satisfies Record<string, CommandSpec>;
export type CommandName = keyof typeof COMMANDS;

/** mfa-exec is one command: its options, then the command to run. */
export const EXEC: CommandSpec = {
  summary: 'run a command with an MFA session in its environment',
  options: execOptions,
};

/** A command's own options and the common ones, as the parser and help see them. */
export function optionsOf(command: CommandSpec): OptionTable {
  return { ...command.options, ...commonOptions };
}

export interface SessionArgs {
  profile?: string;
  code?: string;
  duration?: string;
  refresh?: boolean;
  cache?: boolean;
}

export interface ExportArgs extends SessionArgs {
  follow?: boolean;
  shell?: (typeof DIALECTS)[number];
  format?: Format;
  writeProfile?: string;
  force?: boolean;
}

export interface ExecArgs extends SessionArgs {
  force?: boolean;
  server?: boolean;
}
