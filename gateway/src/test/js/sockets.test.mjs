// ProtocolSocket: request/reply correlation, errors, reconnection with backoff, the protocol version check.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolSocket, PROTOCOL_VERSION } from '../../main/resources/META-INF/resources/sdk/sockets.js';
import { ParleyError } from '../../main/resources/META-INF/resources/sdk/errors.js';
import { FakeWebSocket, installBrowser, quietConsole, settle } from './fakes.mjs';

const random = Math.random;
let logged;

beforeEach(() => {
  installBrowser();
  logged = quietConsole();
});

afterEach(() => {
  Math.random = random;
  logged.restore();
});

function socket({ token = null, minDelayMs = 5, maxDelayMs = 40, pingMs = null, onRefusedBeforeWelcome } = {}) {
  const connector = { token: async () => token, socketUrl: path => `ws://gateway.test${path}` };
  return new ProtocolSocket({ name: 'presence', path: '/ws/presence', connector, reconnect: { minDelayMs, maxDelayMs }, pingMs, onRefusedBeforeWelcome });
}

async function until(condition, what = 'condition', timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 1));
  }
}

async function opened(s) {
  const opening = s.open();
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome();
  await opening;
  return ws;
}

test('a welcome of protocol version 2 is accepted', async () => {
  const s = socket();
  const opening = s.open();
  await settle();
  FakeWebSocket.last().deliver({ id: 'w', type: 'welcome', payload: { connectionId: 'c', userId: 'u', protocolVersion: 2 } });
  assert.equal((await opening).protocolVersion, 2);
  assert.equal(PROTOCOL_VERSION, 2);
  assert.equal(s.state, 'open');
  assert.equal(s.refusal, null);
});

test('open resolves with the welcome payload and the token travels in the subprotocol list', async () => {
  const s = socket({ token: 'tok' });
  const opening = s.open();
  await settle();
  const ws = FakeWebSocket.last();
  assert.equal(ws.url, 'ws://gateway.test/ws/presence');
  assert.deepEqual(ws.protocols, ['bearer-token-carrier', 'quarkus-http-upgrade#Authorization#Bearer%20tok']);
  ws.welcome({ status: 'AVAILABLE' });
  const welcome = await opening;
  assert.equal(welcome.status, 'AVAILABLE');
  assert.equal(s.state, 'open');
});

test('replies are matched to their request by id, in whatever order they come', async () => {
  const s = socket();
  const ws = await opened(s);
  const first = s.request('watch', { userIds: ['a'] });
  const second = s.request('set_status', { status: 'AWAY' });
  await settle();
  const [watch, setStatus] = ws.sent;
  assert.equal(watch.type, 'watch');
  assert.deepEqual(watch.payload, { userIds: ['a'] });
  assert.notEqual(watch.id, setStatus.id);
  ws.ack(setStatus, { status: 'AWAY' });
  ws.ack(watch, { statuses: { a: 'OFFLINE' } });
  assert.deepEqual(await second, { status: 'AWAY' });
  assert.deepEqual(await first, { statuses: { a: 'OFFLINE' } });
});

test('an error reply rejects with a ParleyError carrying code, message and correlation id', async () => {
  const s = socket();
  const ws = await opened(s);
  const request = s.request('answer', { callId: 'c1' });
  await settle();
  ws.fail(ws.requests('answer')[0], 'INVALID_STATE', 'the call is ENDED', 'corr-42');
  await assert.rejects(request, e => e instanceof ParleyError && e.code === 'INVALID_STATE'
    && e.message === 'the call is ENDED' && e.correlationId === 'corr-42');
});

test('a server error answering no request is an error event, not a rejection', async () => {
  const s = socket();
  const ws = await opened(s);
  const errors = [];
  s.on('error', e => errors.push(e));
  ws.deliver({ id: 'unknown', type: 'error', payload: { code: 'INVALID_MESSAGE', message: 'bad', correlationId: 'c' } });
  assert.deepEqual(errors, [{ socket: 'presence', code: 'INVALID_MESSAGE', message: 'bad', correlationId: 'c' }]);
});

test('a request without a reply rejects with TIMEOUT', async () => {
  const s = socket();
  await opened(s);
  await assert.rejects(s.request('ping', {}, { timeoutMs: 10 }), { code: 'TIMEOUT' });
});

test('a dropped connection rejects the pending requests with DISCONNECTED', async () => {
  const s = socket();
  const ws = await opened(s);
  const request = s.request('watch', { userIds: [] });
  await settle();
  ws.drop(1006);
  await assert.rejects(request, { code: 'DISCONNECTED' });
  s.close();
});

test('server events are emitted as messages with their type', async () => {
  const s = socket();
  const ws = await opened(s);
  const messages = [];
  s.on('message', m => messages.push(m));
  ws.event('status', { userId: 'bob', status: 'AWAY' });
  assert.deepEqual(messages, [{ type: 'status', payload: { userId: 'bob', status: 'AWAY' } }]);
});

