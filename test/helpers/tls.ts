// A private CA and a certificate for 127.0.0.1 that it signed, made with the
// openssl command: for the emulator over HTTPS (src/demo/emulator/server.ts's tls
// option) in the NODE_EXTRA_CA_CERTS tests and the benchmark's cold mint.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA certificate in DIR/NAME.pem (its key in NAME.key); returns the .pem's path. */
export function makeCa(dir: string, name: string): string {
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=mfa-env test ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  return join(dir, `${name}.pem`);
}

/** A CA (DIR/ca.pem), and a key and certificate for 127.0.0.1 (and `dnsNames`) that it signed, as PEM text. */
export function makeServerCertificate(dir: string, dnsNames: string[] = []): { ca: string; key: string; cert: string } {
  const ca = makeCa(dir, 'ca');
  openssl(dir, 'req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=${['IP:127.0.0.1', ...dnsNames.map((n) => `DNS:${n}`)].join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca, key: read('server.key'), cert: read('server.pem') };
}
