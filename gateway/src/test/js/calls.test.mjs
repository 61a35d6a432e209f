// Calls from server events: placing and answering, the WebRTC negotiation in the protocol's order,
// media state over the data channel, and how a call ends (server, timeout, dropped socket).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley, MEDIA_CHANNEL } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { FakeRTCPeerConnection, FakeWebSocket, FakeTrack, FakeMediaStream, cameraAndMicrophone, installBrowser, network, quietConsole, settle } from './fakes.mjs';

const RTC = { iceServers: [{ urls: ['stun:stun.example.org'] }] };
const BOB = { id: 'bob-id', name: 'Bob Brown', avatar: '/avatars/bob.svg' };
let logged;
let parley;
let signaling;

beforeEach(async () => {
  installBrowser({
    routes: {
      'GET /api/admin/client-config': { providers: [{ id: 'webrtc' }], rtcConfiguration: RTC },
      'GET /api/signaling/calls/c-in': { callId: 'c-in', caller: BOB, audio: true, video: false, provider: 'webrtc', state: 'RINGING' },
      'GET /api/signaling/calls/c-over': { callId: 'c-over', caller: BOB, audio: true, video: true, provider: 'webrtc', state: 'ENDED' },
    },
  });
  logged = quietConsole();
  parley = new Parley({ baseUrl: 'http://gateway.test', reconnect: { minDelayMs: 1000, maxDelayMs: 1000 } });
  const connecting = parley.connect({ presence: false, notifications: false, signaling: true });
  await settle();
  signaling = FakeWebSocket.last();
  signaling.welcome();
  await connecting;
});

afterEach(async () => {
  parley.close();
  await settle();   // what the close rejects is logged while the console is still quiet
  logged.restore();
});

/** Places a call to Bob; the server acknowledges it with `ack`. */
async function place(ack = { callId: 'c1', state: 'RINGING' }, options = {}) {
  const placing = parley.call('bob-id', { audio: true, video: true, ...options });
  await settle();
  const request = signaling.requests('call')[0];
  signaling.ack(request, ack);
  return { call: await placing, request };
}

function record(emitter, ...types) {
  const seen = [];
  for (const type of types) emitter.on(type, payload => seen.push([type, payload]));
  return seen;
}

test('a call is placed with the callee, media and provider, and rings', async () => {
  const { call, request } = await place();
  assert.deepEqual(request.payload, { calleeId: 'bob-id', audio: true, video: true, provider: 'webrtc' });
  assert.equal(call.id, 'c1');
  assert.equal(call.direction, 'outgoing');
  assert.equal(call.state, 'RINGING');
  assert.equal(parley.currentCall, call);
  assert.equal(call.peerConnection, null, 'no peer connection before the answer');
});

test('on connect the caller offers, then trickles the candidates gathered meanwhile, and sets the answer', async () => {
  const { call } = await place();
  const seen = record(call, 'progress', 'connect', 'established');
  FakeRTCPeerConnection.candidatesOnLocalDescription = [{ candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 }];
  signaling.event('progress', { callId: 'c1', state: 'RINGING' });
  signaling.event('connect', { callId: 'c1' });
  await settle();
  assert.equal(call.state, 'ANSWERED');
  const pc = FakeRTCPeerConnection.last();
  assert.equal(call.peerConnection, pc);
  assert.deepEqual(pc.configuration, RTC);
  assert.deepEqual(pc.tracks.map(t => t.track.kind), ['audio', 'video']);
  assert.deepEqual(pc.channels[0].options, { negotiated: true, id: MEDIA_CHANNEL.id });
  pc.gather(null);
  await settle();
  const signals = signaling.sent.filter(m => ['sdp', 'ice', 'end_of_candidates'].includes(m.type));
  assert.deepEqual(signals.map(m => m.type), ['sdp', 'ice', 'end_of_candidates'], 'the SDP goes before the candidates gathered meanwhile');
  assert.deepEqual(signals[0].payload, { callId: 'c1', sdpType: 'offer', sdp: 'offer-sdp' });
  assert.deepEqual(signals[1].payload, { callId: 'c1', candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 });

  signaling.event('ice', { callId: 'c1', candidate: 'candidate:remote', sdpMid: '0', sdpMLineIndex: 0 });
  await settle();
  assert.deepEqual(pc.candidates, [], 'a remote candidate waits for the remote description');
  signaling.event('sdp', { callId: 'c1', sdpType: 'answer', sdp: 'answer-sdp' });
  signaling.event('established', { callId: 'c1' });
  await settle();
  assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'answer-sdp' });
  assert.deepEqual(pc.candidates, [{ candidate: 'candidate:remote', sdpMid: '0', sdpMLineIndex: 0 }]);
  assert.equal(call.state, 'ESTABLISHED');
  assert.deepEqual(seen.map(([type]) => type), ['progress', 'connect', 'established']);
});

