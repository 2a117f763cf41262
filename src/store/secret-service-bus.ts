// A look at the Secret Service over the D-Bus session bus, from JavaScript:
// which items match (SearchItems), and whether the default collection is
// locked. A look, not a read: it needs no encrypted session and never raises
// an unlock prompt. src/store/keychain.ts asks it before it reads or writes
// through @napi-rs/keyring, to know at once (no native thread that could
// hang, no key exchange) whether the daemon answers, what is locked, and
// whether the account exists, and so whether the keyring's own call could
// stop to ask for an unlock.
//
// Only what that needs of the protocol: a unix socket (path or abstract),
// EXTERNAL authentication, method calls with string and a{ss} arguments,
// replies with arrays of object paths or a boolean in a variant.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** What SearchItems answered, per search: the matching items' object paths. */
export interface SearchResult {
  unlocked: string[];
  locked: string[];
}

/** The bus could not be asked this way (an error reply, an answer of another shape): read the usual way. */
export class BusUnsupported extends Error {}
/** No bus address this module speaks (not a unix socket): nothing was asked, so nothing is known of the bus, not even that it answers. */
export class BusNotSpoken extends BusUnsupported {}
/** Nothing listens at the bus address. */
export class BusUnreachable extends Error {}
/** The bus or the Secret Service did not answer in time (a frozen daemon). */
export class BusTimeout extends Error {}

/** The session bus socket, as libdbus finds it; undefined for an address this module does not speak. */
export function sessionBusSocket(env: NodeJS.ProcessEnv): string | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    // libdbus's default when the variable is unset (systemd's user bus).
    const bus = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : undefined;
    return bus && existsSync(bus) ? bus : undefined;
  }
  // The first unix:path= or unix:abstract= of the ;-separated list; values are %-escaped.
  for (const entry of address.split(';')) {
    if (!entry.startsWith('unix:')) continue;
    const params = new Map(
      entry
        .slice(5)
        .split(',')
        .map((kv) => [
          kv.slice(0, kv.indexOf('=')),
          kv
            .slice(kv.indexOf('=') + 1)
            .replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        ]),
    );
    if (params.get('path')) return params.get('path');
    if (params.get('abstract')) return `\0${params.get('abstract')}`;
  }
  return undefined;
}

// ---- marshalling (little-endian, the only order we send) ------------------

