/**
 * The call window (/call.html), one browser window per call:
 *   ?to=<userId>&audio=1&video=1&provider=webrtc   calls that user;
 *   ?answer=<callId>                               answers a ringing call (opened from the incoming-call notification).
 * Shows the local camera first (with a ringback tone for the caller), then the remote video with the local
 * one in the corner; mute, camera and end-call buttons; the outcome in words. "Connected" only once the
 * server says the call is established (its media connected), "Reconnecting…" while this window's signaling
 * connection or the media is being recovered, and a note while the other party's connection is away.
 * Closing the window ends the call (a lost connection is resumed; a closed window is not).
 * Call control: Hold/Resume (either party holds; the holder resumes), a keypad that sends DTMF, and a
 * device menu (microphone, camera, speaker: switched mid-call and remembered like mute and camera).
 * For tests: document.body.dataset.callState is the protocol's call state; window.parleyCall.peerConnection
 * the RTCPeerConnection.
 */
import { Parley, getLocalMedia } from '/sdk/parley.js';
import * as sounds from './sounds.js';
import { avatarSrc, firstName, remembered, remember } from './ui.js';

const MICROPHONE_KEY = 'parley.call.microphoneOn';
const PARTY_RECONNECTING_TEXT = 'The other party\'s connection dropped, waiting for them to come back…';
const CAMERA_KEY = 'parley.call.cameraOn';
const DEVICE_KEYS = { audioinput: 'parley.call.microphone', videoinput: 'parley.call.camera', audiooutput: 'parley.call.speaker' };
const DIALPAD = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];
const $ = id => document.getElementById(id);

const params = new URLSearchParams(location.search);
const parley = new Parley();
/** @type {import('/sdk/parley.js').Call|null} */
let call = null;
let stream = null;
let peer = { id: null, displayName: '', avatar: null };
let ended = false;
let hangupRequested = false;
/** Whether this call's media ever connected: a media failure before that means it could not connect at all. */
let wasConnected = false;
let microphoneOn = remembered(MICROPHONE_KEY, true) !== false;
let cameraOn = remembered(CAMERA_KEY, true) !== false;
let timer = null;

window.parleyCall = {
  get peerConnection() { return call?.peerConnection ?? null; },
  get call() { return call; },
  parley,
};

wireControls();
parley.on('auth_required', () => {
  if (!call) showMessage('Your session has expired: sign in again from the Parley page.');
});
window.addEventListener('pagehide', hangUpOnLeave);
window.addEventListener('beforeunload', hangUpOnLeave);

if (params.has('answer')) {
  answerFlow(params.get('answer')).catch(unexpected);
} else if (params.has('to')) {
  callFlow(params.get('to'), params.get('audio') !== '0', params.get('video') !== '0', params.get('provider') || 'webrtc').catch(unexpected);
} else {
  finish('Nothing to call: open this window from the people list.', { sound: false });
}

// ---- the caller

async function callFlow(userId, audio, video, provider) {
  setState('NEW');
  peer = await parley.user(userId).catch(() => ({ id: userId, displayName: 'Unknown person', avatar: null }));
  showPeer();
  setStatus(`Calling ${first()}…`);
  parley.connect({ presence: true, notifications: false }).catch(() => {});
  if (!await openMedia(audio, video) || ended) return;
  try {
    call = await parley.call(userId, { audio, video, provider, stream });
  } catch (e) {
    return finish(callRefused(e));
  }
  followCall();
  if (hangupRequested) return call.end();
  if (call.state === 'RINGING') {
    setState('RINGING');
    sounds.play('ringback');
  }
}

function callRefused(e) {
  switch (e.code) {
    case 'PROVIDER_DISABLED': return 'Calls with this provider are switched off by the administrator.';
    case 'UNKNOWN_CALLEE': return 'This person is not in the directory.';
    case 'SELF_CALL': return 'You cannot call yourself.';
    case 'DISCONNECTED': case 'TIMEOUT': return 'The call failed: the call service cannot be reached.';
    default: return `The call failed: ${e.message}`;
  }
}

// ---- the callee

