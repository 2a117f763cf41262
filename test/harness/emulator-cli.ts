// Starts the emulator with one fresh user and prints what a script needs to
// use it, as one JSON line on stdout. Runs until SIGTERM/SIGINT.
//   node --import tsx test/harness/emulator-cli.ts [--port N]
import { startEmulator, makeUser } from '../../src/demo/emulator/server.js';
import { base32Encode } from '../../src/demo/emulator/totp.js';

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: emulator-cli.ts [--port N]');
  process.exit(2);
}

const user = makeUser('demo');
const emulator = await startEmulator({ users: [user], port });
const device = user.mfaDevices[0]!;
process.stdout.write(
  JSON.stringify({
    url: emulator.url,
    accessKeyId: user.accessKeyId,
    secretAccessKey: user.secretAccessKey,
    serialNumber: device.serialNumber,
    totpSecretBase32: base32Encode(device.secret),
  }) + '\n',
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
