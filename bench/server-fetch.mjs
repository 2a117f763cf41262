// P7's COMMAND under `mfa-exec --server`: fetches the credentials from the
// endpoint as an SDK's container provider does (a new connection, GET with
// the token), once to warm up, then N times; writes the times in ms as JSON.
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';

const [out, n] = process.argv.slice(2);
const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const authorization = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;

function fetchOnce() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(url, { headers: { authorization }, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Number(process.hrtime.bigint() - start) / 1e6)
          : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

await fetchOnce();
const times = [];
for (let i = 0; i < Number(n); i++) times.push(await fetchOnce());
writeFileSync(out, JSON.stringify(times));
