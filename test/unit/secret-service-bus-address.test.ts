import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionBusSocket } from '../../src/store/secret-service-bus.js';

test('the session bus socket from DBUS_SESSION_BUS_ADDRESS, as libdbus reads it', () => {
  const of = (address: string) => sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: address });
  assert.equal(of('unix:path=/run/user/1000/bus'), '/run/user/1000/bus');
  assert.equal(of('unix:path=/tmp/dbus-x,guid=4ad9e2b1c0'), '/tmp/dbus-x');
  assert.equal(of('unix:abstract=/tmp/dbus-Hn4kQ,guid=4ad9e2b1c0'), '\0/tmp/dbus-Hn4kQ');
  assert.equal(of('unix:path=/tmp/with%20space%2cand%3bmore'), '/tmp/with space,and;more');
  assert.equal(of('tcp:host=localhost,port=4000;unix:path=/second'), '/second', 'the first unix address of the list');
  assert.equal(of('tcp:host=localhost,port=4000'), undefined, 'a transport we do not speak: read the usual way');
  assert.equal(of('unix:tmpdir=/tmp'), undefined, 'a listening address, not one to connect to');
});

test('with no DBUS_SESSION_BUS_ADDRESS: $XDG_RUNTIME_DIR/bus when it exists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-env-xdg-'));
  try {
    assert.equal(sessionBusSocket({ XDG_RUNTIME_DIR: dir }), undefined);
    writeFileSync(join(dir, 'bus'), '');
    assert.equal(sessionBusSocket({ XDG_RUNTIME_DIR: dir }), join(dir, 'bus'));
    assert.equal(sessionBusSocket({}), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
