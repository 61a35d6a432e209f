// Browser stand-ins for the SDK's unit tests: a WebSocket the test plays the server of, an
// RTCPeerConnection that records what the SDK does with it, media streams, and fetch.

/** A WebSocket the test answers as the server; every instance is kept in FakeWebSocket.instances. */
export class FakeWebSocket {
  static instances = [];

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.sent = [];
    this.closed = null;
    this.onmessage = null;
    this.onclose = null;
    FakeWebSocket.instances.push(this);
  }

  static reset() {
    FakeWebSocket.instances = [];
  }

  static last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  /** The client closes: no close event reaches a client that removed its handler, like a browser's. */
  close(code = 1000, reason = '') {
    this.closed = { code, reason };
    const onclose = this.onclose;
    if (onclose) queueMicrotask(() => onclose({ code, reason }));
  }

  // ---- the server's side

  deliver(message) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  welcome(payload = {}) {
    this.deliver({ id: 'w-1', type: 'welcome', payload: { connectionId: 'c-1', userId: 'alice-id', protocolVersion: 2, ...payload } });
  }

  event(type, payload) {
    this.deliver({ id: `e-${Math.random()}`, type, payload });
  }

  /** The requests sent so far of this type. */
  requests(type) {
    return this.sent.filter(m => m.type === type);
  }

  ack(request, payload = {}) {
    this.deliver({ id: request.id, type: 'ack', payload });
  }

  fail(request, code, message, correlationId = 'corr-1') {
    this.deliver({ id: request.id, type: 'error', payload: { code, message, correlationId } });
  }

  /** The server (or the network) drops the connection. */
  drop(code = 1006, reason = '') {
    this.onclose?.({ code, reason });
  }
}

export class FakeTrack {
  constructor(kind, label = `fake ${kind}`) {
    this.kind = kind;
    this.label = label;
    this.enabled = true;
    this.readyState = 'live';
    this.listeners = {};
  }

  stop() {
    this.readyState = 'ended';
  }

  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }

  getSettings() {
    return { deviceId: `${this.label}-id` };
  }

  /** The device went away (unplugged): the browser ends the track. */
  unplug() {
    this.readyState = 'ended';
    for (const listener of this.listeners.ended || []) listener();
  }
}

export class FakeMediaStream {
  constructor(tracks = []) {
    this.tracks = [...tracks];
  }

  getTracks() { return [...this.tracks]; }
  getAudioTracks() { return this.tracks.filter(t => t.kind === 'audio'); }
  getVideoTracks() { return this.tracks.filter(t => t.kind === 'video'); }
  addTrack(track) { this.tracks.push(track); }
  removeTrack(track) { this.tracks = this.tracks.filter(t => t !== track); }
}

/** What getUserMedia opens: the tracks the constraints ask for (both without constraints), named after the device. */
export function cameraAndMicrophone(constraints = { audio: true, video: true }) {
  const label = (kind, c) => c?.deviceId?.exact ? `device ${c.deviceId.exact}` : `fake ${kind}`;
  return new FakeMediaStream([
    ...(constraints.audio ? [new FakeTrack('audio', label('audio', constraints.audio))] : []),
    ...(constraints.video ? [new FakeTrack('video', label('video', constraints.video))] : []),
  ]);
}

class FakeDataChannel {
  constructor(label, options) {
    this.label = label;
    this.options = options;
    this.readyState = 'connecting';
    this.sent = [];
    this.onopen = null;
    this.onmessage = null;
  }

  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 'closed'; }

  /** The channel opens (the peer connection is up). */
  open() {
    this.readyState = 'open';
    this.onopen?.();
  }

  receive(message) { this.onmessage?.({ data: JSON.stringify(message) }); }
}

/** Records the SDK's calls; descriptions are strings naming who made them. */
export class FakeRTCPeerConnection {
  static instances = [];
  /** Candidates "gathered" while setLocalDescription runs, as a browser starts gathering then. */
  static candidatesOnLocalDescription = [];

  constructor(configuration) {
    this.configuration = configuration;
    this.tracks = [];
    this.transceivers = [];
    this.channels = [];
    this.localDescription = null;
    this.remoteDescription = null;
    this.candidates = [];
    this.closed = false;
    this.connectionState = 'new';
    this.signalingState = 'stable';
    this.iceGatheringState = 'complete';
    /** The options of every createOffer, in order (`{iceRestart: true}` for a restart). */
    this.offers = [];
    FakeRTCPeerConnection.instances.push(this);
  }

  static reset() {
    FakeRTCPeerConnection.instances = [];
    FakeRTCPeerConnection.candidatesOnLocalDescription = [];
  }

  static last() {
    return FakeRTCPeerConnection.instances[FakeRTCPeerConnection.instances.length - 1];
  }