async function answerFlow(callId) {
  setState('RINGING');
  setStatus('Answering…');
  let details;
  try {
    details = await parley.getCall(callId);
  } catch (e) {
    return finish(e.code === 'CALL_NOT_FOUND' ? 'This call does not exist any more.' : `The call failed: ${e.message}`);
  }
  peer = { id: details.caller.id, displayName: details.caller.name, avatar: details.caller.avatar };
  showPeer();
  if (details.state !== 'RINGING') return finish(notRinging(details));
  setStatus(`Answering ${first()}…`);
  parley.connect({ presence: true, notifications: false }).catch(() => {});
  if (!await openMedia(details.audio, details.video, callId) || ended) return;
  try {
    call = await parley.answer(callId, { stream });
  } catch (e) {
    if (e.code === 'INVALID_STATE' || e.code === 'CALL_NOT_FOUND') {
      const now = await parley.getCall(callId).catch(() => null);
      return finish(now ? notRinging(now) : 'This call does not exist any more.');
    }
    return finish(`The call failed: ${e.message}`);
  }
  followCall();
  setState(call.state);
  setStatus('Connecting…');
  if (hangupRequested) call.end();
}

function notRinging(details) {
  if (details.state !== 'ENDED') return 'The call was answered elsewhere.';
  return {
    CANCELLED: `${first()} cancelled the call.`, NO_ANSWER: 'The call was not answered in time.',
    DECLINED: 'The call was declined.',
  }[details.endReason] || 'The call has ended.';
}

// ---- media

/** Opens camera/microphone and shows them; on failure ends (declining an incoming call) with a message. */
async function openMedia(audio, video, declineCallId = null) {
  try {
    stream = await openRemembered(audio, video);
  } catch (e) {
    if (declineCallId) await parley.decline(declineCallId).catch(() => {});
    const declined = declineCallId ? ' The call was declined.' : '';
    const text = e.code === 'MEDIA_BLOCKED'
      ? `Camera or microphone access is blocked. Allow it for this site in the browser's settings, then try again.${declined}`
      : `${e.message}${declined}`;
    finish(text, { sound: false });
    return false;
  }
  if (ended) {
    // The user ended the call while the browser was still asking for the devices.
    stream.getTracks().forEach(t => t.stop());
    return false;
  }
  const local = $('local-video');
  local.srcObject = stream;
  local.play().catch(() => {});
  const hasVideo = stream.getVideoTracks().length > 0;
  $('stage').classList.toggle('audio-only', !hasVideo);
  $('camera').disabled = !hasVideo;
  applyMicrophone();
  applyCamera();
  return true;
}

/** The microphone and camera chosen last time, or the default ones when those are gone. */
async function openRemembered(audio, video) {
  const audioDeviceId = audio ? remembered(DEVICE_KEYS.audioinput, null) : null;
  const videoDeviceId = video ? remembered(DEVICE_KEYS.videoinput, null) : null;
  if (audioDeviceId || videoDeviceId) {
    try {
      return await getLocalMedia({ audio, video, audioDeviceId, videoDeviceId });
    } catch (e) {
      if (e.code !== 'MEDIA_NOT_FOUND') throw e;
    }
  }
  return getLocalMedia({ audio, video });
}

function applyMicrophone() {
  if (call) call.setAudioMuted(!microphoneOn);
  else stream?.getAudioTracks().forEach(t => { t.enabled = microphoneOn; });
  const button = $('mute');
  button.setAttribute('aria-pressed', String(!microphoneOn));
  button.textContent = microphoneOn ? 'Mute' : 'Unmute';
  button.title = microphoneOn ? 'Mute your microphone' : 'Unmute your microphone';
}

function applyCamera() {
  const hasVideo = (stream?.getVideoTracks().length || 0) > 0;
  if (call) call.setVideoEnabled(cameraOn);
  else stream?.getVideoTracks().forEach(t => { t.enabled = cameraOn; });
  const off = hasVideo && !cameraOn;
  const button = $('camera');
  button.setAttribute('aria-pressed', String(off));
  button.textContent = off ? 'Start camera' : 'Stop camera';
  button.title = hasVideo ? (off ? 'Share your camera' : 'Stop sharing your camera') : 'This is an audio call';
  $('local-off').hidden = !off;
}

// ---- following the call