test('the remote tracks make one stream, reported as remote_media by the call and the client', async () => {
  const { call } = await place();
  const fromClient = record(parley, 'remote_media');
  signaling.event('connect', { callId: 'c1' });
  await settle();
  const remote = new FakeMediaStream();
  const track = new FakeTrack('video');
  FakeRTCPeerConnection.last().remoteTrack(track, remote);
  assert.equal(call.remoteStream, remote);
  assert.deepEqual(remote.getTracks(), [track]);
  assert.deepEqual(fromClient, [['remote_media', { callId: 'c1', stream: remote, track, kind: 'video' }]]);
});

test('mute and camera off tell the peer over the data channel, and the peer\'s state arrives the same way', async () => {
  const { call } = await place();
  signaling.event('connect', { callId: 'c1' });
  await settle();
  const channel = FakeRTCPeerConnection.last().channels[0];
  channel.open();
  assert.deepEqual(channel.sent, [{ type: 'media_state', audio: true, video: true }], 'sent when the channel opens');
  call.setAudioMuted(true);
  call.setVideoEnabled(false);
  assert.deepEqual(channel.sent.at(-1), { type: 'media_state', audio: false, video: false });
  assert.equal(call.localStream.getAudioTracks()[0].enabled, false);
  assert.equal(call.localStream.getVideoTracks()[0].enabled, false);

  const states = record(call, 'media_state');
  channel.receive({ type: 'media_state', audio: true, video: false });
  assert.deepEqual(call.remoteMedia, { audio: true, video: false });
  assert.deepEqual(states, [['media_state', { callId: 'c1', audio: true, video: false }]]);
});

test('disconnect ends the call: state, reason, media released, forgotten by the client', async () => {
  const { call } = await place();
  signaling.event('connect', { callId: 'c1' });
  await settle();
  const seen = record(call, 'disconnect');
  signaling.event('disconnect', { callId: 'c1', reason: 'HANGUP', status: 200, endedBy: 'bob-id' });
  assert.equal(call.state, 'ENDED');
  assert.equal(call.endReason, 'HANGUP');
  assert.equal(call.endedBy, 'bob-id');
  assert.ok(call.localStream.getTracks().every(t => t.readyState === 'ended'), 'the camera is released');
  assert.ok(FakeRTCPeerConnection.last().closed);
  assert.deepEqual(parley.calls, []);
  assert.equal(seen.length, 1);
});

test('a callee who is busy: the disconnect that came before the ack still ends the call', async () => {
  const placing = parley.call('bob-id');
  await settle();
  signaling.event('disconnect', { callId: 'c2', reason: 'BUSY', status: 486, endedBy: null });
  signaling.ack(signaling.requests('call')[0], { callId: 'c2', state: 'ENDED' });
  const call = await placing;
  assert.equal(call.state, 'ENDED');
  assert.equal(call.endReason, 'BUSY');
  assert.equal(call.endStatus, 486);
});

