// Parley as a page uses it: which socket's events reach the app, the welcome, the protocol version
// refusal, presence after a reconnection, and incoming calls from notifications only.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley, PROTOCOL_VERSION } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { FakeWebSocket, installBrowser, quietConsole, settle } from './fakes.mjs';

let logged;
let parley;

beforeEach(() => {
  installBrowser();
  logged = quietConsole();
});

afterEach(async () => {
  parley?.close();
  await settle();   // what the close rejects is logged while the console is still quiet
  logged.restore();
});

function socketOf(path) {
  return FakeWebSocket.instances.filter(ws => ws.url.endsWith(path)).at(-1);
}

/** A Parley with its presence, notification (and signaling) sockets open; returns the fake sockets. */
async function connected(options = {}) {
  parley = new Parley({ baseUrl: 'http://gateway.test', reconnect: { minDelayMs: 1, maxDelayMs: 2 } });
  const connecting = parley.connect(options);
  await settle();
  const sockets = {
    presence: socketOf('/ws/presence'), notifications: socketOf('/ws/notifications'), signaling: socketOf('/ws/signaling'),
  };
  for (const ws of Object.values(sockets)) ws?.welcome();
  await connecting;
  return sockets;
}

function record(emitter, ...types) {
  const seen = [];
  for (const type of types) emitter.on(type, payload => seen.push([type, payload]));
  return seen;
}

test('the exported protocol version is 2', () => {
  assert.equal(PROTOCOL_VERSION, 2);
});

test('each welcome reaches the app with its socket name and tells the user id', async () => {
  parley = new Parley({ baseUrl: 'http://gateway.test' });
  const welcomes = record(parley, 'welcome');
  const connecting = parley.connect();
  await settle();
  socketOf('/ws/presence').welcome({ status: 'AWAY', userId: 'bob-id' });
  socketOf('/ws/notifications').welcome({ unreadMissedCalls: 2, userId: 'bob-id' });
  await connecting;
  assert.equal(parley.userId, 'bob-id');
  assert.deepEqual(welcomes.map(([, w]) => [w.socket, w.status ?? w.unreadMissedCalls]), [['presence', 'AWAY'], ['notifications', 2]]);
});

test('an incoming call comes from the notification socket, closed by incoming_call_closed', async () => {
  const { notifications } = await connected();
  const seen = record(parley, 'incoming_call', 'incoming_call_closed');
  const ringing = { callId: 'c1', caller: { id: 'bob-id', name: 'Bob Brown', avatar: '/avatars/bob.svg' }, audio: true, video: true, ring: true, provider: 'webrtc' };
  notifications.event('incoming_call', ringing);
  notifications.event('incoming_call_closed', { callId: 'c1', reason: 'ANSWERED' });
  assert.deepEqual(seen, [['incoming_call', ringing], ['incoming_call_closed', { callId: 'c1', reason: 'ANSWERED' }]]);
});

test('every incoming_call of the notification socket reaches the app: no de-duplication across sockets', async () => {
  const { notifications } = await connected();
  const seen = record(parley, 'incoming_call');
  notifications.event('incoming_call', { callId: 'c1', caller: {}, ring: true });
  notifications.event('incoming_call', { callId: 'c2', caller: {}, ring: false });
  assert.deepEqual(seen.map(([, p]) => p.callId), ['c1', 'c2']);
});

test('incoming_call and answered_elsewhere from signaling are ignored', async () => {
  const { signaling } = await connected({ signaling: true });
  const seen = record(parley, 'incoming_call', 'answered_elsewhere');
  signaling.event('incoming_call', { callId: 'c1', caller: { id: 'bob-id', name: 'Bob' }, audio: true, video: false, provider: 'webrtc' });
  signaling.event('answered_elsewhere', { callId: 'c1' });
  assert.deepEqual(seen, []);
});

test('missed calls are pushed by the notification socket', async () => {
  const { notifications } = await connected();
  const seen = record(parley, 'missed_call');
  notifications.event('missed_call', { id: 'm1', callId: 'c1', reason: 'NO_ANSWER' });
  assert.equal(seen[0][1].id, 'm1');
});