test('reconnects with exponential backoff up to maxDelayMs, and starts over after a welcome', async () => {
  Math.random = () => 1;   // no jitter: each delay is its base
  const refused = [];
  const s = socket({ minDelayMs: 5, maxDelayMs: 20, onRefusedBeforeWelcome: () => refused.push(true) });
  const delays = [];
  s.on('connection', ({ state, delayMs }) => { if (state === 'reconnecting' && delayMs !== undefined) delays.push(delayMs); });
  s.open().catch(() => {});
  for (let attempt = 1; attempt <= 4; attempt++) {
    await until(() => FakeWebSocket.instances.length === attempt, `connection ${attempt}`);
    FakeWebSocket.last().drop(1006);
  }
  await until(() => FakeWebSocket.instances.length === 5, 'connection 5');
  assert.deepEqual(delays, [5, 10, 20, 20]);
  assert.equal(refused.length, 4, 'a socket closed before its welcome checks the session');
  FakeWebSocket.last().welcome();
  await s.ready();
  FakeWebSocket.last().drop(1006);
  await until(() => FakeWebSocket.instances.length === 6, 'connection 6');
  assert.deepEqual(delays, [5, 10, 20, 20, 5]);
  s.close();
});

test('the delay has jitter: between half and all of the backoff', async () => {
  Math.random = () => 0;
  const s = socket({ minDelayMs: 8 });
  const delays = [];
  s.on('connection', ({ state, delayMs }) => { if (state === 'reconnecting') delays.push(delayMs); });
  await opened(s);
  FakeWebSocket.last().drop(1006);
  assert.deepEqual(delays, [4]);
  s.close();
});

test('an expired token (1008) reconnects after half the minimum delay', async () => {
  Math.random = () => 1;
  const s = socket({ minDelayMs: 10 });
  const events = [];
  s.on('connection', e => events.push(e));
  await opened(s);
  FakeWebSocket.last().drop(1008, 'Authentication expired');
  assert.deepEqual(events.at(-1), { socket: 'presence', state: 'reconnecting', code: 1008, reason: 'Authentication expired', delayMs: 5 });
  await until(() => FakeWebSocket.instances.length === 2, 'the reconnection');
  s.close();
});

test('close stops reconnecting and rejects what waits for the socket', async () => {
  const s = socket({ minDelayMs: 1 });
  const waiting = s.open();
  await settle();
  s.close();
  await assert.rejects(waiting, { code: 'DISCONNECTED' });
  assert.equal(s.state, 'closed');
  await new Promise(resolve => setTimeout(resolve, 20));
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.deepEqual(FakeWebSocket.last().closed, { code: 1000, reason: 'closed by the client' });
});

test('a welcome of another protocol version closes the socket for good, rejects what waits and says why', async () => {
  const s = socket({ minDelayMs: 1 });
  const errors = [];
  const states = [];
  s.on('error', e => errors.push(e));
  s.on('connection', ({ state }) => states.push(state));
  const welcomes = [];
  s.on('welcome', w => welcomes.push(w));
  const opening = s.open();
  const request = s.request('watch', { userIds: [] });
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome({ protocolVersion: 1 });

  const message = 'This Parley server speaks protocol version 1; this SDK speaks version 2: load the SDK from the same server';
  await assert.rejects(opening, e => e instanceof ParleyError && e.code === 'PROTOCOL_VERSION' && e.message === message);
  await assert.rejects(request, { code: 'PROTOCOL_VERSION' });
  assert.deepEqual(errors, [{ socket: 'presence', code: 'PROTOCOL_VERSION', message, serverVersion: 1, sdkVersion: PROTOCOL_VERSION }]);
  assert.deepEqual(welcomes, [], 'a refused welcome is not passed on');
  assert.equal(s.state, 'closed');
  assert.equal(states.at(-1), 'closed');
  assert.equal(ws.closed.code, 1000);
  assert.equal(ws.sent.length, 0, 'nothing is sent to a server of another version');
  assert.ok(logged.some(([level, text]) => level === 'error' && text.includes(message)), 'the refusal is logged');

  await new Promise(resolve => setTimeout(resolve, 20));
  assert.equal(FakeWebSocket.instances.length, 1, 'no reconnection');
  await assert.rejects(s.open(), { code: 'PROTOCOL_VERSION' });
  s.retryNow();
  await settle();
  assert.equal(FakeWebSocket.instances.length, 1, 'not even when asked to open again');
});

