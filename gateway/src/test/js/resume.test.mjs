// Sessions and resume (protocol version 2): a dropped signaling socket keeps its calls, the next socket's
// first request resumes the lost session with the highest seq of each call, a refusal or the grace ends them.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { FakeRTCPeerConnection, FakeWebSocket, installBrowser, quietConsole, settle } from './fakes.mjs';

const SESSION = { sessionId: 's-1', resumeToken: 'token-1', resumeGraceSeconds: 20 };
let logged;
let parley;
let signaling;

beforeEach(async () => {
  installBrowser({
    routes: {
      'GET /api/admin/client-config': { providers: [{ id: 'webrtc' }], rtcConfiguration: {} },
      'GET /api/signaling/calls/c2': { callId: 'c2', state: 'ENDED', endReason: 'HANGUP' },
      'POST /api/gateway/token': { accessToken: 'not-a-jwt' },
    },
  });
  logged = quietConsole();
  parley = new Parley({ baseUrl: 'http://gateway.test', reconnect: { minDelayMs: 1000, maxDelayMs: 1000 } });
  const connecting = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  signaling = FakeWebSocket.last();
  signaling.welcome(SESSION);
  await connecting;
});

afterEach(async () => {
  parley.close();
  await settle();
  logged.restore();
});

function record(emitter, ...types) {
  const seen = [];
  for (const type of types) emitter.on(type, payload => seen.push([type, payload]));
  return seen;
}

/** A call to Bob, answered: progress (seq 1) and connect (seq 3; seq 2 went to Bob). */
async function answeredCall(callId = 'c1') {
  const ws = FakeWebSocket.last();
  const placing = parley.call('bob-id');
  await settle();
  ws.ack(ws.requests('call').at(-1), { callId, state: 'RINGING' });
  const call = await placing;
  ws.event('progress', { callId, seq: 1, state: 'RINGING' });
  ws.event('connect', { callId, seq: 3, state: 'ANSWERED' });
  await settle();
  ws.ack(ws.requests('sdp').at(-1), { callId });
  return call;
}

/** The socket drops; the reconnection's timer runs; returns the new fake socket, welcomed with `session`. */
async function dropAndReconnect(t, session, code = 1006) {
  const before = FakeWebSocket.instances.length;
  FakeWebSocket.last().drop(code);
  t.mock.timers.tick(1000);
  await settle();
  assert.equal(FakeWebSocket.instances.length, before + 1, 'a new socket');
  const ws = FakeWebSocket.last();
  ws.welcome(session);
  await settle();
  return ws;
}

test('after a drop the call goes on, and the new socket\'s first request resumes the old session with the highest seq seen', async (t) => {
  const call = await answeredCall();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const seen = record(call, 'reconnecting', 'reconnected', 'connect', 'established');
  const fromClient = record(parley, 'reconnecting', 'reconnected', 'disconnect');
  signaling.drop(1006);
  assert.equal(call.state, 'ANSWERED', 'not ended: the server keeps it for the resume grace');
  assert.equal(call.reconnecting, true);
  assert.deepEqual(parley.calls, [call]);
  FakeRTCPeerConnection.last().changeState('connected');   // its media report waits for the resume

  t.mock.timers.tick(1000);
  await settle();
  const ws = FakeWebSocket.last();
  assert.notEqual(ws, signaling);
  ws.welcome({ sessionId: 's-2', resumeToken: 'token-2', resumeGraceSeconds: 20 });
  await settle();
  assert.deepEqual(ws.sent.map(m => m.type), ['resume'], 'resume first, everything else waits for its answer');
  assert.deepEqual(ws.sent[0].payload, { sessionId: 's-1', resumeToken: 'token-1', lastSeq: { c1: 3 } });

  ws.ack(ws.sent[0], { sessionId: 's-1', calls: [{ callId: 'c1', state: 'ESTABLISHED' }] });
  await settle();
  assert.equal(call.reconnecting, false);
  assert.deepEqual(ws.requests('media').map(r => r.payload), [{ callId: 'c1', state: 'connected' }], 'sent once resumed');
  // The events missed are replayed; one of them crossed the drop and was seen already.
  ws.event('connect', { callId: 'c1', seq: 3, state: 'ANSWERED' });
  ws.event('established', { callId: 'c1', seq: 4, state: 'ESTABLISHED' });
  await settle();
  assert.equal(call.state, 'ESTABLISHED');
  assert.deepEqual(seen.map(([type]) => type), ['reconnecting', 'reconnected', 'established']);
  assert.deepEqual(fromClient, [['reconnecting', { callId: 'c1' }], ['reconnected', { callId: 'c1' }]]);

  // The resumed session is the socket's session now: another drop resumes s-1 again, not s-2.
  const third = await dropAndReconnect(t, { sessionId: 's-3', resumeToken: 'token-3' });
  assert.deepEqual(third.sent[0].payload, { sessionId: 's-1', resumeToken: 'token-1', lastSeq: { c1: 4 } });
});

