// What the SDK's profile loader (readFile.js of @smithy/core's
// shared-ini-file-loader) takes from node:fs/promises: readFile(path, 'utf8').
// The build gives it this instead in the two hot files (scripts/build.mjs):
// loading node:fs/promises compiles readline, streams and the file watchers
// with it, ~2 ms of every cached run for two small reads. Same call, same
// errors: the callback form of the same fs function.
import { readFile as readFileCallback } from 'node:fs';

export function readFile(path: string, encoding: BufferEncoding): Promise<string> {
  return new Promise((resolve, reject) => readFileCallback(path, encoding, (err, data) => (err ? reject(err) : resolve(data))));
}
