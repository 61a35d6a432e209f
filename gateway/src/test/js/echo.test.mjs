// The echo test: the offer posted to media-service, busy servers, the report and the end.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { FakeRTCPeerConnection, cameraAndMicrophone, installBrowser, settle } from './fakes.mjs';

let stream;

beforeEach(() => {
  stream = cameraAndMicrophone();
});

function browser(routes) {
  return installBrowser({ routes: { 'GET /api/admin/client-config': { rtcConfiguration: { iceServers: [] } }, ...routes }, media: () => stream });
}

test('the offer goes to media-service with its candidates, and the answer is set', async () => {
  const fetch = browser({ 'POST /api/media/echo': () => ({ status: 201, body: { id: 'e1', sdp: 'echo-answer', maxDurationSeconds: 60 } }) });
  const test = await new Parley({ baseUrl: 'http://gateway.test' }).echoTest({ pollMs: 60000 });
  assert.equal(test.id, 'e1');
  assert.equal(test.state, 'connecting');
  assert.deepEqual(fetch.requests.find(r => r.method === 'POST').body, { sdp: 'offer-sdp' });
  assert.deepEqual(FakeRTCPeerConnection.last().remoteDescription, { type: 'answer', sdp: 'echo-answer' });
  await test.stop();
});

test('a busy server is ECHO_BUSY, and the camera is released', async () => {
  browser({ 'POST /api/media/echo': () => ({ status: 503, body: { code: 'UNAVAILABLE', message: 'no slot' } }) });
  await assert.rejects(new Parley({ baseUrl: 'http://gateway.test' }).echoTest(), { code: 'ECHO_BUSY', status: 503 });
  assert.ok(stream.getTracks().every(t => t.readyState === 'ended'));
  assert.ok(FakeRTCPeerConnection.last().closed);
});

test('reports are emitted until the server says the test ended; stop deletes the session', async () => {
  let state = 'connected';
  const fetch = browser({
    'POST /api/media/echo': () => ({ status: 201, body: { id: 'e2', sdp: 'echo-answer' } }),
    'GET /api/media/echo/e2': () => ({ body: { id: 'e2', state, endReason: state === 'ended' ? 'TIME_LIMIT' : null } }),
    'DELETE /api/media/echo/e2': () => ({ status: 204 }),
  });
  const test = await new Parley({ baseUrl: 'http://gateway.test' }).echoTest({ pollMs: 60000 });
  const ended = [];
  test.on('ended', e => ended.push(e));
  await test.report();
  assert.equal(test.state, 'connected');
  state = 'ended';
  await test.report();
  assert.equal(test.state, 'ended');
  assert.deepEqual(ended.map(e => e.endReason), ['TIME_LIMIT']);
  await test.stop();
  await settle();
  assert.equal(fetch.requests.filter(r => r.method === 'DELETE').length, 0, 'an ended test is not stopped again');
});
