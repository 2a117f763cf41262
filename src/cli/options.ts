import { DIALECTS } from '../shells/types.js';

// Option definitions shared by `mfa-env [export]`, `credential-process` and
// `mfa-exec`: one list, so the two binaries never drift apart.

export const FORMATS = ['shell', 'json', 'credential-process'] as const;
export type Format = (typeof FORMATS)[number];

export const profileOption = {
  profile: { alias: 'p', type: 'string', describe: 'profile (default: $AWS_PROFILE, else default)', requiresArg: true },
} as const;

export const shellOption = {
  shell: { alias: 's', choices: DIALECTS, describe: 'output dialect (default: detected)', requiresArg: true },
} as const;

export const sessionOptions = {
  ...profileOption,
  code: { alias: 'c', type: 'string', describe: 'MFA code (default: mfa_process, else a prompt)', requiresArg: true },
  duration: { alias: 'd', type: 'string', describe: 'session length: 12h, 90m or seconds (900–129600)', requiresArg: true },
  refresh: { type: 'boolean', describe: 'ignore a cached session and mint a new one' },
  cache: { type: 'boolean', default: true, describe: 'read and write the session cache (--no-cache: neither)' },
} as const;

export const exportOptions = {
  ...sessionOptions,
  ...shellOption,
  format: { alias: 'f', choices: FORMATS, default: 'shell', describe: 'shell lines, json (as aws sts get-session-token), or credential-process', requiresArg: true },
  'write-profile': {
    type: 'string',
    describe: 'also write the session into [NAME] of the credentials file (stdout a terminal: only that, nothing printed)',
    requiresArg: true,
  },
  force: { type: 'boolean', describe: 'with --write-profile: overwrite a section that holds a long-term key' },
} as const;

export const setupOptions = {
  ...profileOption,
  'access-key-id': { type: 'string', describe: 'the IAM user’s AKIA… key id', requiresArg: true },
  'secret-stdin': { type: 'boolean', describe: 'read the secret access key from stdin' },
  'mfa-serial': { type: 'string', describe: 'MFA device ARN (default: discovered with IAM ListMFADevices)', requiresArg: true },
  region: { type: 'string', describe: 'region to write into the profile', requiresArg: true },
  import: { type: 'boolean', describe: 'take the key from the plaintext profile in the credentials file' },
  'remove-plaintext': { type: 'boolean', describe: 'then delete those plaintext lines (a redacted backup is kept)' },
  'credential-process': {
    type: 'string',
    describe: 'also write [profile NAME] with credential_process = mfa-env credential-process --profile P (alone when P is already set up)',
    requiresArg: true,
  },
  force: { type: 'boolean', describe: 'with --credential-process: replace an existing, different [profile NAME]' },
} as const;

export const statusOptions = {
  json: { type: 'boolean', describe: 'machine-readable output' },
} as const;

export const logoutOptions = {
  ...profileOption,
  ...shellOption,
  all: { type: 'boolean', describe: 'every profile' },
} as const;

/** Every option table of mfa-env's commands (mfa-exec parses its own: src/cli/exec-argv.ts). */
export const MFA_ENV_OPTION_TABLES: readonly Record<string, object>[] = [exportOptions, setupOptions, statusOptions, logoutOptions, shellOption, profileOption];

export const execOptions = {
  ...sessionOptions,
  force: { type: 'boolean', describe: 'with no command: start a shell even inside an mfa-exec shell for the same profile' },
} as const;

export interface SessionArgs {
  profile?: string;
  code?: string;
  duration?: string;
  refresh?: boolean;
  cache?: boolean;
}

export interface ExportArgs extends SessionArgs {
  shell?: (typeof DIALECTS)[number];
  format?: Format;
  writeProfile?: string;
  force?: boolean;
}

export interface ExecArgs extends SessionArgs {
  force?: boolean;
}
