// One contender for test/unit/lock.test.ts, in its own process:
//   node --import tsx test/helpers/lock-worker.ts LOCK COUNTER LOG ITERATIONS HOLD_MS
// Each iteration: take the lock, log "+pid", read the counter, wait HOLD_MS,
// write counter+1, log "-pid", release. Without mutual exclusion the counter
// loses increments and the log shows two "+" in a row.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock } from '../../src/fs/lock.js';

const [lock = '', counter = '', log = '', iterations = '0', holdMs = '0'] = process.argv.slice(2);
for (let i = 0; i < Number(iterations); i++) {
  const release = await acquireLock(lock, { timeoutMs: 30_000 });
  appendFileSync(log, `+${process.pid}\n`);
  const n = Number(readFileSync(counter, 'utf8'));
  await sleep(Number(holdMs));
  writeFileSync(counter, String(n + 1));
  appendFileSync(log, `-${process.pid}\n`);
  release();
}