test('a refused call releases the camera and rejects with the server\'s error', async () => {
  const stream = cameraAndMicrophone();
  installBrowser({ routes: { 'GET /api/admin/client-config': { rtcConfiguration: RTC } }, media: () => stream });
  const placing = parley.call('bob-id');
  await settle();
  signaling.fail(signaling.requests('call')[0], 'PROVIDER_DISABLED', 'the provider webrtc is disabled');
  await assert.rejects(placing, { code: 'PROVIDER_DISABLED' });
  assert.ok(stream.getTracks().every(t => t.readyState === 'ended'));
});

test('call_error is kept on the call', async () => {
  const { call } = await place();
  signaling.event('call_error', { callId: 'c1', code: 'NEGOTIATION_TIMEOUT', message: 'no media' });
  await settle();
  assert.equal(call.error.code, 'NEGOTIATION_TIMEOUT');
});

test('end cancels a ringing call, and ends it here if no disconnect follows', async (t) => {
  const { call } = await place();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ending = call.end();
  await Promise.resolve();
  const cancel = signaling.requests('cancel')[0];
  assert.deepEqual(cancel.payload, { callId: 'c1' });
  signaling.ack(cancel, { state: 'ENDED' });
  await ending;
  assert.equal(call.state, 'RINGING');
  t.mock.timers.tick(3000);
  assert.equal(call.state, 'ENDED');
  assert.equal(call.endReason, 'CANCELLED');
});

test('answering: the call is read over REST, answered on the socket, and the offer is answered', async () => {
  const answering = parley.answer('c-in');
  await settle();
  const request = signaling.requests('answer')[0];
  assert.deepEqual(request.payload, { callId: 'c-in' });
  signaling.event('connect', { callId: 'c-in' });
  signaling.ack(request, { callId: 'c-in', state: 'ANSWERED' });
  const call = await answering;
  assert.equal(call.direction, 'incoming');
  assert.deepEqual(call.peer, BOB);
  assert.equal(call.video, false, 'the call\'s own media when none is asked for');
  await settle();
  assert.equal(call.state, 'ANSWERED');
  assert.equal(FakeRTCPeerConnection.instances.length, 1, 'one peer connection');
  signaling.event('sdp', { callId: 'c-in', sdpType: 'offer', sdp: 'offer-sdp' });
  await settle();
  const sdp = signaling.requests('sdp')[0];
  assert.deepEqual(sdp.payload, { callId: 'c-in', sdpType: 'answer', sdp: 'answer-sdp' });
});

test('answering a call that no longer rings rejects with INVALID_STATE and sends nothing', async () => {
  await assert.rejects(parley.answer('c-over'), { code: 'INVALID_STATE' });
  assert.deepEqual(signaling.requests('answer'), []);
});

test('answering with the camera blocked declines the call and rejects with MEDIA_BLOCKED', async () => {
  installBrowser({
    routes: { 'GET /api/admin/client-config': { rtcConfiguration: RTC }, 'GET /api/signaling/calls/c-in': { callId: 'c-in', caller: BOB, audio: true, video: true, state: 'RINGING' } },
    media: () => { throw Object.assign(new Error('denied'), { name: 'NotAllowedError' }); },
  });
  const answering = parley.answer('c-in');
  await settle();
  const decline = signaling.requests('decline')[0];
  assert.deepEqual(decline.payload, { callId: 'c-in' });
  signaling.ack(decline, {});
  await assert.rejects(answering, { code: 'MEDIA_BLOCKED' });
});

// ---- protocol version 2: seq, the other party's connection, media reports and ICE restarts

/** A placed call, answered (connect), its offer acknowledged; returns the call and its peer connection. */
async function answered() {
  const { call } = await place();
  signaling.event('connect', { callId: 'c1', seq: 2, state: 'ANSWERED' });
  await settle();
  return { call, pc: FakeRTCPeerConnection.last() };
}

