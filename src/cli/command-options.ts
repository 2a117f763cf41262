// The option tables of the commands only the full command line runs (setup,
// status, logout), apart from src/cli/options.ts, which the two hot entry
// points bundle: these stay in the cold chunk with yargs.
import { exportOptions, profileOption, sessionOptions, shellOption } from './options.js';

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

export const rotateOptions = {
  ...profileOption,
  code: { ...sessionOptions.code, describe: 'MFA code, when no cached session can sign the IAM calls (default: mfa_process, else a prompt)' },
} as const;

/** Every option table of mfa-env's commands (mfa-exec parses its own: src/cli/exec-argv.ts). */
export const MFA_ENV_OPTION_TABLES: readonly Record<string, object>[] = [exportOptions, setupOptions, statusOptions, logoutOptions, rotateOptions, shellOption, profileOption];
