// Runs one keychain call (a write, a delete, or a read the parent could not look ahead of) for the parent (see inWorker in
// keychain.ts): a request as JSON on stdin, the reply as JSON on stdout.
import { readFileSync } from 'node:fs';
import { StoreError } from '../errors.js';
import { keychainInProcess, type WorkerReply, type WorkerRequest } from './keychain.js';

async function main(): Promise<WorkerReply> {
  const req = JSON.parse(readFileSync(0, 'utf8')) as WorkerRequest;
  const keychain = keychainInProcess(true);
  try {
    if (req.op === 'get') return { ok: true, value: (await keychain.get(req.account)) ?? null };
    if (req.op === 'entries') return { ok: true, entries: [...(await keychain.entries())] };
    if (req.op === 'set') {
      await keychain.set(req.account, req.value ?? '');
      return { ok: true };
    }
    return { ok: true, deleted: await keychain.delete(req.account) };
  } catch (err) {
    if (err instanceof StoreError) return { ok: false, message: err.message, hint: err.hint };
    return { ok: false, message: String((err as Error)?.message ?? err) };
  }
}

void main().then((reply) => process.stdout.write(JSON.stringify(reply) + '\n', () => process.exit(0)));