test('a welcome without a protocol version is refused too', async () => {
  const s = socket();
  const errors = [];
  s.on('error', e => errors.push(e));
  const opening = s.open();
  await settle();
  FakeWebSocket.last().deliver({ id: 'w', type: 'welcome', payload: { connectionId: 'c', userId: 'u' } });
  await assert.rejects(opening, { code: 'PROTOCOL_VERSION' });
  assert.equal(errors[0].serverVersion, null);
  assert.match(errors[0].message, /does not say which protocol version it speaks; this SDK speaks version 2: load the SDK from the same server/);
});

test('a socket with pingMs pings while open', async () => {
  const s = socket({ pingMs: 5 });
  const ws = await opened(s);
  await until(() => ws.requests('ping').length >= 2, 'two pings');
  s.close();
});

test('retryNow reconnects at once when a reconnection is waiting', async () => {
  const s = socket({ minDelayMs: 60000, maxDelayMs: 60000 });
  await opened(s);
  FakeWebSocket.last().drop(1006);
  assert.equal(s.state, 'reconnecting');
  s.retryNow();
  await until(() => FakeWebSocket.instances.length === 2, 'the reconnection');
  s.close();
});

test('a handshake runs after each welcome: its requests go first, the others wait until it is done', async () => {
  const s = socket({ minDelayMs: 1, maxDelayMs: 1 });
  const handshakes = [];
  s.setHandshake(async (welcome, send) => {
    handshakes.push(welcome.connectionId);
    await send('resume', { n: handshakes.length });
  });
  const opening = s.open();
  const waiting = s.request('watch', { userIds: [] });
  await settle();
  const ws = FakeWebSocket.last();
  ws.welcome();
  await settle();
  assert.deepEqual(ws.sent.map(m => m.type), ['resume'], 'only the handshake\'s request');
  assert.notEqual(s.state, 'open');
  ws.ack(ws.sent[0], {});
  await opening;
  await settle();
  assert.equal(s.state, 'open');
  assert.deepEqual(ws.sent.map(m => m.type), ['resume', 'watch']);
  ws.ack(ws.requests('watch')[0], { statuses: {} });
  assert.deepEqual(await waiting, { statuses: {} });
  assert.deepEqual(handshakes, ['c-1']);
  s.close();
});

test('a handshake that fails closes that connection (4000) and the next one shakes hands again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const s = socket({ minDelayMs: 1, maxDelayMs: 1 });
  let attempts = 0;
  s.setHandshake(async (welcome, send) => {
    attempts++;
    if (attempts === 1) throw new ParleyError('TIMEOUT', 'no reply');
    await send('resume', {});
  });
  const opening = s.open();
  await settle();
  const first = FakeWebSocket.last();
  first.welcome();
  await settle();
  assert.equal(first.closed.code, 4000);
  t.mock.timers.tick(1);
  await settle();
  assert.equal(FakeWebSocket.instances.length, 2, 'reconnected');
  const second = FakeWebSocket.last();
  second.welcome();
  await settle();
  second.ack(second.requests('resume')[0], {});
  await opening;
  assert.equal(attempts, 2);
  assert.equal(s.state, 'open');
  s.close();
});

test('a server reconnect (drain) closes the connection with 4002 and connects again at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const s = socket({ minDelayMs: 60000, maxDelayMs: 60000 });
  const states = [];
  s.on('connection', event => states.push(event.state));
  const opening = s.open();
  await settle();
  const first = FakeWebSocket.last();
  first.welcome();
  await opening;
  first.event('reconnect', { reason: 'draining' });
  await settle();
  assert.equal(first.closed.code, 4002);
  assert.equal(s.state, 'reconnecting');
  t.mock.timers.tick(0);
  await settle();
  assert.equal(FakeWebSocket.instances.length, 2, 'a new connection without the minute of backoff');
  FakeWebSocket.last().welcome();
  await settle();
  assert.equal(s.state, 'open');
  assert.ok(states.includes('reconnecting'));
  s.close();
});

test('while something urgent waits, reconnection attempts are at most 2 s apart', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  Math.random = () => 1;
  const s = socket({ minDelayMs: 1000, maxDelayMs: 30000 });
  let urgent = true;
  s.setUrgency(() => urgent);
  const delays = [];
  s.on('connection', event => { if (event.state === 'reconnecting' && event.delayMs != null) delays.push(event.delayMs); });
  const opening = s.open();
  await settle();
  FakeWebSocket.last().welcome();
  await opening;
  for (let i = 0; i < 5; i++) {
    FakeWebSocket.last().drop(1006);
    await settle();
    t.mock.timers.tick(30000);
    await settle();
  }
  assert.ok(delays.length >= 5, String(delays));
  assert.ok(delays.every(d => d <= 2000), `urgent delays: ${delays}`);
  urgent = false;
  delays.length = 0;
  for (let i = 0; i < 3; i++) {
    FakeWebSocket.last().drop(1006);
    await settle();
    t.mock.timers.tick(30000);
    await settle();
  }
  assert.ok(delays.some(d => d > 2000), `the usual backoff again: ${delays}`);
  s.close();
});