/** An answered call whose media connected and that the server established. */
async function established() {
  const { call, pc } = await answered();
  signaling.event('sdp', { callId: 'c1', seq: 3, sdpType: 'answer', sdp: 'answer-sdp' });
  await settle();
  pc.changeState('connected');
  signaling.event('established', { callId: 'c1', seq: 4, state: 'ESTABLISHED' });
  await settle();
  return { call, pc };
}

function mediaReports() {
  return signaling.requests('media').map(r => r.payload.state);
}

test('a call event whose seq was seen already is ignored, by the call and the client', async () => {
  const { call } = await place();
  const fromCall = record(call, 'progress', 'connect');
  const fromClient = record(parley, 'progress', 'connect');
  signaling.event('progress', { callId: 'c1', seq: 1, state: 'RINGING' });
  signaling.event('connect', { callId: 'c1', seq: 3, state: 'ANSWERED' });
  signaling.event('progress', { callId: 'c1', seq: 1, state: 'RINGING' });
  signaling.event('connect', { callId: 'c1', seq: 3, state: 'ANSWERED' });
  await settle();
  assert.deepEqual(fromCall.map(([type]) => type), ['progress', 'connect']);
  assert.deepEqual(fromClient.map(([type]) => type), ['progress', 'connect']);
  assert.equal(call.lastSeq, 3);
  assert.equal(signaling.requests('sdp').length, 1, 'one offer: the replayed connect does not offer again');
});

test('party_reconnecting and party_reconnected reach the call and the client', async () => {
  const { call } = await established();
  const fromCall = record(call, 'party_reconnecting', 'party_reconnected');
  const fromClient = record(parley, 'party_reconnecting');
  const dropped = { callId: 'c1', seq: 5, userId: 'bob-id', graceSeconds: 20 };
  signaling.event('party_reconnecting', dropped);
  await settle();
  assert.equal(call.partyReconnecting, true);
  signaling.event('party_reconnected', { callId: 'c1', seq: 6, userId: 'bob-id' });
  await settle();
  assert.equal(call.partyReconnecting, false);
  assert.deepEqual(fromCall, [['party_reconnecting', dropped], ['party_reconnected', { callId: 'c1', seq: 6, userId: 'bob-id' }]]);
  assert.deepEqual(fromClient, [['party_reconnecting', dropped]]);
  assert.equal(call.state, 'ESTABLISHED');
});

test('media connected is reported every time the peer connection connects; established comes from the server only', async () => {
  const { call, pc } = await answered();
  const seen = record(call, 'established');
  pc.changeState('connecting');
  pc.changeState('connected');
  await settle();
  assert.deepEqual(signaling.requests('media').map(r => r.payload), [{ callId: 'c1', state: 'connected' }]);
  assert.equal(call.state, 'ANSWERED', 'connected for the app only after the server\'s established');
  assert.deepEqual(seen, []);
  signaling.event('established', { callId: 'c1', seq: 4, state: 'ESTABLISHED' });
  await settle();
  assert.equal(call.state, 'ESTABLISHED');
  pc.changeState('disconnected');
  pc.changeState('connected');
  await settle();
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting', 'connected']);
});

