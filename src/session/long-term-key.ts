import { UsageError } from '../errors.js';
import { accountFor, entriesOfKind, type SecretStore } from '../store/types.js';
import type { LongTermKey } from './types.js';

export async function readLongTermKey(store: SecretStore, profile: string): Promise<LongTermKey> {
  const text = await store.get(accountFor.longTermKey(profile));
  const key = text === undefined ? undefined : parse(text);
  if (!key) {
    throw new UsageError(
      `no long-term key is stored for profile '${profile}'`,
      `run: mfa-env setup --profile ${profile}`,
    );
  }
  return key;
}

/** The profile's stored long-term key, or undefined when there is none (readLongTermKey throws instead). */
export async function findLongTermKey(store: SecretStore, profile: string): Promise<LongTermKey | undefined> {
  const text = await store.get(accountFor.longTermKey(profile));
  return text === undefined ? undefined : parse(text);
}

/** The long-term keys among a store's entries (SecretStore.entries), by profile (for status). */
export function longTermKeysIn(entries: Map<string, string>): Map<string, LongTermKey> {
  return entriesOfKind(entries, 'longTermKey', parse);
}

export async function saveLongTermKey(store: SecretStore, profile: string, key: LongTermKey): Promise<void> {
  await store.set(accountFor.longTermKey(profile), JSON.stringify({ v: 1, ...key }));
}

export async function deleteLongTermKey(store: SecretStore, profile: string): Promise<boolean> {
  return store.delete(accountFor.longTermKey(profile));
}

function parse(text: string): LongTermKey | undefined {
  try {
    const k = JSON.parse(text) as Partial<LongTermKey>;
    if (typeof k.accessKeyId === 'string' && typeof k.secretAccessKey === 'string') {
      const created =
        typeof k.createDate === 'string' && !Number.isNaN(Date.parse(k.createDate)) ? { createDate: k.createDate } : {};
      return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, ...created };
    }
  } catch {
    // fall through
  }
  return undefined;
}
