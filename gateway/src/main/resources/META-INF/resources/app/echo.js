/**
 * The "Test your setup" page (/echo.html): starts an echo session with media-service at once, shows the
 * camera and what comes back, and the server's report every second; Stop ends it.
 */
import { Parley } from '/sdk/parley.js';
import { installIncomingCalls } from './incoming.js';
import './sounds.js';

const $ = id => document.getElementById(id);
const parley = new Parley();
let test = null;
let ownStatus = 'AVAILABLE';

/** Why a test ended, in words: the server's end reasons and the page's own STOPPED. */
const ENDINGS = {
  STOPPED: () => 'Test stopped.',
  HANGUP: () => 'Test stopped.',
  TIME_LIMIT: t => `The test ended after ${t.maxDurationSeconds} seconds.`,
  DISCONNECTED: () => 'The test ended: your camera and microphone stopped reaching the server.',
  FAILED: () => 'The test failed: no audio and video connection could be set up with the server.',
};

parley.on('welcome', payload => { if (payload.socket === 'presence') ownStatus = payload.status; });
parley.on('status', payload => { if (payload.userId === parley.userId) ownStatus = payload.status; });
installIncomingCalls(parley, { ownStatus: () => ownStatus });
// This page is one of the user's open pages: present, and notified of incoming calls.
parley.connect({ presence: true, notifications: true }).catch(() => {});

$('echo-stop').addEventListener('click', () => stop());
$('echo-start').addEventListener('click', () => start());
window.addEventListener('pagehide', () => {
  if (test && test.state !== 'ended' && test.id) {
    // Free the server's echo slot even though the page is going away.
    parley.fetchJson(`/api/media/echo/${encodeURIComponent(test.id)}`, { method: 'DELETE', keepalive: true }).catch(() => {});
  }
});
start();

async function start() {
  $('echo-start').hidden = true;
  $('echo-stop').hidden = false;
  $('echo-stop').disabled = false;
  showMessage('');
  showReport(null);
  setState('Starting camera and microphone…');
  let started;
  try {
    started = await parley.echoTest({ audio: true, video: true });
  } catch (e) {
    return failed(e);
  }
  if (test === 'cancelled') {
    test = null;
    await started.stop();
    return;
  }
  test = started;
  setState('Connecting to the echo service…');
  const local = $('echo-local');
  local.srcObject = test.localStream;
  startMicMeter(test.localStream);
  local.play().catch(() => {});
  const showEcho = stream => {
    const remote = $('echo-remote');
    if (remote.srcObject !== stream) remote.srcObject = stream;
    remote.play().catch(() => {});
  };
  // The tracks may have arrived while the test was starting, before this listener existed.
  if (test.remoteStream) showEcho(test.remoteStream);
  test.on('remote_media', ({ stream }) => showEcho(stream));
  test.on('report', report => {
    showReport(report);
    const hear = report.audio?.echoed ? 'hear yourself' : 'hear a test tone';
    setState(report.state === 'connected' ? `Connected: you should see yourself and ${hear}.` : 'Connecting to the echo service…');
  });
  test.on('ended', ({ endReason }) => {
    stopped();
    showMessage(ENDINGS[endReason]?.(test) || `The test ended (${String(endReason).toLowerCase().replace(/_/g, ' ')}).`);
  });
}

async function stop() {
  if (test && typeof test === 'object') await test.stop();
  else {
    // Still starting: stop as soon as it has started.
    test = 'cancelled';
    stopped();
    showMessage('Test stopped.');
  }
}

function failed(e) {
  stopped();
  if (e.code === 'ECHO_BUSY') showMessage('The echo test is busy, try again later.');
  else if (e.code === 'MEDIA_BLOCKED') showMessage("Camera or microphone access is blocked. Allow it for this site in the browser's settings, then try again.");
  else if (e.status === 404 || e.code === 'ECHO_UNAVAILABLE') showMessage('The echo test is not available on this server.');
  else showMessage(`The test could not start: ${e.message}`);
}

function stopped() {
  stopMicMeter();
  setState('');
  $('echo-stop').disabled = true;
  $('echo-start').hidden = false;
  $('echo-local').srcObject = null;
  $('echo-remote').srcObject = null;
}

/**
 * The microphone's input level, measured here in the browser: the echo server answers with a test tone
 * and does not decode audio (docs/protocol.md), so this is what tells the user their microphone picks up
 * sound. Shows the peak RMS level (0..1) of the last two seconds.
 */
let meter = null;
function startMicMeter(stream) {
  stopMicMeter();
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass || !stream.getAudioTracks().length) return;
  const context = new AudioContextClass();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const recent = [];
  const timer = setInterval(() => {
    if (context.state === 'suspended') context.resume().catch(() => {});
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const v of samples) sum += v * v;
    recent.push(Math.sqrt(sum / samples.length));
    if (recent.length > 10) recent.shift();
    const peak = Math.min(1, Math.max(...recent));
    $('mic-level').textContent = stream.getAudioTracks().some(t => t.enabled && t.readyState === 'live')
      ? peak.toFixed(3) : 'microphone off';
  }, 200);
  meter = { context, timer };
}

function stopMicMeter() {
  if (!meter) return;
  clearInterval(meter.timer);
  meter.context.close().catch(() => {});
  meter = null;
}

function showReport(report) {
  for (const dd of document.querySelectorAll('#echo-report dd[data-field]')) {
    const field = dd.dataset.field;
    let value;
    if (!report) value = null;
    else if (field === 'video.resolution') {
      const v = report.video || {};
      value = v.frameWidth && v.frameHeight ? `${v.frameWidth}×${v.frameHeight}` : null;
    } else {
      value = field.split('.').reduce((o, k) => (o == null ? undefined : o[k]), report);
    }
    dd.textContent = format(value, dd.dataset.unit || '');
  }
}

function format(value, unit) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return `${Number.isInteger(value) ? value : value.toFixed(value < 1 ? 3 : 1)}${unit}`;
  return String(value);
}

function setState(text) {
  $('echo-state').textContent = text;
}

function showMessage(text) {
  $('echo-message').textContent = text;
}