test('the caller restarts ICE when an established call\'s media drops: reconnecting, an iceRestart offer, then reconnected', async () => {
  const { call, pc } = await established();
  const seen = record(call, 'media_reconnecting', 'media_reconnected');
  const fromClient = record(parley, 'media_reconnecting', 'media_reconnected');
  pc.changeState('disconnected');
  await settle();
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting']);
  assert.deepEqual(pc.offers, [null, { iceRestart: true }]);
  const offers = signaling.requests('sdp');
  assert.deepEqual(offers.at(-1).payload, { callId: 'c1', sdpType: 'offer', sdp: 'offer-sdp-2' });
  assert.equal(call.mediaReconnecting, true);
  pc.changeState('failed');
  await settle();
  assert.equal(pc.offers.length, 2, 'no second offer while the restart waits for its answer');
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting'], 'reconnecting once per drop');

  signaling.event('sdp', { callId: 'c1', seq: 5, sdpType: 'answer', sdp: 'answer-sdp-2' });
  await settle();
  assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'answer-sdp-2' });
  pc.changeState('connected');
  await settle();
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting', 'connected']);
  assert.equal(call.mediaReconnecting, false);
  assert.deepEqual(seen, [['media_reconnecting', { callId: 'c1' }], ['media_reconnected', { callId: 'c1' }]]);
  assert.deepEqual(fromClient.map(([type]) => type), ['media_reconnecting', 'media_reconnected']);
  assert.equal(call.state, 'ESTABLISHED');
});

test('a network change makes the caller restart ICE; a restart that stayed connected is back once answered', async () => {
  const { call, pc } = await established();
  const seen = record(call, 'media_reconnecting', 'media_reconnected');
  network.change();
  await settle();
  assert.deepEqual(pc.offers.at(-1), { iceRestart: true });
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting']);
  signaling.event('sdp', { callId: 'c1', seq: 5, sdpType: 'answer', sdp: 'answer-sdp-2' });
  await settle();
  assert.deepEqual(mediaReports(), ['connected', 'reconnecting', 'connected']);
  assert.deepEqual(seen.map(([type]) => type), ['media_reconnecting', 'media_reconnected']);
  network.online();
  await settle();
  assert.equal(pc.offers.length, 3, 'the window\'s online event restarts too');
  call.end();
  signaling.event('disconnect', { callId: 'c1', seq: 9, reason: 'HANGUP', status: 200, endedBy: 'alice-id' });
  network.change();
  await settle();
  assert.equal(pc.offers.length, 3, 'an ended call stops watching the network');
});

test('the callee never offers: it answers the caller\'s restart offer and reports', async () => {
  const answering = parley.answer('c-in');
  await settle();
  signaling.ack(signaling.requests('answer')[0], { callId: 'c-in', state: 'ANSWERED' });
  const call = await answering;
  signaling.event('connect', { callId: 'c-in', seq: 2, state: 'ANSWERED' });
  signaling.event('sdp', { callId: 'c-in', seq: 3, sdpType: 'offer', sdp: 'offer-sdp' });
  await settle();
  const pc = FakeRTCPeerConnection.last();
  pc.changeState('connected');
  signaling.event('established', { callId: 'c-in', seq: 4, state: 'ESTABLISHED' });
  await settle();
  pc.changeState('disconnected');
  network.change();
  await settle();
  assert.deepEqual(pc.offers, [], 'no offer from the callee');
  assert.deepEqual(signaling.requests('media').map(r => r.payload), [
    { callId: 'c-in', state: 'connected' }, { callId: 'c-in', state: 'reconnecting' }]);
  signaling.event('sdp', { callId: 'c-in', seq: 5, sdpType: 'offer', sdp: 'offer-sdp-2' });
  await settle();
  assert.deepEqual(pc.remoteDescription, { type: 'offer', sdp: 'offer-sdp-2' });
  assert.deepEqual(signaling.requests('sdp').map(r => r.payload.sdpType), ['answer', 'answer'], 'the second offer is answered like the first');
  pc.changeState('connected');
  await settle();
  assert.equal(signaling.requests('media').at(-1).payload.state, 'connected');
  assert.equal(call.mediaReconnecting, false);
});

