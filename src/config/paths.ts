import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where things live; every path the tool touches is resolved here. */
export function awsConfigFile(env = process.env): string {
  return env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
}

export function awsCredentialsFile(env = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
}

export function storeDir(env = process.env): string {
  if (env.MFA_ENV_STORE_DIR) return env.MFA_ENV_STORE_DIR;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'mfa-env');
}

export function lockDir(env = process.env): string {
  return join(storeDir(env), 'locks');
}
