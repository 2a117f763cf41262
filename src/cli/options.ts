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
  follow: {
    type: 'boolean',
    describe: 'print the cached session only if it is newer than this shell’s ($MFA_ENV_EXPIRES), else nothing; never mints or asks (the prompt hook uses it)',
  },
} as const;

export const execOptions = {
  ...sessionOptions,
  server: {
    type: 'boolean',
    describe: 'give COMMAND a local credential endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) that renews the credentials, instead of putting them in its environment',
  },
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
