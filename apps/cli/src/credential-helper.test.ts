import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialAnswer, parseCredentialRequest, requestMatches } from './credential-helper.ts';
import { appFromRemoteUrl } from './git-remote.ts';

test("parses git's credential request up to the blank line", () => {
  const req = parseCredentialRequest('protocol=http\nhost=127.0.0.1:4000\npath=shop.git\n\nignored=1\n');
  assert.deepEqual(req, { protocol: 'http', host: '127.0.0.1:4000', path: 'shop.git' });
  assert.deepEqual(parseCredentialRequest('wwwauth[]=Basic realm="x=y"\n'), { 'wwwauth[]': 'Basic realm="x=y"' });
});

test('answers only for the origin of the API the token came from', () => {
  const api = 'http://127.0.0.1:4000';
  assert.equal(requestMatches({ protocol: 'http', host: '127.0.0.1:4000' }, api), true);
  assert.equal(requestMatches({ protocol: 'https', host: '127.0.0.1:4000' }, api), false);
  assert.equal(requestMatches({ protocol: 'http', host: '127.0.0.1:4001' }, api), false);
  assert.equal(requestMatches({ protocol: 'http', host: 'evil.example' }, api), false);
  assert.equal(requestMatches({ protocol: 'https', host: 'paas.example.com' }, 'https://paas.example.com/'), true);
  assert.equal(credentialAnswer('slw_abc'), 'username=slipway\npassword=slw_abc\n');
});

test('the app comes from the remote URL', () => {
  assert.equal(appFromRemoteUrl('http://127.0.0.1:4000/shop.git'), 'shop');
  assert.equal(appFromRemoteUrl('https://paas.example.com/my-app-2.git/'), 'my-app-2');
  assert.equal(appFromRemoteUrl('git@github.com:me/repo'), null);
});
