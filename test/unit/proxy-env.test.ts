// Which proxy a request takes, as the AWS CLI (botocore, through urllib)
// picks it: src/aws/http-handler.ts. The CLI side is test/integration/proxy.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bypassesProxy, proxyFor } from '../../src/aws/proxy-env.js';

const sts = { protocol: 'https:', hostname: 'sts.eu-west-1.amazonaws.com' };

test("https takes https_proxy, else HTTPS_PROXY; http takes http_proxy, else HTTP_PROXY; never the other scheme's", () => {
  assert.equal(proxyFor(sts, { HTTPS_PROXY: 'http://p:1' })?.href, 'http://p:1/');
  assert.equal(proxyFor(sts, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })?.host, 'lower:1');
  assert.equal(proxyFor(sts, { HTTP_PROXY: 'http://p:1' }), undefined);
  assert.equal(
    proxyFor({ protocol: 'http:', hostname: 'h' }, { http_proxy: 'p:3128' })?.href,
    'http://p:3128/',
    'no scheme: http://',
  );
});

test('NO_PROXY: *, a host, a domain above it (with or without a leading dot), a host:port; nothing else', () => {
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', '*'), true);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', 'sts.amazonaws.com'), true);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', '.amazonaws.com'), true);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', 'amazonaws.com'), true);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', 'other.com, sts.amazonaws.com:443'), true);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', 'sts.amazonaws.com:8443'), false);
  assert.equal(bypassesProxy('notamazonaws.com', '443', 'amazonaws.com'), false);
  assert.equal(bypassesProxy('sts.amazonaws.com', '443', ''), false);
  assert.equal(proxyFor(sts, { HTTPS_PROXY: 'http://p:1', no_proxy: 'amazonaws.com' }), undefined);
  assert.equal(proxyFor(sts, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'amazonaws.com' }), undefined);
});

test('a proxy that is not a URL is a NetworkError without its password', () => {
  assert.throws(
    () => proxyFor(sts, { HTTPS_PROXY: 'http://user:s3cret@[bad' }),
    (e: Error) => /not a URL/.test(e.message) && !e.message.includes('s3cret'),
  );
});
