import {
  type CredentialProcessPlan,
  credentialProcessLine,
  planCredentialProcessProfile,
  selfInvocation,
  withCredentialProcessProfile,
} from '../config/credential-process.js';
import { pathOf, readText, updateAwsFile } from '../config/edit-files.js';
import { readProfile } from '../config/profiles.js';
import { sectionFor } from '../config/ini-edit.js';
import { checkProfileName } from '../config/validate.js';
import { UsageError } from '../errors.js';

export interface CredentialProcessTarget {
  name: string;
  sourceProfile: string;
  line: string;
  force: boolean;
}

/** Checked before setup stores anything: a refusal changes nothing. */
export function checkCredentialProcessProfile(
  name: string,
  sourceProfile: string,
  force: boolean,
): CredentialProcessTarget {
  checkProfileName(name);
  if (name === sourceProfile) {
    throw new UsageError(
      `--credential-process ${name} is the profile that holds the MFA settings; name another profile (for example ${sourceProfile}-mfa)`,
    );
  }
  const target = { name, sourceProfile, line: credentialProcessLine(selfInvocation(), sourceProfile), force };
  const path = pathOf('config');
  planCredentialProcessProfile(readText(path), name, target.line, path, force);
  return target;
}

/**
 * Writes `[profile NAME]`. `region`: an explicit --region always; otherwise
 * the source profile's, only into a section this creates or replaces.
 */
export async function writeCredentialProcessProfile(
  target: CredentialProcessTarget,
  region: { explicit?: string; inherited?: string },
): Promise<void> {
  const path = pathOf('config');
  let plan = 'create' as CredentialProcessPlan; // set inside the locked update
  await updateAwsFile(path, (text) => {
    plan = planCredentialProcessProfile(text, target.name, target.line, path, target.force);
    const r = region.explicit ?? (plan === 'create' || plan === 'replace' ? region.inherited : undefined);
    return withCredentialProcessProfile(text, target.name, target.line, r, plan);
  });
  const section = sectionFor(target.name, 'config');
  const what = { create: 'written with', unchanged: 'already has', update: 'updated to', replace: 'replaced; now has' }[
    plan
  ];
  const r = region.explicit ?? (plan === 'create' || plan === 'replace' ? region.inherited : undefined);
  process.stderr.write(
    `mfa-env: [${section}] in ${path} ${what}: credential_process = ${target.line}${r ? `, region = ${r}` : ''}\n`,
  );
  process.stderr.write(
    `mfa-env: use it with --profile ${target.name} or AWS_PROFILE=${target.name}; it asks for an MFA code on the terminal when the cached session runs out\n`,
  );
  const shadow = (await readProfile(target.name)).plaintext;
  if (shadow?.accessKeyId) {
    // The AWS CLI and SDKs read static keys in the credentials file before credential_process.
    process.stderr.write(
      `mfa-env: note: [${target.name}] in ${pathOf('credentials')} holds keys, which the AWS CLI uses instead of credential_process; remove that section\n`,
    );
  }
}