test('RESUME_REFUSED ends the lost calls locally as FAILED with a message, and the fresh session is kept', async (t) => {
  const call = await answeredCall();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ended = record(parley, 'disconnect');
  const ws = await dropAndReconnect(t, { sessionId: 's-2', resumeToken: 'token-2' });
  ws.fail(ws.requests('resume')[0], 'RESUME_REFUSED', 'the session expired');
  await settle();
  assert.equal(call.state, 'ENDED');
  assert.equal(call.endReason, 'FAILED');
  assert.deepEqual(call.error, { callId: 'c1', errorType: 'call_control', code: 'RESUME_REFUSED', message: 'the connection was lost and could not be resumed' });
  assert.equal(ended.length, 1);
  assert.deepEqual([ended[0][1].local, ended[0][1].reason, ended[0][1].error.message], [true, 'FAILED', 'the connection was lost and could not be resumed']);
  assert.ok(FakeRTCPeerConnection.last().closed, 'its media is released');
  assert.deepEqual(parley.calls, []);

  // The socket works on its fresh session: a new call goes out on it, and is resumed as s-2 after a drop.
  await answeredCall('c3');
  const again = await dropAndReconnect(t, { sessionId: 's-4', resumeToken: 'token-4' });
  assert.deepEqual(again.sent[0].payload, { sessionId: 's-2', resumeToken: 'token-2', lastSeq: { c3: 3 } });
});

test('without open calls a reconnected socket sends no resume and takes its new session', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ws = await dropAndReconnect(t, { sessionId: 's-2', resumeToken: 'token-2' });
  assert.deepEqual(ws.requests('resume'), []);
  await answeredCall('c5');
  const again = await dropAndReconnect(t, { sessionId: 's-3', resumeToken: 'token-3' });
  assert.equal(again.requests('resume')[0].payload.sessionId, 's-2');
});

test('calls not resumed within the resume grace end locally with the message', async (t) => {
  const call = await answeredCall();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  signaling.drop(1006);
  // The network is gone: every reconnection fails before its welcome.
  for (let i = 0; i < 20; i++) {
    t.mock.timers.tick(1000);
    await settle();
    FakeWebSocket.last().drop(1006);
  }
  assert.equal(call.state, 'ANSWERED', 'still within the grace (20 s)');
  t.mock.timers.tick(2000);
  assert.equal(call.state, 'ENDED');
  assert.equal(call.error.message, 'the connection was lost and could not be resumed');
  t.mock.timers.tick(1000);
  await settle();
  FakeWebSocket.last().welcome({ sessionId: 's-9', resumeToken: 'token-9' });
  await settle();
  assert.deepEqual(FakeWebSocket.last().requests('resume'), [], 'nothing left to resume');
});

test('a call the resumed session no longer holds ended meanwhile: it ends with the reason REST gives', async (t) => {
  const first = await answeredCall('c1');
  const second = await answeredCall('c2');
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ws = await dropAndReconnect(t, { sessionId: 's-2', resumeToken: 'token-2' });
  assert.deepEqual(ws.requests('resume')[0].payload.lastSeq, { c1: 3, c2: 3 });
  ws.ack(ws.requests('resume')[0], { sessionId: 's-1', calls: [{ callId: 'c1', state: 'ANSWERED' }] });
  await settle();
  assert.equal(first.state, 'ANSWERED');
  assert.equal(second.state, 'ENDED');
  assert.equal(second.endReason, 'HANGUP');
});

test('a socket closed with 4001 (session resumed elsewhere) ends its calls here without a resume', async (t) => {
  const call = await answeredCall();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ws = await dropAndReconnect(t, { sessionId: 's-2', resumeToken: 'token-2' }, 4001);
  assert.equal(call.state, 'ENDED');
  assert.equal(call.error.code, 'SESSION_TAKEN');
  assert.deepEqual(ws.requests('resume'), []);
});