test('a server of another protocol version: that socket closes for good and the app gets an error event', async () => {
  parley = new Parley({ baseUrl: 'http://gateway.test', reconnect: { minDelayMs: 1, maxDelayMs: 2 } });
  const errors = record(parley, 'error');
  const states = record(parley, 'connection');
  const connecting = parley.connect();
  await settle();
  socketOf('/ws/presence').welcome();
  socketOf('/ws/notifications').welcome({ protocolVersion: 1 });
  await assert.rejects(connecting, { code: 'PROTOCOL_VERSION' });
  assert.deepEqual(errors.map(([, e]) => [e.socket, e.code, e.serverVersion]), [['notifications', 'PROTOCOL_VERSION', 1]]);
  assert.equal(errors[0][1].message, 'This Parley server speaks protocol version 1; this SDK speaks version 2: load the SDK from the same server');
  assert.deepEqual(states.at(-1)[1], { socket: 'notifications', state: 'closed', error: 'PROTOCOL_VERSION' });
  await new Promise(resolve => setTimeout(resolve, 20));
  assert.equal(FakeWebSocket.instances.filter(ws => ws.url.endsWith('/ws/notifications')).length, 1, 'not reconnected');
});

test('a call on a signaling server of another version fails with the refusal', async () => {
  installBrowser({ routes: { 'GET /api/admin/client-config': { providers: [], rtcConfiguration: {} } } });
  parley = new Parley({ baseUrl: 'http://gateway.test' });
  const placing = parley.call('bob-id');
  await settle();
  socketOf('/ws/signaling').welcome({ protocolVersion: 0 });
  await assert.rejects(placing, { code: 'PROTOCOL_VERSION', message: /protocol version 0; this SDK speaks version 2/ });
});

test('after the presence socket reconnects, the watched users are watched again and what changed is a status event', async () => {
  const { presence } = await connected();
  const watching = parley.watch(['bob-id', 'carol-id']);
  await settle();
  presence.ack(presence.requests('watch')[0], { statuses: { 'bob-id': 'AVAILABLE', 'carol-id': 'AWAY' } });
  assert.deepEqual(await watching, { 'bob-id': 'AVAILABLE', 'carol-id': 'AWAY' });
  const statuses = record(parley, 'status');
  presence.drop(1006);
  await new Promise(resolve => setTimeout(resolve, 10));
  const again = socketOf('/ws/presence');
  assert.notEqual(again, presence);
  again.welcome();
  await settle();
  const rewatch = again.requests('watch')[0];
  assert.deepEqual(rewatch.payload, { userIds: ['bob-id', 'carol-id'] });
  again.ack(rewatch, { statuses: { 'bob-id': 'OFFLINE', 'carol-id': 'AWAY' } });
  await settle();
  assert.deepEqual(statuses, [['status', { userId: 'bob-id', status: 'OFFLINE' }]]);
  again.event('status', { userId: 'carol-id', status: 'DND' });
  assert.deepEqual(statuses.at(-1), ['status', { userId: 'carol-id', status: 'DND' }]);
});

test('setStatus goes over the presence socket when it is open, else over REST', async () => {
  installBrowser({ routes: { 'PUT /api/presence/me/status': { status: 'DND' } } });
  parley = new Parley({ baseUrl: 'http://gateway.test' });
  assert.equal(await parley.setStatus('DND'), 'DND');
  assert.deepEqual(globalThis.fetch.requests[0].body, { status: 'DND' });
  await assert.rejects(parley.setStatus('BUSY'), { code: 'INVALID_PAYLOAD' });
});

test('a socket refused before its welcome checks the session, and a 401 is auth_required', async () => {
  installBrowser({ routes: { 'GET /api/presence/me': () => ({ status: 401 }) } });
  parley = new Parley({ baseUrl: 'http://gateway.test', reconnect: { minDelayMs: 1000, maxDelayMs: 1000 } });
  const auth = record(parley, 'auth_required');
  parley.connect({ presence: true, notifications: false }).catch(() => {});
  await settle();
  socketOf('/ws/presence').drop(1006);
  await settle();
  assert.deepEqual(auth, [['auth_required', { path: '/api/presence/me' }]]);
});