/** Bytes in a plain array: cheaper than Buffer methods in code that runs once per process. */
export class Writer {
  readonly bytes: number[] = [];

  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(v: number): void {
    this.bytes.push(v);
  }
  uint32(v: number): void {
    this.align(4);
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  }
  /** s and o */
  string(v: string): void {
    const utf8 = Buffer.from(v, 'utf8');
    this.uint32(utf8.length);
    for (const b of utf8) this.bytes.push(b);
    this.bytes.push(0);
  }
  /** g (ASCII by definition) */
  signature(v: string): void {
    this.bytes.push(v.length);
    for (let i = 0; i < v.length; i++) this.bytes.push(v.charCodeAt(i));
    this.bytes.push(0);
  }
  /** An array: its byte length first, then the elements (aligned to `elementAlign`). */
  array(elementAlign: number, elements: () => void): void {
    this.uint32(0);
    const lengthAt = this.bytes.length - 4;
    this.align(elementAlign);
    const start = this.bytes.length;
    elements();
    const n = this.bytes.length - start;
    this.bytes.splice(lengthAt, 4, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  }
}

interface Call {
  path: string;
  interface: string;
  member: string;
  /** The arguments' D-Bus signature ('' for none) and how to write them. */
  signature: string;
  args(w: Writer): void;
}

function methodCall(serial: number, destination: string, call: Call): Buffer {
  const body = new Writer();
  call.args(body);
  const msg = new Writer();
  msg.byte(0x6c); // 'l'
  msg.byte(1); // METHOD_CALL
  msg.byte(0); // flags
  msg.byte(1); // protocol version
  msg.uint32(body.bytes.length);
  msg.uint32(serial);
  const field = (code: number, type: string, write: () => void) => {
    msg.align(8);
    msg.byte(code);
    msg.signature(type);
    write();
  };
  msg.array(8, () => {
    field(1, 'o', () => msg.string(call.path));
    field(2, 's', () => msg.string(call.interface));
    field(3, 's', () => msg.string(call.member));
    field(6, 's', () => msg.string(destination));
    if (call.signature) field(8, 'g', () => msg.signature(call.signature));
  });
  msg.align(8);
  return Buffer.from(msg.bytes.concat(body.bytes));
}

// ---- unmarshalling ---------------------------------------------------------

interface Reply {
  type: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: Buffer;
  little: boolean;
}

export class Reader {
  constructor(
    private readonly buf: Buffer,
    private readonly little: boolean,
    public at = 0,
  ) {}
  align(n: number): void {
    this.at += (n - (this.at % n)) % n;
  }
  byte(): number {
    return this.buf[this.at++]!;
  }
  uint32(): number {
    this.align(4);
    const v = this.little ? this.buf.readUInt32LE(this.at) : this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  string(): string {
    const n = this.uint32();
    const v = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n + 1;
    return v;
  }
  signature(): string {
    const n = this.byte();
    const v = this.buf.toString('ascii', this.at, this.at + n);
    this.at += n + 1;
    return v;
  }
  /** A variant holding a boolean (Properties.Get). */
  variantBoolean(): boolean | undefined {
    const type = this.signature();
    return type === 'b' ? this.uint32() === 1 : undefined;
  }
  objectPaths(): string[] {
    const n = this.uint32();
    const end = this.at + n;
    const paths: string[] = [];
    while (this.at < end) paths.push(this.string());
    return paths;
  }
}

/** The length of the first complete message in `buf`, or 0 if it has not all arrived. */
function messageLength(buf: Buffer): number {
  if (buf.length < 16) return 0;
  const little = buf[0] === 0x6c;
  const body = little ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
  const fields = little ? buf.readUInt32LE(12) : buf.readUInt32BE(12);
  const total = Math.ceil((16 + fields) / 8) * 8 + body;
  return buf.length >= total ? total : 0;
}

function parse(msg: Buffer): Reply {
  const little = msg[0] === 0x6c;
  const r = new Reader(msg, little, 12);
  const fieldsLength = r.uint32();
  const end = 16 + fieldsLength;
  const reply: Reply = { type: msg[1]!, signature: '', body: Buffer.alloc(0), little };
  while (r.at < end) {
    r.align(8);
    const code = r.byte();
    const type = r.signature();
    const value = type === 'u' ? r.uint32() : type === 'g' ? r.signature() : r.string();
    if (code === 5) reply.replySerial = value as number;
    else if (code === 4) reply.errorName = value as string;
    else if (code === 8) reply.signature = value as string;
  }
  reply.body = msg.subarray(Math.ceil(end / 8) * 8);
  return reply;
}

// ---- the questions --------------------------------------------------------

const HELLO: Call = {
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
  member: 'Hello',
  signature: '',
  args: () => {},
};

/** A question to the Secret Service and how to read its answer. */
export interface Question<T> {
  call: Call;
  /** The answer from a reply body with this signature; undefined when it is not the expected shape. */
  answer(r: Reader, signature: string): T | undefined;
  /** The answer when the Secret Service replies with an error; undefined: the error ends the look. */
  onError?(name: string): T | undefined;
}

/** SearchItems: the paths of the unlocked and the locked items with these attributes. */
export function searchItems(attributes: Record<string, string>): Question<SearchResult> {
  return {
    call: {
      path: '/org/freedesktop/secrets',
      interface: 'org.freedesktop.Secret.Service',
      member: 'SearchItems',
      signature: 'a{ss}',
      args: (w) =>
        w.array(8, () => {
          for (const [k, v] of Object.entries(attributes)) {
            w.align(8);
            w.string(k);
            w.string(v);
          }
        }),
    },
    answer: (r, signature) =>
      signature === 'aoao' ? { unlocked: r.objectPaths(), locked: r.objectPaths() } : undefined,
  };
}

/**
 * Whether the default collection (where new items go) is locked; 'unknown'
 * when the Secret Service will not say (gnome-keyring with no keyring at all
 * answers UnknownMethod on the alias; another implementation may have no
 * alias objects).
 */
export function defaultCollectionLocked(): Question<boolean | 'unknown'> {
  return {
    call: {
      path: '/org/freedesktop/secrets/aliases/default',
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      args: (w) => {
        w.string('org.freedesktop.Secret.Collection');
        w.string('Locked');
      },
    },
    answer: (r, signature) => (signature === 'v' ? r.variantBoolean() : undefined),
    onError: () => 'unknown',
  };
}

/**
 * Whether the Secret Service answers at all (org.freedesktop.DBus.Peer.Ping,
 * which every D-Bus library answers by itself): a liveness check that judges
 * nothing. Any reply, an error too, is an answer.
 */
export function pingSecretService(): Question<true> {
  return {
    call: {
      path: '/org/freedesktop/secrets',
      interface: 'org.freedesktop.DBus.Peer',
      member: 'Ping',
      signature: '',
      args: () => {},
    },
    answer: () => true,
    onError: () => true,
  };
}

type Answers<Q extends readonly Question<unknown>[]> = { [K in keyof Q]: Q[K] extends Question<infer T> ? T : never };

export interface Look<T> {
  /** Settles once the questions are on their way (or could not be sent): the bus works on them from then on. */
  sent: Promise<void>;
  /** One answer per question. Rejects with BusUnsupported, BusUnreachable or BusTimeout. */
  answers: Promise<T>;
}

/**
 * Asks the Secret Service the questions, on one connection. Everything goes
 * in one write as soon as the socket is connected (authentication, BEGIN,
 * Hello, the calls: the bus reads them in order), so the answers can travel
 * while this thread does something else, such as opening the keyring.
 */
export function askSecretService<const Q extends readonly Question<unknown>[]>(
  questions: Q,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Look<Answers<Q>> {
  const socketPath = sessionBusSocket(env);
  if (!socketPath || typeof process.getuid !== 'function') {
    return { sent: Promise.resolve(), answers: Promise.reject(new BusNotSpoken('no unix session bus address')) };
  }
  const uid = process.getuid();
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answers = new Promise<Answers<Q>>((resolve, reject) => {
    const socket = connect(socketPath);
    const got: unknown[] = [];
    let pending = questions.length;
    let received = Buffer.alloc(0);
    let authenticated = false;
    let done = false;
    const finish = (err: Error | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      markSent();
      socket.destroy();
      if (err) reject(err);
      else resolve(got as Answers<Q>);
    };
    const timer = setTimeout(
      () => finish(new BusTimeout(`no reply from the session bus within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const unreachable = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTDIR';
      finish(
        unreachable
          ? new BusUnreachable(`cannot connect to the session bus: ${err.code}`)
          : new BusUnsupported(err.message),
      );
    });
    socket.on('close', () => finish(new BusUnsupported('the session bus closed the connection')));
    socket.on('connect', () => {
      // Hello must be the first message; the questions follow without waiting for it.
      const calls = [
        methodCall(1, 'org.freedesktop.DBus', HELLO),
        ...questions.map((q, i) => methodCall(i + 2, 'org.freedesktop.secrets', q.call)),
      ];
      socket.write(
        Buffer.concat([
          Buffer.from(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\nBEGIN\r\n`),
          ...calls,
        ]),
        () => markSent(),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!authenticated) {
        const eol = received.indexOf('\r\n');
        if (eol < 0) return;
        const line = received.toString('ascii', 0, eol);
        received = received.subarray(eol + 2);
        if (!line.startsWith('OK ')) return finish(new BusUnsupported(`the session bus refused us: ${line}`));
        authenticated = true;
      }
      for (let n = messageLength(received); n > 0; n = messageLength(received)) {
        const reply = parse(received.subarray(0, n));
        received = received.subarray(n);
        if (reply.type !== 2 && reply.type !== 3) continue; // a signal (NameAcquired)
        const index = (reply.replySerial ?? 0) - 2;
        const question = questions[index];
        if (!question) {
          if (reply.type === 3) return finish(new BusUnsupported(`D-Bus error ${reply.errorName ?? '?'} to Hello`));
          continue; // Hello's reply
        }
        const answer =
          reply.type === 3
            ? question.onError?.(reply.errorName ?? '')
            : question.answer(new Reader(reply.body, reply.little), reply.signature);
        if (answer === undefined)
          return finish(
            new BusUnsupported(
              `${question.call.member}: ${reply.errorName ?? `an answer of type (${reply.signature})`}`,
            ),
          );
        got[index] = answer;
        if (--pending === 0) return finish(undefined);
      }
    });
  });
  return { sent, answers };
}
