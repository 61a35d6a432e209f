// The signaling socket's token refresh: right after the welcome, then 45 s before each token's expiry.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { tokenExpiry } from '../../main/resources/META-INF/resources/sdk/tokens.js';
import { FakeWebSocket, installBrowser, jwt, quietConsole, settle } from './fakes.mjs';

const NOW = 1_700_000_000_000;
let logged;
let parley;

beforeEach((t) => {
  installBrowser();
  logged = quietConsole();
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: NOW });
});

afterEach(async () => {
  parley?.close();
  await settle();   // what the close rejects is logged while the console is still quiet
  logged.restore();
});

test('tokenExpiry reads a JWT\'s exp, and null when it cannot', () => {
  assert.equal(tokenExpiry(jwt(1234)), 1234000);
  assert.equal(tokenExpiry('not-a-jwt'), null);
});

test('the signaling socket gets refresh_token after its welcome and again 45 s before the token expires', async (t) => {
  let token = jwt(NOW / 1000 + 300);
  parley = new Parley({ baseUrl: 'http://gateway.test', token: () => token });
  const opening = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome();
  await opening;
  await settle();
  const first = ws.requests('refresh_token');
  assert.deepEqual(first.map(r => r.payload), [{ accessToken: token }], 'right after the welcome');
  ws.ack(first[0], {});
  await settle();

  token = jwt(NOW / 1000 + 600);
  t.mock.timers.tick(300_000 - 45_000 - 1);
  await settle();
  assert.equal(ws.requests('refresh_token').length, 1, 'not before 45 s ahead of expiry');
  t.mock.timers.tick(1);
  await settle();
  const second = ws.requests('refresh_token');
  assert.equal(second.length, 2);
  assert.deepEqual(second[1].payload, { accessToken: token });
});

test('a token not renewed yet is asked for again in 10 s, and not sent twice', async (t) => {
  const token = jwt(NOW / 1000 + 50);
  parley = new Parley({ baseUrl: 'http://gateway.test', token: () => token });
  const opening = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome();
  await opening;
  await settle();
  ws.ack(ws.requests('refresh_token')[0], {});
  await settle();
  t.mock.timers.tick(5_000);    // 50 s to expiry, 45 s ahead: at the minimum delay of 5 s
  await settle();
  assert.equal(ws.requests('refresh_token').length, 1, 'the same token is not sent again');
  t.mock.timers.tick(10_000);
  await settle();
  assert.equal(ws.requests('refresh_token').length, 1);
});

test('a closed signaling socket stops refreshing', async (t) => {
  parley = new Parley({ baseUrl: 'http://gateway.test', token: () => jwt(NOW / 1000 + 300) });
  const opening = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome();
  await opening;
  await settle();
  ws.ack(ws.requests('refresh_token')[0], {});
  await settle();
  parley.close();
  t.mock.timers.tick(3_600_000);
  await settle();
  assert.equal(ws.requests('refresh_token').length, 1);
});

test('with the gateway session, the fresh token comes from POST /api/gateway/token', async () => {
  const fetch = installBrowser({ routes: { 'POST /api/gateway/token': { accessToken: jwt(NOW / 1000 + 300) } } });
  parley = new Parley({ baseUrl: 'http://gateway.test' });
  const opening = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  const ws = FakeWebSocket.last();
  assert.equal(ws.protocols, undefined, 'the session cookie carries the user');
  ws.welcome();
  await opening;
  await settle();
  assert.deepEqual(fetch.requests.map(r => `${r.method} ${r.path}`), ['POST /api/gateway/token']);
  assert.equal(ws.requests('refresh_token').length, 1);
});