test('a peer connection that fails before it ever connected reports failed; the call ends with the server\'s call_error', async () => {
  const { call, pc } = await answered();
  const ended = record(call, 'disconnect');
  pc.changeState('connecting');
  pc.changeState('failed');
  await settle();
  assert.deepEqual(mediaReports(), ['failed']);
  assert.deepEqual(pc.offers, [null], 'no ICE restart: it never connected');
  const error = { callId: 'c1', seq: 4, errorType: 'media', code: 'MEDIA_FAILED', message: 'media did not connect' };
  signaling.event('call_error', error);
  signaling.event('disconnect', { callId: 'c1', seq: 5, reason: 'FAILED', status: 500, endedBy: null });
  assert.equal(call.state, 'ENDED');
  assert.deepEqual(call.error, error);
  assert.deepEqual(ended[0][1].error, error, 'the disconnect carries the reason');
});

// ---- call control: hold and resume, DTMF, device switch (docs/protocol.md "Hold and resume", "DTMF")

test('hold renegotiates to inactive when the server says holding by this user, and resolves on held', async () => {
  const { call, pc } = await established();
  const seen = record(parley, 'holding', 'held', 'resuming', 'resumed');
  const holding = call.doHoldResume();
  await settle();
  signaling.ack(signaling.requests('hold')[0], { callId: 'c1', state: 'ESTABLISHED' });
  assert.deepEqual(signaling.requests('hold')[0].payload, { callId: 'c1' });
  signaling.event('holding', { callId: 'c1', seq: 5, by: 'alice-id' });
  await settle();
  assert.deepEqual(pc.getTransceivers().map(t => t.direction), ['inactive', 'inactive'], 'media really stops');
  const offer = signaling.requests('sdp').at(-1).payload;
  assert.equal(offer.sdpType, 'offer');
  signaling.event('sdp', { callId: 'c1', seq: 6, sdpType: 'answer', sdp: 'answer-inactive' });
  signaling.event('held', { callId: 'c1', seq: 7, by: 'alice-id' });
  assert.equal(await holding, call);
  assert.equal(call.state, 'HELD');
  assert.equal(call.heldByMe, true);
  assert.equal(parley.getConnectedCall(), null, 'a held call is not the connected one');

  const resuming = parley.doHoldResume();
  await settle();
  signaling.ack(signaling.requests('unhold')[0], { callId: 'c1', state: 'HELD' });
  signaling.event('resuming', { callId: 'c1', seq: 8, by: 'alice-id' });
  await settle();
  assert.deepEqual(pc.getTransceivers().map(t => t.direction), ['sendrecv', 'sendrecv']);
  signaling.event('resumed', { callId: 'c1', seq: 9, by: 'alice-id' });
  await resuming;
  assert.equal(call.state, 'ESTABLISHED');
  assert.equal(parley.getConnectedCall(), call);
  assert.deepEqual(seen.map(([type]) => type), ['holding', 'held', 'resuming', 'resumed']);
});

test('held by the other party: no renegotiation here, the call shows who holds it', async () => {
  const { call, pc } = await established();
  const offers = signaling.requests('sdp').length;
  signaling.event('holding', { callId: 'c1', seq: 5, by: 'bob-id' });
  signaling.event('sdp', { callId: 'c1', seq: 6, sdpType: 'offer', sdp: 'offer-inactive' });
  signaling.event('held', { callId: 'c1', seq: 7, by: 'bob-id' });
  await settle();
  assert.equal(signaling.requests('sdp').length, offers + 1, 'only the answer to their offer');
  assert.equal(signaling.requests('sdp').at(-1).payload.sdpType, 'answer');
  assert.deepEqual(pc.getTransceivers().map(t => t.direction), ['sendrecv', 'sendrecv']);
  assert.equal(call.state, 'HELD');
  assert.equal(call.heldBy, 'bob-id');
  assert.equal(call.heldByMe, false);
});