  addTrack(track, stream) {
    this.tracks.push({ track, stream });
    const sender = {
      track,
      dtmf: track.kind === 'audio' ? { canInsertDTMF: true, inserted: [], insertDTMF(tones, duration, gap) { this.inserted.push([tones, duration, gap]); } } : null,
      async replaceTrack(next) { this.track = next; },
    };
    this.transceivers.push({ direction: 'sendrecv', stopped: false, sender, receiver: { track: new FakeTrack(track.kind) } });
  }
  getTransceivers() { return [...this.transceivers]; }
  getSenders() { return this.transceivers.map(t => t.sender); }

  createDataChannel(label, options) {
    const channel = new FakeDataChannel(label, options);
    this.channels.push(channel);
    return channel;
  }

  async createOffer(options) {
    this.offers.push(options ?? null);
    return { type: 'offer', sdp: this.offers.length === 1 ? 'offer-sdp' : `offer-sdp-${this.offers.length}` };
  }
  async createAnswer() { return { type: 'answer', sdp: 'answer-sdp' }; }
  async setLocalDescription(description) {
    if (description.type === 'rollback') {
      this.signalingState = 'stable';
      this.rolledBack = (this.rolledBack || 0) + 1;
      return;
    }
    for (const candidate of FakeRTCPeerConnection.candidatesOnLocalDescription) this.gather(candidate);
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(description) {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async addIceCandidate(candidate) { this.candidates.push(candidate ?? null); }
  close() { this.closed = true; }

  // ---- the browser's side

  /** A local candidate was gathered (null: gathering is complete). */
  gather(candidate) {
    this.onicecandidate?.({ candidate });
  }

  /** The connection's state changes (`connecting`, `connected`, `disconnected`, `failed`, …). */
  changeState(state) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  remoteTrack(track, stream) {
    this.ontrack?.({ track, streams: stream ? [stream] : [] });
  }
}

/**
 * A fetch answering from a table: routes['GET /api/x'] = body or (request) => ({status, body}).
 * Every request is recorded in fetch.requests.
 */
export function fakeFetch(routes) {
  const requests = [];
  const fetch = async (url, options = {}) => {
    const path = new URL(url).pathname + new URL(url).search;
    const method = options.method || 'GET';
    const request = { method, path, headers: options.headers, body: options.body ? JSON.parse(options.body) : undefined };
    requests.push(request);
    const route = routes[`${method} ${path}`] ?? routes[`${method} ${new URL(url).pathname}`];
    const answer = typeof route === 'function' ? route(request) : route === undefined ? { status: 404, body: { code: 'NOT_FOUND', message: `no ${method} ${path}` } } : { status: 200, body: route };
    const status = answer.status ?? 200;
    return {
      ok: status >= 200 && status < 300, status, type: 'basic',
      text: async () => (answer.body === undefined ? '' : JSON.stringify(answer.body)),
    };
  };
  fetch.requests = requests;
  return fetch;
}

/** The window's events (`online`) and navigator.connection's (`change`), which the test fires. */
export const network = {
  window: new EventTarget(),
  connection: new EventTarget(),
  /** The browser says it is online again. */
  online() { this.window.dispatchEvent(new Event('online')); },
  /** navigator.connection reports another network (e.g. Wi-Fi to cellular). */
  change() { this.connection.dispatchEvent(new Event('change')); },
};

/** Puts the fakes where the SDK looks for the browser's classes. */
export function installBrowser({ routes = {}, media = cameraAndMicrophone } = {}) {
  FakeWebSocket.reset();
  FakeRTCPeerConnection.reset();
  globalThis.WebSocket = FakeWebSocket;
  globalThis.RTCPeerConnection = FakeRTCPeerConnection;
  globalThis.MediaStream = FakeMediaStream;
  globalThis.fetch = fakeFetch(routes);
  network.window = new EventTarget();
  network.connection = new EventTarget();
  globalThis.addEventListener = (type, handler) => network.window.addEventListener(type, handler);
  globalThis.removeEventListener = (type, handler) => network.window.removeEventListener(type, handler);
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true, writable: true,
    value: { mediaDevices: { getUserMedia: async constraints => media(constraints) }, sendBeacon: () => true, connection: network.connection },
  });
  return globalThis.fetch;
}

/** Lets pending promise callbacks (and the SDK's awaits) run. */
export async function settle(rounds = 10) {
  for (let i = 0; i < rounds; i++) await new Promise(resolve => setImmediate(resolve));
}

/** A JWT (unsigned: the SDK only reads its expiry). */
export function jwt(expSeconds) {
  const encode = value => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none' })}.${encode({ sub: 'alice-id', exp: expSeconds })}.`;
}

/** Calls `fn` with console.error/warn silenced, returning what they were given. */
export function quietConsole() {
  const logged = [];
  const original = { error: console.error, warn: console.warn };
  console.error = (...args) => logged.push(['error', ...args]);
  console.warn = (...args) => logged.push(['warn', ...args]);
  logged.restore = () => Object.assign(console, original);
  return logged;
}
