// Key rotation: a new access key for the IAM user, stored and proven to work
// before the old one is deleted. Never loses a working key: at every step
// that can fail after CreateAccessKey, what is stored works, and the error
// says which key is where and which one to delete by hand.
import { constants } from 'node:os';
import { AwsRefusedError, ExitCode, MfaEnvError, UsageError } from '../errors.js';
import type { SecretStore } from '../store/types.js';
import { forgetSession, sessionsIn } from './cache.js';
import { longTermKeysIn, saveLongTermKey } from './long-term-key.js';
import type { LongTermKey, Session } from './types.js';

/** How long IAM gets to make a new key usable: it usually takes a few seconds. */
export const VERIFY_DELAYS_MS = [0, 500, 1000, 1500, 2000, 3000, 3000, 4000, 5000];
/** DeleteAccessKey's retries, for a network or IAM hiccup. */
export const DELETE_DELAYS_MS = [0, 1000, 2000, 4000];

export interface RotateInput {
  store: SecretStore;
  profile: string;
  /** The stored key, as read before the session was obtained. */
  oldKey: LongTermKey;
  /** An MFA session of the old key: signs the IAM calls (many accounts want MFA for them). */
  session: Session;
  region: string | undefined;
  /** Told about slow steps (waiting for IAM), one line each. */
  onProgress?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface Rotated {
  userName: string;
  oldKeyId: string;
  newKeyId: string;
  /** The profiles that held the old key and now hold the new one (the rotated one first). */
  profiles: string[];
  /** Cached sessions of the old key that were forgotten, by profile. */
  forgotten: string[];
  /** How long IAM took before the new key worked. */
  verifiedAfterMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const deleteCommand = (userName: string, keyId: string) =>
  `aws iam delete-access-key --user-name ${userName} --access-key-id ${keyId}`;

/** The error's own text, for "…: reason" inside a longer message. */
const reason = (err: unknown) => (err instanceof MfaEnvError ? err.message : String((err as Error)?.message ?? err));

/** An exit code for a failure of this step: AWS's or the store's own, else AWS refused (3). */
const exitCodeOf = (err: unknown) =>
  err instanceof MfaEnvError && err.exitCode !== ExitCode.unexpected ? err.exitCode : ExitCode.awsRefused;

const awsCodeOf = (err: unknown) => (err as { awsCode?: string } | undefined)?.awsCode;

/**
 * CreateAccessKey → store → GetCallerIdentity with the new key (retried while
 * IAM propagates) → DeleteAccessKey of the old one (retried) → forget the
 * old key's sessions.
 */
export async function rotateKey(input: RotateInput): Promise<Rotated> {
  const { store, profile, oldKey, session, region } = input;
  const sleep = input.sleep ?? defaultSleep;
  const iam = await import('../aws/iam.js');
  const { getCallerIdentity } = await import('../aws/sts.js');
  const old = oldKey.accessKeyId;

  // Nothing has changed yet: a failure here is only reported. Who the key
  // belongs to, asked of STS with the key itself (GetCallerIdentity needs no
  // permission): IAM's GetUser would need one, and a look-alike such as moto
  // does not resolve a session to its user.
  const { arn } = await getCallerIdentity(oldKey, region);
  const userName = userNameOf(arn);
  // Ctrl-C (TERM, HUP) from here on: no further step starts; the one under
  // way finishes, then `settle` puts the store in order from where things
  // stand and says which key is where. The state it reads is set inside the
  // steps, so it is never behind them.
  let interrupted = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const never = new Promise<never>(() => {});
  const step = <T>(run: () => Promise<T>): Promise<T> => {
    if (interrupted) return never;
    const p = run();
    inFlight = p.catch(() => {});
    return p;
  };
  let fresh: LongTermKey | undefined;
  let profiles = [profile];
  const moved: string[] = [];
  let verified = false;
  let oldDeleted = false;
  let freshDeleted = false;
  const stop = guardInterrupts(async () => {
    interrupted = true;
    await inFlight;
    if (!fresh) return { line: 'no new key was made; nothing was changed', hint: '' };
    const stored = `'${profiles.join("', '")}'`;
    if (oldDeleted)
      return {
        line: `the new key ${fresh.accessKeyId} is stored for ${stored} and works; the old key ${old} was deleted (the rotation was done)`,
        hint: '',
      };
    if (verified)
      return {
        line: `the new key ${fresh.accessKeyId} is stored for ${stored} and works; the old key ${old} still exists in IAM`,
        hint: `delete it: ${deleteCommand(userName, old)}`,
      };
    // Not seen to work: the old key goes back where the new one was written.
    let restored = true;
    for (const name of moved) await saveLongTermKey(store, name, oldKey).catch(() => (restored = false));
    if (!restored)
      return {
        line: `the new key ${fresh.accessKeyId} is stored for '${moved.join("', '")}' but not yet seen to work; the old key ${old} could not be put back and still exists in IAM`,
        hint: `check the new key (mfa-env doctor) before deleting ${old}`,
      };
    const oldStored = `the old key ${old} is ${moved.length ? 'stored again' : 'still stored'} and works`;
    return freshDeleted
      ? { line: `${oldStored}; the new key was deleted again`, hint: '' }
      : {
          line: `${oldStored}; the new key ${fresh.accessKeyId} exists in IAM, unused`,
          hint: `delete it: ${deleteCommand(userName, fresh.accessKeyId)}`,
        };
  });
  try {
    return await rotate();
  } finally {
    stop();
  }

  async function rotate(): Promise<Rotated> {
    try {
      await step(async () => {
        const created = await iam.createAccessKey(session, region, userName);
        fresh = {
          accessKeyId: created.accessKeyId,
          secretAccessKey: created.secretAccessKey,
          ...(created.createDate ? { createDate: created.createDate.toISOString() } : {}),
        };
      });
    } catch (err) {
      if (!/^LimitExceeded/.test(awsCodeOf(err) ?? '')) throw err;
      const others = (await iam.listAccessKeys(session, region, userName).catch(() => []))
        .map((k) => k.accessKeyId)
        .filter((id) => id !== old);
      const other = others[0];
      throw new AwsRefusedError(
        `IAM user '${userName}' already has two access keys (${old}, stored for '${profile}', and ${other ?? 'another'}); nothing was changed`,
        other
          ? `delete the one not in use first: ${deleteCommand(userName, other)}`
          : `find the other one (aws iam list-access-keys --user-name ${userName}) and delete it first: ${deleteCommand(userName, 'ID')}`,
        'LimitExceeded',
      );
    }
    const key = fresh!;

    // Every profile that stores the old key moves to the new one: deleting it
    // would break them otherwise.
    const entries = await store.entries().catch(() => new Map<string, string>());
    const sharing = [...longTermKeysIn(entries)]
      .filter(([name, k]) => name !== profile && k.accessKeyId === old)
      .map(([name]) => name);
    profiles = [profile, ...sharing.sort()];

    /**
     * After a failure: the old key back in every profile that was moved, and
     * only then the new key out of IAM (one of the two must stay stored).
     * Returns the end of the message and the hint that say how it went.
     */
    const rollBack = async (afterHint: string): Promise<{ tail: string; hint: string }> => {
      let restored = true;
      for (const name of moved) await step(() => saveLongTermKey(store, name, oldKey)).catch(() => (restored = false));
      if (!restored) {
        return {
          tail: `the old key ${old} could not be put back in the store, so the new key ${key.accessKeyId} stays stored (for '${moved.join("', '")}')`,
          hint: `do not delete ${old} until the new key works (mfa-env doctor; aws sts get-caller-identity)`,
        };
      }
      try {
        await step(async () => {
          await iam.deleteAccessKey(session, region, userName, key.accessKeyId);
          freshDeleted = true;
        });
        return {
          tail: `the old key ${old} is ${moved.length ? 'stored again' : 'still stored'} and works; the new key was deleted again`,
          hint: afterHint,
        };
      } catch (err) {
        return {
          tail: `the old key ${old} is ${moved.length ? 'stored again' : 'still stored'} and works; the new key ${key.accessKeyId} could not be deleted (${reason(err)})`,
          hint: `delete it by hand: ${deleteCommand(userName, key.accessKeyId)}`,
        };
      }
    };

    try {
      for (const name of profiles) {
        await step(async () => {
          await saveLongTermKey(store, name, key);
          moved.push(name);
        });
      }
    } catch (err) {
      const { tail, hint } = await rollBack(
        (err instanceof MfaEnvError && err.hint) || 'fix the secret store, then run mfa-env rotate again',
      );
      throw new MfaEnvError(`could not store the new key: ${reason(err)}; ${tail}`, exitCodeOf(err), hint);
    }

    // IAM takes seconds to accept a new key everywhere: ask STS who it is until it answers.
    const started = Date.now();
    let lastError: unknown;
    for (const [attempt, delay] of VERIFY_DELAYS_MS.entries()) {
      try {
        await step(async () => {
          await sleep(delay);
          const who = await getCallerIdentity(key, region);
          if (arn && who.arn !== arn) throw new AwsRefusedError(`the new key signs as ${who.arn}, not as ${arn}`);
          verified = true;
        });
        break;
      } catch (err) {
        lastError = err;
        const propagating =
          err instanceof MfaEnvError &&
          (awsCodeOf(err) === 'InvalidClientTokenId' ||
            awsCodeOf(err) === 'SignatureDoesNotMatch' ||
            err.exitCode === ExitCode.network);
        if (!propagating) break;
        if (attempt === 0)
          input.onProgress?.(`waiting for IAM to accept the new key ${key.accessKeyId} (it takes a few seconds)`);
      }
    }
    if (!verified) {
      const waited = Math.round((Date.now() - started) / 1000);
      const why = awsCodeOf(lastError) ? `STS answered ${awsCodeOf(lastError)}` : reason(lastError);
      const { tail, hint } = await rollBack('nothing else was changed; try mfa-env rotate again later');
      throw new MfaEnvError(
        `the new key ${key.accessKeyId} did not work within ${waited} s (${why}); ${tail}`,
        exitCodeOf(lastError),
        hint,
      );
    }
    const verifiedAfterMs = Date.now() - started;

    // The new key works and is stored: from here on, a failure leaves it in place.
    const forgotten = await step(() => forgetOldSessions(store, old));
    let deleteError: unknown;
    for (const delay of DELETE_DELAYS_MS) {
      try {
        await step(async () => {
          await sleep(delay);
          await iam.deleteAccessKey(session, region, userName, old).catch((err: unknown) => {
            // Already gone: an earlier attempt that reached IAM but lost its answer, or someone else.
            if (!/^NoSuchEntity/.test(awsCodeOf(err) ?? '')) throw err;
          });
          oldDeleted = true;
        });
        deleteError = undefined;
        break;
      } catch (err) {
        deleteError = err;
        if (
          !(err instanceof MfaEnvError) ||
          (err.exitCode !== ExitCode.network && err.exitCode !== ExitCode.unexpected)
        )
          break;
      }
    }
    if (deleteError !== undefined) {
      throw new MfaEnvError(
        `the new key ${key.accessKeyId} is stored for '${profiles.join("', '")}' and works, but the old key ${old} could not be deleted: ${reason(deleteError)}`,
        exitCodeOf(deleteError),
        `delete it by hand: ${deleteCommand(userName, old)}`,
      );
    }
    return { userName, oldKeyId: old, newKeyId: key.accessKeyId, profiles, forgotten, verifiedAfterMs };
  }
}

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * From CreateAccessKey to the end of a rotation, Ctrl-C (or SIGTERM, SIGHUP)
 * must not leave a person with a key they cannot name: `settle` puts what is
 * stored in order and says which key is where; then the process ends as the
 * signal would (128+N). A second signal while it settles is ignored: settling
 * is one store write. Returns what removes the guard.
 */
function guardInterrupts(settle: () => Promise<{ line: string; hint: string }>): () => void {
  let settling = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (settling) return;
    settling = true;
    void settle()
      .catch((err: unknown) => ({ line: `interrupted while putting the keys in order (${reason(err)})`, hint: '' }))
      .then(({ line, hint }) => {
        process.stderr.write(`mfa-env: interrupted: ${line}\n${hint ? `mfa-env: ${hint}\n` : ''}`);
        process.exit(128 + (constants.signals[signal] ?? 2));
      });
  };
  for (const signal of INTERRUPTS) process.on(signal, onSignal);
  return () => {
    for (const signal of INTERRUPTS) process.off(signal, onSignal);
  };
}

/** Cached sessions minted from `keyId`, in every profile: deleted. Best effort; the key they came from is gone. */
async function forgetOldSessions(store: SecretStore, keyId: string): Promise<string[]> {
  const entries = await store.entries().catch(() => new Map<string, string>());
  const forgotten: string[] = [];
  for (const [name, s] of sessionsIn(entries)) {
    if (s.sourceKeyId === keyId && (await forgetSession(store, name).catch(() => false))) forgotten.push(name);
  }
  return forgotten.sort();
}

/** `arn:aws:iam::123456789012:user/path/alice` → `alice`; a key that is not an IAM user's is refused. */
function userNameOf(arn: string): string {
  const m = /^arn:aws[-a-z]*:iam::\d{12}:user\/(?:[^/]*\/)*([\w+=,.@-]+)$/.exec(arn);
  if (!m)
    throw new UsageError(
      `the stored key belongs to ${arn || 'no IAM user'}, not to an IAM user; mfa-env rotates IAM users' keys only`,
      'rotate it in the AWS console',
    );
  return m[1]!;
}

/** A role profile's key is its base's: the error that says which profile to rotate. */
export function roleProfileError(profile: string, base: string | undefined): UsageError {
  return new UsageError(
    `profile '${profile}' is a role profile (role_arn): it has no key of its own to rotate`,
    base
      ? `rotate its base profile's key: mfa-env rotate --profile ${base}`
      : 'rotate the key of the profile its source_profile leads to',
  );
}
