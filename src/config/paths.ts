import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where things live; every path the tool touches is resolved here. */
export function awsConfigFile(env = process.env): string {
  return env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
}

export function awsCredentialsFile(env = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
}

export function storeDir(env = process.env): string {
  if (env.MFA_ENV_STORE_DIR) return env.MFA_ENV_STORE_DIR;
  // The XDG spec: a relative path in XDG_* is invalid and is ignored (it
  // would put the store wherever the command happens to run).
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(dataHome, 'mfa-env');
}

export function lockDir(env = process.env): string {
  return join(storeDir(env), 'locks');
}