function followCall() {
  applyMicrophone();
  applyCamera();
  call.on('progress', () => setState('RINGING'));
  call.on('connect', () => {
    sounds.stop('ringback');
    setState('ANSWERED');
    showCallStatus();
  });
  call.on('established', () => {
    // The server establishes a call once its media connected: only now is it "Connected".
    setState('ESTABLISHED');
    wasConnected = true;
    showCallStatus();
    showConnected();
    startTimer();
  });
  call.on('remote_media', ({ stream: remote }) => {
    const video = $('remote-video');
    if (video.srcObject !== remote) video.srcObject = remote;
    video.play().catch(e => {
      if (e.name === 'NotAllowedError') $('enable-sound').hidden = false;
    });
    if (call.state === 'ESTABLISHED') showConnected();
  });
  const speaker = remembered(DEVICE_KEYS.audiooutput, null);
  if (speaker) $('remote-video').setSinkId?.(speaker).catch(() => {});
  call.on('media_state', state => showRemoteMedia(state));
  for (const type of ['holding', 'held', 'resuming', 'resumed']) call.on(type, showHold);
  call.on('hold_error', ({ error }) => { showHold(); showMessage(`The call could not be put on hold: ${error.message}.`); });
  call.on('resume_error', ({ error }) => { showHold(); showMessage(`The call could not be resumed: ${error.message}.`); });
  call.on('dtmf', ({ digits }) => showMessage(`${first()} pressed ${digits}`));
  call.on('device_lost', ({ kind, label, fallback }) => {
    const what = kind === 'audio' ? 'microphone' : 'camera';
    showMessage(fallback ? `Your ${what} (${label}) was disconnected; now using ${fallback}.` : `Your ${what} (${label}) was disconnected and no other one was found.`);
    fillDevices();
  });
  for (const type of ['reconnecting', 'reconnected', 'media_reconnecting', 'media_reconnected', 'party_reconnecting', 'party_reconnected']) {
    call.on(type, showCallStatus);
  }
  call.on('disconnect', payload => finish(outcome(payload), { sound: payload.endedBy !== parley.userId || !parley.userId }));
  if (call.isEnded) finish(outcome({ reason: call.endReason, endedBy: call.endedBy, error: call.error }));
}

/** The status line of a call in progress: what this window knows about its connections, worst first. */
function showCallStatus() {
  if (ended || !call || call.isEnded) return;
  showHoldButton();
  if (call.reconnecting || call.mediaReconnecting) setStatus('Reconnecting…');
  else if (call.state === 'HELD') setStatus(call.heldByMe ? 'On hold' : `${first()} put you on hold`);
  else if (call.holdPending) setStatus(call.holdPending.change === 'HOLD' ? 'Putting on hold…' : 'Resuming…');
  else if (call.partyReconnecting) setStatus(PARTY_RECONNECTING_TEXT);
  else if (call.state === 'ESTABLISHED') setStatus('Connected');
  else if (call.state === 'ANSWERED') setStatus('Connecting…');
}

function showHold() {
  if (call?.state === 'HELD' || call?.state === 'ESTABLISHED') setState(call.state);
  if (call?.state === 'ESTABLISHED') showMessage('');
  showCallStatus();
}

function showHoldButton() {
  const button = $('hold');
  const held = call?.state === 'HELD';
  button.disabled = !call || call.isEnded || !!call.holdPending || (held && !call.heldByMe)
    || !['ESTABLISHED', 'HELD'].includes(call.state);
  button.textContent = held ? 'Resume' : 'Hold';
  button.setAttribute('aria-pressed', String(held));
  button.title = held && !call.heldByMe ? `${first()} holds the call; only they can resume it` : held ? 'Take the call off hold' : 'Put the call on hold';
  $('dialpad-toggle').disabled = call?.state !== 'ESTABLISHED';
}

function outcome({ reason, endedBy, error }) {
  const name = first();
  const outgoing = call?.direction === 'outgoing';
  const mine = endedBy && endedBy === parley.userId;
  switch (reason) {
    case 'HANGUP': return mine ? 'You ended the call.' : `${name} ended the call.`;
    case 'DECLINED': return outgoing ? `${name} declined the call.` : 'You declined the call.';
    case 'CANCELLED': return outgoing ? 'You cancelled the call.' : `${name} cancelled the call.`;
    case 'BUSY': return `${name} is busy.`;
    case 'NO_ANSWER': return outgoing ? 'No answer.' : 'The call was not answered in time.';
    case 'UNAVAILABLE': return `${name} is unavailable.`;
    case 'TRANSFERRED': return 'The call was transferred.';
    case 'TERMINATED': return 'An administrator ended the call.';
    default: return failure(error ?? call?.error);
  }
}

