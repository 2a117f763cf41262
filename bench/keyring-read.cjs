// K0 in npm run bench: the least any program can do to read one entry from
// the Secret Service through @napi-rs/keyring (what mfa-env uses): load the
// addon, open the entry, read it. No parsing, no output but its length.
// Usage: node bench/keyring-read.cjs ACCOUNT
const { AsyncEntry } = require('@napi-rs/keyring');
new AsyncEntry('mfa-env', process.argv[2], { linux: { store: 'secret-service' } }).getPassword().then((secret) => {
  if (!secret) {
    process.stderr.write(`keyring-read: nothing stored for ${process.argv[2]}\n`);
    process.exitCode = 1;
  } else process.stdout.write(`${secret.length}\n`);
});