test('a hold refused or not confirmed rejects with a CallError and leaves the call as it was', async () => {
  const { call, pc } = await established();
  const refused = call.hold();
  await settle();
  signaling.fail(signaling.requests('hold')[0], 'INVALID_STATE', 'a resume of this call is in progress', 'corr-9');
  const error = await refused.catch(e => e);
  assert.equal(error.name, 'CallError');
  assert.equal(error.type, 'INVALID_STATE');
  assert.equal(error.correlationId, 'corr-9');
  assert.equal(error.errorLayer, 'call_control');
  assert.equal(call.holdPending, null);

  const timedOut = call.hold();
  await settle();
  signaling.ack(signaling.requests('hold')[1], { callId: 'c1', state: 'ESTABLISHED' });
  signaling.event('holding', { callId: 'c1', seq: 5, by: 'alice-id' });
  await settle();
  const seen = record(call, 'hold_error');
  signaling.event('hold_error', { callId: 'c1', seq: 6, by: 'alice-id', errorType: 'TIMEOUT', message: 'the other party did not confirm the hold within 10 s; the call is as it was' });
  const timeout = await timedOut.catch(e => e);
  assert.equal(timeout.type, 'TIMEOUT');
  assert.match(timeout.message, /10 s/);
  assert.equal(pc.rolledBack, 1, 'the unanswered offer is rolled back');
  assert.deepEqual(pc.getTransceivers().map(t => t.direction), ['sendrecv', 'sendrecv']);
  assert.equal(call.state, 'ESTABLISHED');
  assert.equal(seen[0][1].error.type, 'TIMEOUT');
});

test('sendDigit signals the digits and plays them as telephone-events; bad digits never leave the client', async () => {
  const { call, pc } = await established();
  const sending = parley.sendDigit('12#a', { durationMs: 120, gapMs: 60 });
  await settle();
  const request = signaling.requests('dtmf')[0];
  assert.deepEqual(request.payload, { callId: 'c1', digits: '12#A', durationMs: 120, gapMs: 60 });
  signaling.ack(request, { callId: 'c1', state: 'ESTABLISHED' });
  assert.deepEqual(await sending, { inMedia: true });
  const audio = pc.getSenders().find(s => s.track.kind === 'audio');
  assert.deepEqual(audio.dtmf.inserted, [['12#A', 120, 60]]);
  for (const [digits, options] of [['12x', {}], ['', {}], ['1', { durationMs: 30 }], ['1', { gapMs: 7000 }]]) {
    const e = await call.sendDigit(digits, options).catch(err => err);
    assert.equal(e.code, 'INVALID_PAYLOAD', `${digits} ${JSON.stringify(options)}`);
  }
  assert.equal(signaling.requests('dtmf').length, 1);
  const got = record(parley, 'dtmf');
  signaling.event('dtmf', { callId: 'c1', seq: 5, by: 'bob-id', digits: '5', durationMs: 100, gapMs: 70 });
  await settle();
  assert.equal(got[0][1].digits, '5');
});

test('updateMedia replaces the track without renegotiation and an unplugged device falls back to another', async () => {
  const { call, pc } = await established();
  const offers = pc.offers.length;
  const changes = record(parley, 'device_changed', 'device_lost');
  const oldAudio = call.localStream.getAudioTracks()[0];
  call.setAudioMuted(true);
  await parley.updateMedia({ audioDeviceId: 'headset' });
  const audio = pc.getSenders().find(s => s.track.kind === 'audio');
  assert.equal(audio.track.label, 'device headset');
  assert.equal(audio.track.enabled, false, 'still muted');
  assert.equal(oldAudio.readyState, 'ended', 'the old microphone is released');
  assert.deepEqual(call.localStream.getAudioTracks(), [audio.track]);
  assert.equal(pc.offers.length, offers, 'no renegotiation');
  assert.equal(changes[0][1].deviceId, 'device headset-id');

  audio.track.unplug();
  await settle();
  const fallback = pc.getSenders().find(s => s.track.kind === 'audio').track;
  assert.equal(fallback.label, 'fake audio');
  const lost = changes.find(([type]) => type === 'device_lost')[1];
  assert.deepEqual([lost.kind, lost.label, lost.fallback], ['audio', 'device headset', 'fake audio']);
});