/** Why a call failed, from its call_error (or the SDK's own, e.g. a connection that could not be resumed). */
function failure(error) {
  switch (error?.code) {
    case 'MEDIA_FAILED': return wasConnected
      ? 'The media connection was lost and did not come back.'
      : 'The media could not connect (network or relay unreachable).';
    case 'NEGOTIATION_TIMEOUT': return 'The media could not connect (network or relay unreachable).';
    case 'PARTY_VANISHED': return 'The other party\'s connection was lost.';
    default: return error?.message ? `The call failed: ${String(error.message).replace(/\.$/, '')}.` : 'The call failed.';
  }
}

function showRemoteMedia({ audio, video }) {
  const note = $('remote-video-state');
  const cameraOff = call?.video && !video;
  note.textContent = cameraOff ? `${first()} turned the camera off` : '';
  note.hidden = !cameraOff;
  $('stage').classList.toggle('remote-camera-off', !!cameraOff);
  const mic = $('remote-audio-state');
  mic.textContent = audio ? '' : `${first()} muted the microphone`;
  mic.hidden = !!audio;
}

function showConnected() {
  $('stage').classList.remove('preview');
  $('stage').classList.add('connected');
}

function startTimer() {
  const started = Date.now();
  clearInterval(timer);
  const tick = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    $('call-timer').textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  };
  tick();
  timer = setInterval(tick, 1000);
}

/** The call is over (or never started): the outcome in words, media released, controls swapped. */
function finish(message, { sound = true } = {}) {
  if (ended) return;
  ended = true;
  sounds.stop('ringback');
  if (sound) sounds.play('hangup');
  clearInterval(timer);
  setState('ENDED');
  setStatus('Call ended');
  showMessage(message);
  document.title = 'Call ended – Parley';
  stream?.getTracks().forEach(t => t.stop());
  $('remote-video').srcObject = null;
  $('remote-video-state').hidden = true;
  $('remote-audio-state').hidden = true;
  $('stage').classList.add('ended');
  for (const id of ['mute', 'camera', 'hangup', 'hold', 'dialpad-toggle']) $(id).disabled = true;
  $('dialpad').hidden = true;
  $('close-window').hidden = false;
  $('call-again').hidden = !params.has('to') && !peer.id;
}

function hangUpOnLeave() {
  if (call && !call.isEnded) call.endNow();
  else if (!call && !ended && params.has('answer') && navigator.sendBeacon) {
    // Closed while the camera was still being opened: the call was not answered here, so decline it.
    navigator.sendBeacon(`/api/signaling/calls/${encodeURIComponent(params.get('answer'))}/decline`);
  }
}

function wireControls() {
  $('mute').addEventListener('click', () => {
    microphoneOn = !microphoneOn;
    remember(MICROPHONE_KEY, microphoneOn);
    applyMicrophone();
  });
  $('camera').addEventListener('click', () => {
    cameraOn = !cameraOn;
    remember(CAMERA_KEY, cameraOn);
    applyCamera();
  });
  $('hangup').addEventListener('click', () => {
    hangupRequested = true;
    if (call) call.end();
    else if (!ended) {
      if (params.has('answer')) parley.decline(params.get('answer')).catch(() => {});
      finish(params.has('answer') ? 'You declined the call.' : 'You cancelled the call.', { sound: false });
    }
  });
  $('hold').addEventListener('click', async () => {
    if (!call) return;
    const promise = call.doHoldResume();
    showCallStatus();
    try {
      await promise;
    } catch (e) {
      // A timeout comes with hold_error/resume_error, shown there; a refusal is shown here.
      if (e.type !== 'TIMEOUT') showMessage(`That did not work: ${e.message}.`);
    }
    showCallStatus();
  });
  const keys = $('dialpad-keys');
  for (const digit of DIALPAD) {
    const key = document.createElement('button');
    key.type = 'button';
    key.textContent = digit;
    key.dataset.testid = `dtmf-${digit === '*' ? 'star' : digit === '#' ? 'hash' : digit}`;
    key.addEventListener('click', async () => {
      try {
        await call.sendDigit(digit);
        $('dialpad-sent').textContent += digit;
      } catch (e) {
        showMessage(`The digit was not sent: ${e.message}.`);
      }
    });
    keys.append(key);
  }
  $('dialpad-toggle').addEventListener('click', () => togglePanel('dialpad', 'dialpad-toggle'));
  $('devices-toggle').addEventListener('click', () => {
    if (togglePanel('devices', 'devices-toggle')) fillDevices();
  });
  for (const [select, kind] of [['mic-select', 'audioinput'], ['camera-select', 'videoinput'], ['speaker-select', 'audiooutput']]) {
    $(select).addEventListener('change', () => chooseDevice(kind, $(select).value));
  }
  $('enable-sound').addEventListener('click', () => {
    $('remote-video').play().then(() => { $('enable-sound').hidden = true; }).catch(() => {});
  });
  $('close-window').addEventListener('click', () => window.close());
  $('call-again').addEventListener('click', () => {
    const video = call ? call.video : params.get('video') !== '0';
    const query = new URLSearchParams({ to: peer.id || params.get('to'), audio: '1', video: video ? '1' : '0', provider: call?.provider || params.get('provider') || 'webrtc' });
    location.replace(`/call.html?${query}`);
  });
}

function togglePanel(panel, toggle) {
  const open = $(panel).hidden;
  $(panel).hidden = !open;
  $(toggle).setAttribute('aria-expanded', String(open));
  return open;
}

/** The device menu: the browser's devices, the ones in use selected. */
async function fillDevices() {
  const devices = await parley.devices().catch(() => ({ audioinput: [], videoinput: [], audiooutput: [] }));
  const inUse = {
    audioinput: stream?.getAudioTracks()[0]?.getSettings?.().deviceId,
    videoinput: stream?.getVideoTracks()[0]?.getSettings?.().deviceId,
    audiooutput: remembered(DEVICE_KEYS.audiooutput, null) || 'default',
  };
  for (const [select, kind] of [['mic-select', 'audioinput'], ['camera-select', 'videoinput'], ['speaker-select', 'audiooutput']]) {
    const element = $(select);
    element.replaceChildren(...devices[kind].map((d, i) => {
      const option = document.createElement('option');
      option.value = d.deviceId;
      option.textContent = d.label || `${kind === 'audioinput' ? 'Microphone' : kind === 'videoinput' ? 'Camera' : 'Speaker'} ${i + 1}`;
      option.selected = d.deviceId === inUse[kind];
      return option;
    }));
    element.disabled = devices[kind].length === 0 || (kind === 'audiooutput' && !$('remote-video').setSinkId)
      || (kind === 'videoinput' && !(stream?.getVideoTracks().length));
  }
}

/** Switches a device now (mid-call without a new call) and remembers it for the next call. */
async function chooseDevice(kind, deviceId) {
  try {
    if (kind === 'audiooutput') {
      await $('remote-video').setSinkId(deviceId);
    } else if (call && !call.isEnded) {
      stream = await call.updateMedia(kind === 'audioinput' ? { audioDeviceId: deviceId } : { videoDeviceId: deviceId });
      $('local-video').srcObject = stream;
    } else {
      return;
    }
    remember(DEVICE_KEYS[kind], deviceId);
    showMessage('');
  } catch (e) {
    showMessage(`That device could not be used: ${e.message}.`);
    fillDevices();
  }
}

// ---- display

function first() {
  return firstName(peer.displayName);
}

function showPeer() {
  document.title = `Call with ${peer.displayName} – Parley`;
  $('peer-name').textContent = peer.displayName;
  const src = avatarSrc(parley, peer.avatar, peer.displayName);
  $('peer-avatar').src = src;
  $('peer-avatar-small').src = src;
}

function setState(state) {
  document.body.dataset.callState = state;
}

function setStatus(text) {
  $('call-status').textContent = text;
  // Every status this window showed, in order (for tests and support: "did it ever claim to be connected?").
  const shown = (window.parleyStatuses ??= []);
  if (shown[shown.length - 1] !== text) shown.push(text);
}

function showMessage(text) {
  $('call-message').textContent = text;
}

function unexpected(e) {
  console.error('Parley: the call window failed', e);
  finish(`The call failed: ${e.message || e}`);
}
