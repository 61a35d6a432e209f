/**
 * Parley JS SDK: presence, incoming-call notifications, one-to-one WebRTC calls and the echo test, over
 * the Parley protocol (docs/protocol.md). An ES module without dependencies; see docs/sdk.md.
 *
 *   import { Parley } from '/sdk/parley.js';
 *   const parley = new Parley();                 // same origin, the gateway session's cookie
 *   await parley.connect();                      // presence + notifications sockets
 *   parley.on('incoming_call', payload => ...);
 */

/** Protocol version this SDK speaks (the `welcome` of /ws/signaling announces the server's). */
export const PROTOCOL_VERSION = 1;

/** The statuses a user may choose; the effective status may also be OFFLINE. */
export const STATUSES = Object.freeze(['AVAILABLE', 'AWAY', 'DND']);

/**
 * The data channel both peers open (negotiated, id 0) to tell each other their microphone and camera
 * state, which the signaling protocol does not carry: {"type":"media_state","audio":bool,"video":bool}.
 */
export const MEDIA_CHANNEL = Object.freeze({ label: 'parley', id: 0 });

const REQUEST_TIMEOUT_MS = 15000;
const NOTIFICATION_PING_MS = 25000;

/** An error with the protocol's stable code, as sockets and REST report them (`{code, message, correlationId}`). */
export class ParleyError extends Error {
  constructor(code, message, { status = null, correlationId = null, cause = null, details = null } = {}) {
    super(message || code);
    this.name = 'ParleyError';
    this.code = code;
    this.status = status;
    this.correlationId = correlationId;
    this.details = details;
    if (cause) this.cause = cause;
  }
}

/** Minimal event emitter: `on` returns a function that removes the handler; `'*'` receives every event. */
export class Emitter {
  #handlers = new Map();

  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.off(type, handler);
  }

  once(type, handler) {
    const off = this.on(type, payload => { off(); handler(payload); });
    return off;
  }

  off(type, handler) {
    this.#handlers.get(type)?.delete(handler);
  }

  emit(type, payload) {
    for (const handler of [...(this.#handlers.get(type) || [])]) this.#call(handler, payload);
    for (const handler of [...(this.#handlers.get('*') || [])]) this.#call(handler, { type, payload });
  }

  #call(handler, payload) {
    try {
      handler(payload);
    } catch (e) {
      // A faulty handler must not stop the others nor the SDK's own bookkeeping.
      console.error('Parley event handler failed', e);
    }
  }
}

/**
 * Opens the camera and/or microphone. Rejects with a ParleyError: MEDIA_BLOCKED (permission refused),
 * MEDIA_NOT_FOUND (no such device), MEDIA_BUSY (device in use elsewhere) or MEDIA_UNSUPPORTED.
 */
export async function getLocalMedia({ audio = true, video = true } = {}) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new ParleyError('MEDIA_UNSUPPORTED', 'This browser cannot use a camera or microphone here (it needs HTTPS or localhost).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: !!audio,
      video: video ? { width: { ideal: 1280 }, height: { ideal: 720 } } : false,
    });
  } catch (e) {
    if (e.name === 'NotAllowedError' || e.name === 'SecurityError') {
      throw new ParleyError('MEDIA_BLOCKED', 'Camera or microphone access is blocked.', { cause: e });
    }
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') {
      throw new ParleyError('MEDIA_NOT_FOUND', video ? 'No camera or microphone was found.' : 'No microphone was found.', { cause: e });
    }
    if (e.name === 'NotReadableError' || e.name === 'AbortError') {
      throw new ParleyError('MEDIA_BUSY', 'The camera or microphone is in use by another application.', { cause: e });
    }
    throw new ParleyError('MEDIA_FAILED', `Could not open the camera or microphone: ${e.message || e.name}`, { cause: e });
  }
}

/**
 * One of the client's sockets (/ws/signaling, /ws/presence, /ws/notifications): requests with replies,
 * server events, and reconnection with backoff after a drop or a token expiry (close code 1008).
 */
class ProtocolSocket extends Emitter {
  #client;
  #path;
  #ws = null;
  #pending = new Map();
  #counter = 0;
  #attempt = 0;
  #timer = null;
  #ping = null;
  #wanted = false;
  #welcomed = false;
  #refresh = null;
  #waiters = [];

  constructor(client, name, path) {
    super();
    this.#client = client;
    this.name = name;
    this.#path = path;
    /** 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' */
    this.state = 'idle';
    /** The last `welcome` payload. */
    this.welcome = null;
  }

  get isOpen() {
    return this.state === 'open';
  }

  /** Connects (once) and resolves with the `welcome` payload; keeps reconnecting until {@link close}. */
  open() {
    this.#wanted = true;
    if (this.state === 'idle' || this.state === 'closed') this.#connect();
    return this.ready();
  }

  /** Resolves with the `welcome` payload once the socket is open; rejects after `timeoutMs` or on close(). */
  ready(timeoutMs = REQUEST_TIMEOUT_MS) {
    if (this.isOpen) return Promise.resolve(this.welcome);
    if (!this.#wanted) return Promise.reject(new ParleyError('DISCONNECTED', `the ${this.name} socket is not open`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      waiter.timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter(w => w !== waiter);
        reject(new ParleyError('DISCONNECTED', `could not connect to ${this.#path}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  close() {
    this.#wanted = false;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    clearTimeout(this.#refresh);
    this.#settleWaiters(new ParleyError('DISCONNECTED', `the ${this.name} socket was closed`));
    if (this.#ws) {
      const ws = this.#ws;
      this.#ws = null;
      ws.onclose = null;
      ws.close(1000, 'closed by the client');
    }
    this.#rejectPending(new ParleyError('DISCONNECTED', `the ${this.name} socket was closed`));
    this.#setState('closed');
  }

  /** Sends a request; resolves with the `ack` payload, rejects with a ParleyError from `error`. */
  async request(type, payload = {}, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
    await this.ready(timeoutMs);
    const id = `${this.name[0]}-${++this.#counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ParleyError('TIMEOUT', `no reply to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, type });
      this.#ws.send(JSON.stringify({ id, type, payload }));
    });
  }

  /** Sends a request without waiting (e.g. while the page unloads). Returns false when the socket is not open. */
  sendNow(type, payload = {}) {
    if (!this.isOpen) return false;
    this.#ws.send(JSON.stringify({ id: `${this.name[0]}-${++this.#counter}`, type, payload }));
    return true;
  }

  /** Reconnects now if a reconnection is waiting (e.g. the browser came back online). */
  retryNow() {
    if (this.#wanted && this.state === 'reconnecting') {
      clearTimeout(this.#timer);
      this.#connect();
    }
  }

  async #connect() {
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let protocols;
    try {
      const token = await this.#client.token();
      // Browsers cannot set headers on the upgrade: the token travels in the subprotocol list (docs/protocol.md).
      if (token) protocols = ['bearer-token-carrier', `quarkus-http-upgrade#Authorization#Bearer%20${token}`];
    } catch (e) {
      console.warn(`Parley: no token for ${this.#path}`, e);
      this.#scheduleReconnect(null);
      return;
    }
    if (!this.#wanted) return;
    let ws;
    try {
      ws = new WebSocket(this.#client.socketUrl(this.#path), protocols);
    } catch (e) {
      console.error(`Parley: cannot open ${this.#path}`, e);
      this.#scheduleReconnect(null);
      return;
    }
    this.#ws = ws;
    this.#welcomed = false;
    ws.onmessage = event => this.#receive(event.data);
    ws.onclose = event => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      clearInterval(this.#ping);
      clearTimeout(this.#refresh);
      this.#rejectPending(new ParleyError('DISCONNECTED', `the ${this.name} socket closed (${event.code})`));
      const wasWelcomed = this.#welcomed;
      this.emit('close', { code: event.code, reason: event.reason, welcomed: wasWelcomed });
      if (!wasWelcomed) this.#client._checkSession();
      if (this.#wanted) this.#scheduleReconnect(event);
      else this.#setState('closed');
    };
  }

  #scheduleReconnect(event) {
    const { minDelayMs, maxDelayMs } = this.#client.reconnect;
    // 1008 "Authentication expired": the gateway session (or the token function) has a fresh token by now.
    const expired = event && event.code === 1008;
    const base = expired ? minDelayMs / 2 : Math.min(maxDelayMs, minDelayMs * 2 ** this.#attempt);
    const delayMs = Math.round(base * (0.5 + Math.random() / 2));
    this.#attempt++;
    this.#setState('reconnecting', { code: event?.code ?? null, reason: event?.reason ?? '', delayMs });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), delayMs);
  }

  #receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      console.warn(`Parley: unreadable message on ${this.#path}`, text);
      return;
    }
    const { id, type, payload } = message;
    if ((type === 'ack' || type === 'error') && id && this.#pending.has(id)) {
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      if (type === 'ack') pending.resolve(payload || {});
      else pending.reject(new ParleyError(payload?.code || 'INTERNAL', payload?.message, { correlationId: payload?.correlationId }));
      return;
    }
    if (type === 'ack') return;
    if (type === 'welcome') {
      this.welcome = payload;
      this.#welcomed = true;
      this.#attempt = 0;
      this.#setState('open');
      this.#settleWaiters(null, payload);
      if (this.name === 'notifications') this.#startPing();
      if (this.name === 'signaling') this.#keepTokenFresh(null);
    }
    this.emit(type, payload || {});
  }

  /**
   * The server closes a signaling socket when the token it was opened with expires, and that ends the call
   * bound to the socket. Shortly before expiry this hands the socket a fresh token of the same user
   * (`refresh_token`, docs/protocol.md): from the token function, or from the gateway session
   * (`POST /api/gateway/token`, which refreshes the session's tokens when they are close to expiry).
   */
  async #keepTokenFresh(currentExpiry) {
    clearTimeout(this.#refresh);
    const ws = this.#ws;
    let expiresAt = currentExpiry;
    try {
      const token = await this.#client.freshToken();
      if (this.#ws !== ws || !this.isOpen) return;
      const expiry = tokenExpiry(token);
      // Also right after the welcome: the session may hold a newer token than the one the socket opened with.
      if (currentExpiry === null || (expiry && expiry > currentExpiry)) {
        await this.request('refresh_token', { accessToken: token });
        expiresAt = expiry;
      }
    } catch (e) {
      console.warn('Parley: could not refresh the signaling token; retrying', e);
    }
    if (this.#ws !== ws) return;
    // 45 s before expiry (the gateway renews a session token in its last minute), or in 10 s when unknown
    // or not renewed yet.
    const delayMs = expiresAt && expiresAt !== currentExpiry ? Math.max(5000, expiresAt - Date.now() - 45000) : 10000;
    this.#refresh = setTimeout(() => this.#keepTokenFresh(expiresAt), delayMs);
  }

  #startPing() {
    clearInterval(this.#ping);
    // A dead connection (laptop asleep, network gone) shows itself only when something is sent.
    this.#ping = setInterval(() => {
      this.request('ping', {}, { timeoutMs: 10000 }).catch(() => {
        if (this.#ws && this.isOpen) this.#ws.close(4000, 'ping timeout');
      });
    }, NOTIFICATION_PING_MS);
  }

  #settleWaiters(error, welcome) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      if (error) w.reject(error);
      else w.resolve(welcome);
    }
  }

  #rejectPending(error) {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  #setState(state, extra = {}) {
    if (this.state === state && state !== 'reconnecting') return;
    this.state = state;
    this.#client.emit('connection', { socket: this.name, state, ...extra });
  }
}

/**
 * A one-to-one call from this client: its protocol state (RINGING, ANSWERED, ESTABLISHED, ENDED), the
 * WebRTC peer connection negotiated over the signaling socket, and local and remote media.
 * Events (each payload has `callId`): progress, connect, established, remote_media, media_state,
 * media_connection, call_error, disconnect.
 */
export class Call extends Emitter {
  #client;
  #ownsStream;
  #queue = Promise.resolve();
  #localSdpSent = false;
  #outgoingCandidates = [];
  #remoteCandidates = [];
  #endTimer = null;

  constructor(client, { id = null, direction, peer, audio, video, provider, stream, ownsStream, rtcConfiguration, state }) {
    super();
    this.#client = client;
    this.id = id;
    /** 'outgoing' (this client called) or 'incoming'. */
    this.direction = direction;
    /** The other party: {id, name, avatar} (name and avatar may be unknown for an outgoing call). */
    this.peer = peer;
    this.audio = audio;
    this.video = video;
    this.provider = provider;
    this.state = state || 'NEW';
    this.localStream = stream;
    this.#ownsStream = ownsStream;
    this.rtcConfiguration = rtcConfiguration;
    this.remoteStream = null;
    /** @type {RTCPeerConnection|null} */
    this.peerConnection = null;
    this.dataChannel = null;
    /** What the other party says about its microphone and camera (media_state). */
    this.remoteMedia = { audio: true, video: !!video };
    this.audioMuted = false;
    this.videoEnabled = !!video;
    this.endReason = null;
    this.endStatus = null;
    this.endedBy = null;
    /** The `call_error` payload of a failed call, if any. */
    this.error = null;
  }

  get isEnded() {
    return this.state === 'ENDED';
  }

  /** Mutes or unmutes the microphone (the track keeps running, it sends silence) and tells the peer. */
  setAudioMuted(muted) {
    this.audioMuted = !!muted;
    for (const track of this.localStream?.getAudioTracks() || []) track.enabled = !muted;
    this.#sendMediaState();
  }

  /**
   * Turns the camera on or off. Off disables the video track (the peer receives black frames) and tells
   * the peer over the "parley" data channel, so it can show that the camera is off.
   */
  setVideoEnabled(enabled) {
    this.videoEnabled = !!enabled && (this.localStream?.getVideoTracks().length || 0) > 0;
    for (const track of this.localStream?.getVideoTracks() || []) track.enabled = !!enabled;
    this.#sendMediaState();
  }

  /** Ends the call: cancel (caller, before an answer), decline (callee, before answering) or hang up. */
  async end() {
    if (this.isEnded || !this.id) return;
    const type = this.#endRequestType();
    try {
      await this.#client._signaling.request(type, { callId: this.id });
    } catch (e) {
      if (e.code === 'DISCONNECTED' || e.code === 'TIMEOUT') {
        await this.#client._endOverRest(this.id, type).catch(() => {});
      }
    }
    // The `disconnect` event normally follows at once; make sure the call ends here even if it does not.
    clearTimeout(this.#endTimer);
    this.#endTimer = setTimeout(() => this._ended({ callId: this.id, reason: type === 'hangup' ? 'HANGUP' : type === 'decline' ? 'DECLINED' : 'CANCELLED', status: null, endedBy: this.#client.userId, local: true }), 3000);
  }

  /**
   * Ends the call without waiting, for `pagehide`/`beforeunload`: the request goes out on the socket and,
   * with a session (no token), as a beacon to the REST API too. The server also ends a call whose bound
   * socket closes.
   */
  endNow() {
    if (this.isEnded || !this.id) return;
    const type = this.#endRequestType();
    this.#client._signaling.sendNow(type, { callId: this.id });
    if (!this.#client.usesToken && navigator.sendBeacon) {
      navigator.sendBeacon(this.#client.url(`/api/signaling/calls/${encodeURIComponent(this.id)}/${type === 'decline' ? 'decline' : 'hangup'}`));
    }
  }

  #endRequestType() {
    if (this.state === 'NEW' || this.state === 'RINGING') return this.direction === 'outgoing' ? 'cancel' : 'decline';
    return 'hangup';
  }

  /** Called by the client for each signaling event of this call; handled one after another. */
  _handle(type, payload) {
    this.#queue = this.#queue.then(() => this.#process(type, payload)).catch(e => {
      console.error(`Parley: handling ${type} of call ${this.id} failed`, e);
      this.emit('call_error', { callId: this.id, errorType: 'media', code: 'CLIENT_MEDIA_ERROR', message: String(e?.message || e) });
    });
  }

  async #process(type, payload) {
    if (this.isEnded && type !== 'disconnect') return;
    switch (type) {
      case 'progress':
        this.state = payload.state || 'RINGING';
        this.emit('progress', payload);
        break;
      case 'connect':
        this.state = 'ANSWERED';
        this.emit('connect', payload);
        if (this.direction === 'outgoing') await this.#sendOffer();
        else this._preparePeer();
        break;
      case 'established':
        this.state = 'ESTABLISHED';
        this.emit('established', payload);
        break;
      case 'sdp':
        await this.#receiveSdp(payload);
        break;
      case 'ice':
        await this.#receiveCandidate({ candidate: payload.candidate, sdpMid: payload.sdpMid, sdpMLineIndex: payload.sdpMLineIndex });
        break;
      case 'end_of_candidates':
        await this.#receiveCandidate(null);
        break;
      case 'call_error':
        this.error = payload;
        this.emit('call_error', payload);
        break;
      case 'disconnect':
        this._ended(payload);
        break;
      default:
        this.emit(type, payload);
    }
  }

  /** Creates the peer connection with the local tracks and the media-state channel (once). */
  _preparePeer() {
    if (this.peerConnection) return this.peerConnection;
    const pc = new RTCPeerConnection(this.rtcConfiguration || {});
    this.peerConnection = pc;
    for (const track of this.localStream?.getTracks() || []) pc.addTrack(track, this.localStream);
    const channel = pc.createDataChannel(MEDIA_CHANNEL.label, { negotiated: true, id: MEDIA_CHANNEL.id });
    this.dataChannel = channel;
    channel.onopen = () => this.#sendMediaState();
    channel.onmessage = event => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message?.type === 'media_state') {
        this.remoteMedia = { audio: message.audio !== false, video: message.video !== false };
        this.emit('media_state', { callId: this.id, ...this.remoteMedia });
      }
    };
    pc.onicecandidate = event => {
      const c = event.candidate;
      if (c && !c.candidate) return;
      const message = c ? ['ice', { callId: this.id, candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex }]
        : ['end_of_candidates', { callId: this.id }];
      if (this.#localSdpSent) this.#signal(...message);
      else this.#outgoingCandidates.push(message);
    };
    pc.ontrack = event => {
      if (!this.remoteStream) this.remoteStream = event.streams[0] || new MediaStream();
      if (!this.remoteStream.getTracks().includes(event.track)) this.remoteStream.addTrack(event.track);
      this.emit('remote_media', { callId: this.id, stream: this.remoteStream, track: event.track, kind: event.track.kind });
    };
    pc.onconnectionstatechange = () => this.emit('media_connection', { callId: this.id, state: pc.connectionState });
    return pc;
  }

  async #sendOffer() {
    const pc = this._preparePeer();
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await this.#sendLocalDescription();
  }

  async #receiveSdp({ sdpType, sdp }) {
    const pc = this._preparePeer();
    await pc.setRemoteDescription({ type: sdpType, sdp });
    for (const candidate of this.#remoteCandidates.splice(0)) await this.#addCandidate(candidate);
    if (sdpType === 'offer') {
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await this.#sendLocalDescription();
    }
  }

  async #sendLocalDescription() {
    const description = this.peerConnection.localDescription;
    // Requests of one socket are handled in order: candidates sent after this follow the SDP.
    this.#signal('sdp', { callId: this.id, sdpType: description.type, sdp: description.sdp });
    this.#localSdpSent = true;
    for (const message of this.#outgoingCandidates.splice(0)) this.#signal(...message);
  }

  async #receiveCandidate(candidate) {
    if (!this.peerConnection?.remoteDescription) {
      this.#remoteCandidates.push(candidate);
      return;
    }
    await this.#addCandidate(candidate);
  }

  async #addCandidate(candidate) {
    try {
      if (candidate) await this.peerConnection.addIceCandidate(candidate);
      else await this.peerConnection.addIceCandidate();
    } catch (e) {
      // A candidate the browser cannot use (e.g. an address family it lacks) is not a reason to fail the call.
      console.warn('Parley: ICE candidate not added', e);
    }
  }

  #signal(type, payload) {
    this.#client._signaling.request(type, payload).catch(e => {
      if (!this.isEnded) console.warn(`Parley: ${type} for call ${this.id} refused`, e);
    });
  }

  #sendMediaState() {
    if (this.dataChannel?.readyState === 'open') {
      this.dataChannel.send(JSON.stringify({ type: 'media_state', audio: !this.audioMuted, video: this.videoEnabled }));
    }
  }

  /** Ends the call locally: releases media and tells the listeners (once). */
  _ended(payload) {
    if (this.isEnded) return;
    clearTimeout(this.#endTimer);
    this.state = 'ENDED';
    this.endReason = payload.reason || 'FAILED';
    this.endStatus = payload.status ?? null;
    this.endedBy = payload.endedBy ?? null;
    if (this.#ownsStream) for (const track of this.localStream?.getTracks() || []) track.stop();
    try { this.dataChannel?.close(); } catch (e) { /* already closed */ }
    try { this.peerConnection?.close(); } catch (e) { /* already closed */ }
    this.#client._forget(this);
    this.emit('disconnect', { ...payload, callId: this.id, reason: this.endReason });
  }
}

/**
 * The "Test your setup" session against media-service's echo peer: what the camera and microphone send
 * comes back, with a report of what the server received. Events: remote_media, report, ended.
 */
export class EchoTest extends Emitter {
  #client;
  #ownsStream;
  #poll = null;
  #deadline = null;

  constructor(client, stream, ownsStream) {
    super();
    this.#client = client;
    this.localStream = stream;
    this.#ownsStream = ownsStream;
    this.id = null;
    this.maxDurationSeconds = null;
    this.remoteStream = null;
    /** @type {RTCPeerConnection|null} */
    this.peerConnection = null;
    /** 'starting' | 'connecting' | 'connected' | 'ended' */
    this.state = 'starting';
    this.lastReport = null;
    this.endReason = null;
  }

  async _start(rtcConfiguration, pollMs) {
    const pc = new RTCPeerConnection(rtcConfiguration || {});
    this.peerConnection = pc;
    for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
    pc.ontrack = event => {
      if (!this.remoteStream) this.remoteStream = event.streams[0] || new MediaStream();
      if (!this.remoteStream.getTracks().includes(event.track)) this.remoteStream.addTrack(event.track);
      this.emit('remote_media', { stream: this.remoteStream, track: event.track, kind: event.track.kind });
    };
    // The echo peer does not trickle: the offer goes out with every candidate in it.
    const gathered = waitForIceGathering(pc, 10000);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered;
    let created;
    try {
      created = await this.#client.fetchJson('/api/media/echo', { method: 'POST', body: { sdp: pc.localDescription.sdp } });
    } catch (e) {
      if (e.status === 503 && !e.code.startsWith('ECHO')) e.code = 'ECHO_BUSY';
      throw e;
    }
    this.id = created.id;
    this.maxDurationSeconds = created.maxDurationSeconds ?? null;
    this.state = 'connecting';
    await pc.setRemoteDescription({ type: 'answer', sdp: created.sdp });
    this.#poll = setInterval(() => this.report().catch(() => {}), pollMs);
    if (this.maxDurationSeconds) {
      this.#deadline = setTimeout(() => this.stop('TIME_LIMIT'), (this.maxDurationSeconds + 5) * 1000);
    }
  }

  /** The server's report: {id, state, endReason, video:{...}, audio:{...}, roundTripTimeMs}. */
  async report() {
    if (!this.id || this.state === 'ended') return this.lastReport;
    let report;
    try {
      report = await this.#client.fetchJson(`/api/media/echo/${encodeURIComponent(this.id)}`);
    } catch (e) {
      // The server forgets a session some time after it ended.
      if (e.status === 404) this.#finish(this.lastReport?.endReason || 'ENDED');
      throw e;
    }
    if (this.state === 'ended') return report;
    this.lastReport = report;
    if (report.state === 'connected' || report.state === 'connecting') this.state = report.state;
    this.emit('report', report);
    if (report.state === 'ended') this.#finish(report.endReason || 'ENDED');
    return report;
  }

  /** Ends the test on the server and releases the camera and microphone. */
  async stop(reason = 'STOPPED') {
    if (this.state === 'ended') return;
    const id = this.id;
    this.#finish(reason);
    if (id) await this.#client.fetchJson(`/api/media/echo/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => {});
  }

  #finish(reason) {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endReason = reason;
    this._cleanup();
    this.emit('ended', { id: this.id, endReason: reason, report: this.lastReport });
  }

  _cleanup() {
    clearInterval(this.#poll);
    clearTimeout(this.#deadline);
    if (this.#ownsStream) for (const track of this.localStream?.getTracks() || []) track.stop();
    try { this.peerConnection?.close(); } catch (e) { /* already closed */ }
  }
}

/**
 * Resolves when ICE gathering completes, or when no new candidate came for `quietMs` after the first one
 * (an unreachable STUN server otherwise holds gathering back for many seconds), or after `timeoutMs`.
 */
function waitForIceGathering(pc, timeoutMs, quietMs = 1500) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    let quiet = null;
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      clearTimeout(quiet);
      pc.removeEventListener('icegatheringstatechange', check);
      pc.removeEventListener('icecandidate', candidate);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    function candidate(event) {
      if (!event.candidate) return done();
      clearTimeout(quiet);
      quiet = setTimeout(done, quietMs);
    }
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', candidate);
  });
}

/**
 * A Parley client for one user: REST calls, the three sockets, calls and the echo test.
 *
 * Events: connection {socket, state}, welcome {socket, ...}, status {userId, status}, incoming_call,
 * incoming_call_closed, missed_call, answered_elsewhere, progress, connect, established, remote_media,
 * media_state, disconnect, call_error, auth_required.
 */
/** A JWT's expiry (ms since the epoch) from its payload, or null when it cannot be read. */
function tokenExpiry(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch (e) {
    return null;
  }
}

export class Parley extends Emitter {
  #token;
  #calls = new Map();
  #unclaimed = new Map();
  #watched = null;
  #statuses = new Map();
  #seenIncoming = new Set();
  #config = null;
  #checkingSession = false;

  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl] where the gateway is (default: this page's origin)
   * @param {string|function(): (string|Promise<string>)} [options.token] an access token, or a function
   *   returning a fresh one; without it the browser's gateway session (cookie) is used
   * @param {{minDelayMs?: number, maxDelayMs?: number}} [options.reconnect] socket reconnection backoff
   */
  constructor({ baseUrl = globalThis.location?.origin, token = null, reconnect = {} } = {}) {
    super();
    if (!baseUrl) throw new ParleyError('INVALID_PAYLOAD', 'baseUrl is required outside a browser page');
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.#token = token;
    this.reconnect = { minDelayMs: 1000, maxDelayMs: 30000, ...reconnect };
    /** The signed-in user's id, known after the first socket's welcome or {@link me}. */
    this.userId = null;
    this._presence = new ProtocolSocket(this, 'presence', '/ws/presence');
    this._notifications = new ProtocolSocket(this, 'notifications', '/ws/notifications');
    this._signaling = new ProtocolSocket(this, 'signaling', '/ws/signaling');
    this.#wireSockets();
    this._onOnline = () => [this._presence, this._notifications, this._signaling].forEach(s => s.retryNow());
    globalThis.addEventListener?.('online', this._onOnline);
  }

  get usesToken() {
    return !!this.#token;
  }

  /** The access token to send, or null to rely on the session cookie. */
  async token() {
    return typeof this.#token === 'function' ? await this.#token() : this.#token;
  }

  /** A current access token: from the token function, or the gateway session's (renewed when near expiry). */
  async freshToken() {
    if (this.usesToken) return this.token();
    const { accessToken } = await this.fetchJson('/api/gateway/token', { method: 'POST' });
    return accessToken;
  }

  /** The calls of this client that have not ended. */
  get calls() {
    return [...this.#calls.values()];
  }

  /** The call in progress on this client (the most recent one), or null. */
  get currentCall() {
    const calls = this.calls;
    return calls.length ? calls[calls.length - 1] : null;
  }

  url(path) {
    return this.baseUrl + path;
  }

  socketUrl(path) {
    return this.url(path).replace(/^http/, 'ws');
  }

  /** Resolves an avatar path of the directory (e.g. /avatars/bob.svg) against the base URL. */
  avatarUrl(avatar) {
    if (!avatar) return null;
    return /^(https?:|data:|blob:)/.test(avatar) ? avatar : this.url(avatar.startsWith('/') ? avatar : `/${avatar}`);
  }

  /**
   * A JSON request to the gateway. Rejects with a ParleyError carrying the server's `{code, message,
   * correlationId}` and the HTTP `status`.
   */
  async fetchJson(path, { method = 'GET', body, keepalive = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(this.url(path), {
        method, headers, keepalive,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: token ? 'omit' : 'same-origin',
        redirect: 'manual',
      });
    } catch (e) {
      throw new ParleyError('NETWORK', `${method} ${path} failed: ${e.message}`, { cause: e });
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (response.ok) return data;
    if (response.type === 'opaqueredirect' || response.status === 401) {
      this.emit('auth_required', { path });
      throw new ParleyError('UNAUTHENTICATED', 'sign in first', { status: 401 });
    }
    throw new ParleyError(data?.code || `HTTP_${response.status}`, data?.message || `${method} ${path}: HTTP ${response.status}`,
      { status: response.status, correlationId: data?.correlationId, details: data });
  }

  /** Who the services think the user is: {userId, username, name, avatar, groups}. */
  async me() {
    const me = await this.fetchJson('/api/presence/me');
    this.userId = me.userId;
    return me;
  }

  /**
   * The client configuration: {providers, rtcConfiguration, turnCredentialsExpireAt, version}; cached,
   * fetched again when asked or when the relay's credentials expire within a minute.
   */
  async clientConfig({ refresh = false } = {}) {
    const expires = this.#config?.value?.turnCredentialsExpireAt;
    const stale = expires && Date.parse(expires) - Date.now() < 60000;
    if (!this.#config || refresh || stale) {
      const promise = this.fetchJson('/api/admin/client-config');
      this.#config = { promise };
      promise.then(value => { if (this.#config?.promise === promise) this.#config.value = value; },
        () => { if (this.#config?.promise === promise) this.#config = null; });
    }
    return this.#config.promise;
  }

  /**
   * Opens the sockets a page needs; resolves when they are open (they reconnect by themselves later).
   * A call opens the signaling socket itself.
   */
  async connect({ presence = true, notifications = true, signaling = false } = {}) {
    const opening = [];
    if (presence) opening.push(this._presence.open());
    if (notifications) opening.push(this._notifications.open());
    if (signaling) opening.push(this._signaling.open());
    await Promise.all(opening);
  }

  /** Closes every socket and ends nothing on the server beyond what the protocol does when a socket closes. */
  close() {
    globalThis.removeEventListener?.('online', this._onOnline);
    this._presence.close();
    this._notifications.close();
    this._signaling.close();
  }

  // ---- presence

  /** {userId, status, manualStatus} */
  getStatus() {
    return this.fetchJson('/api/presence/me/status');
  }

  /** Chooses AVAILABLE, AWAY or DND (null clears the choice); resolves with the effective status. */
  async setStatus(status) {
    if (status !== null && !STATUSES.includes(status)) throw new ParleyError('INVALID_PAYLOAD', `status must be one of ${STATUSES.join(', ')} or null`);
    if (this._presence.isOpen) return (await this._presence.request('set_status', { status })).status;
    return (await this.fetchJson('/api/presence/me/status', { method: 'PUT', body: { status } })).status;
  }

  /**
   * Tells presence whether the user is idle on this page: an AVAILABLE user shows as AWAY while every
   * open page reports idle. Resolves with the effective status.
   */
  async setIdle(idle) {
    return (await this._presence.request(idle ? 'idle' : 'active', {})).status;
  }

  /** The directory with live status: [{id, username, displayName, avatar, status}]. */
  directory({ search = '', limit = 100 } = {}) {
    const query = new URLSearchParams({ search, limit: String(limit) });
    return this.fetchJson(`/api/presence/users?${query}`);
  }

  /** One user of the directory: {id, username, displayName, avatar, status}. */
  user(userId) {
    return this.fetchJson(`/api/presence/users/${encodeURIComponent(userId)}`);
  }

  /**
   * Watches these users (replacing the previous list): resolves with {userId: status}; later changes
   * arrive as `status` events, also after the presence socket reconnects.
   */
  async watch(userIds) {
    this.#watched = [...new Set(userIds)];
    const { statuses } = await this._presence.request('watch', { userIds: this.#watched });
    for (const [id, status] of Object.entries(statuses || {})) this.#statuses.set(id, status);
    return statuses || {};
  }

  // ---- notifications

  /** {page, size, total, missedCalls: [{id, callId, caller, audio, video, reason, at, read}]} */
  missedCalls({ unreadOnly = false, page = 0, size = 20 } = {}) {
    const query = new URLSearchParams({ unreadOnly: String(unreadOnly), page: String(page), size: String(size) });
    return this.fetchJson(`/api/notification/missed-calls?${query}`);
  }

  markMissedCallRead(id) {
    return this.fetchJson(`/api/notification/missed-calls/${encodeURIComponent(id)}/read`, { method: 'POST' });
  }

  markAllMissedCallsRead() {
    return this.fetchJson('/api/notification/missed-calls/read-all', { method: 'POST' });
  }

  // ---- calls

  /**
   * Calls a user: opens the camera/microphone (or uses `stream`), places the call and negotiates WebRTC
   * once answered. Resolves with the {@link Call} (state RINGING, or ENDED at once when the callee is
   * busy or unavailable: a `disconnect` follows). Rejects with MEDIA_BLOCKED and friends before any call
   * is placed when the devices cannot be opened.
   */
  async call(userId, { audio = true, video = true, provider = 'webrtc', stream = null } = {}) {
    await this._signaling.open();
    const config = await this.clientConfig();
    const media = stream || await getLocalMedia({ audio, video });
    const call = new Call(this, {
      direction: 'outgoing', peer: { id: userId, name: null, avatar: null }, audio, video, provider,
      stream: media, ownsStream: !stream, rtcConfiguration: config.rtcConfiguration,
    });
    let ack;
    try {
      ack = await this._signaling.request('call', { calleeId: userId, audio, video, provider });
    } catch (e) {
      if (!stream) media.getTracks().forEach(t => t.stop());
      throw e;
    }
    call.id = ack.callId;
    // A call refused at once (BUSY, UNAVAILABLE) is acknowledged as ENDED; its `disconnect` follows with the reason.
    if (ack.state !== 'ENDED') call.state = ack.state;
    this.#adopt(call);
    return call;
  }

  /**
   * Answers a ringing call on this client's signaling socket (which becomes the call's bound
   * connection). Opens the camera/microphone first; when they are blocked the call is declined and the
   * promise rejects with MEDIA_BLOCKED.
   */
  async answer(callId, { audio, video, stream = null } = {}) {
    await this._signaling.open();
    const [details, config] = await Promise.all([this.getCall(callId), this.clientConfig()]);
    if (details.state !== 'RINGING') {
      throw new ParleyError('INVALID_STATE', `the call is ${details.state}`, { details });
    }
    const wantAudio = audio ?? details.audio;
    const wantVideo = video ?? details.video;
    let media = stream;
    if (!media) {
      try {
        media = await getLocalMedia({ audio: wantAudio, video: wantVideo });
      } catch (e) {
        await this.decline(callId).catch(() => {});
        throw e;
      }
    }
    const call = new Call(this, {
      id: callId, direction: 'incoming', peer: details.caller, audio: wantAudio, video: wantVideo,
      provider: details.provider, stream: media, ownsStream: !stream, rtcConfiguration: config.rtcConfiguration,
      state: 'RINGING',
    });
    this.#adopt(call);
    try {
      const ack = await this._signaling.request('answer', { callId });
      if (ack.state !== 'ENDED') call.state = ack.state;
    } catch (e) {
      this._forget(call);
      if (!stream) media.getTracks().forEach(t => t.stop());
      throw e;
    }
    call._preparePeer();
    return call;
  }

  /** Declines a ringing call (on the signaling socket if open, else over REST as the incoming-call popup does). */
  async decline(callId) {
    if (this._signaling.isOpen) return this._signaling.request('decline', { callId });
    return this.fetchJson(`/api/signaling/calls/${encodeURIComponent(callId)}/decline`, { method: 'POST' });
  }

  /** Ends the current call (or the one given). */
  async end(callId) {
    const call = callId ? this.#calls.get(callId) : this.currentCall;
    if (call) await call.end();
  }

  setAudioMuted(muted) {
    this.currentCall?.setAudioMuted(muted);
  }

  setVideoEnabled(enabled) {
    this.currentCall?.setVideoEnabled(enabled);
  }

  /** The user's calls that are not ENDED (list_calls, or REST without a signaling socket). */
  async activeCalls() {
    if (this._signaling.isOpen) return (await this._signaling.request('list_calls', {})).calls;
    const result = await this.fetchJson('/api/signaling/calls/active');
    return Array.isArray(result) ? result : result?.calls || [];
  }

  /** One call of the user (REST): {callId, caller, callee, audio, video, provider, state, endReason, ...}. */
  getCall(callId) {
    return this.fetchJson(`/api/signaling/calls/${encodeURIComponent(callId)}`);
  }

  /** The user's call history, newest first: {page, size, total, calls}. */
  callHistory({ page = 0, size = 20 } = {}) {
    return this.fetchJson(`/api/signaling/calls?page=${page}&size=${size}`);
  }

  // ---- echo test

  /**
   * Starts a "Test your setup" session with media-service's echo peer. Rejects with ECHO_BUSY when the
   * server runs as many echo sessions as it allows, and with MEDIA_* errors when the devices fail.
   */
  async echoTest({ audio = true, video = true, stream = null, pollMs = 1000 } = {}) {
    const config = await this.clientConfig();
    const media = stream || await getLocalMedia({ audio, video });
    const test = new EchoTest(this, media, !stream);
    try {
      await test._start(config.rtcConfiguration, pollMs);
    } catch (e) {
      await test.stop('FAILED');
      throw e;
    }
    return test;
  }

  // ---- internals

  #wireSockets() {
    for (const socket of [this._presence, this._notifications, this._signaling]) {
      socket.on('*', ({ type, payload }) => this.#route(socket, type, payload));
    }
    this._signaling.on('close', () => {
      // The server ends the calls bound to a closed signaling socket (FAILED); end them here too.
      for (const call of this.calls) {
        if (call.state !== 'NEW' && !(call.direction === 'incoming' && call.state === 'RINGING')) {
          call._ended({ callId: call.id, reason: 'FAILED', status: 500, endedBy: null, local: true });
        }
      }
    });
  }

  #route(socket, type, payload) {
    if (type === 'close') return;
    if (type === 'welcome') {
      if (payload.userId) this.userId = payload.userId;
      if (socket === this._presence && this.#watched) this.#rewatch();
      this.emit('welcome', { socket: socket.name, ...payload });
      return;
    }
    if (type === 'status') this.#statuses.set(payload.userId, payload.status);
    if (type === 'incoming_call') {
      // Both the signaling and the notification socket announce a ringing call: tell the app once.
      if (this.#seenIncoming.has(payload.callId)) return;
      this.#seenIncoming.add(payload.callId);
      if (this.#seenIncoming.size > 200) this.#seenIncoming.delete(this.#seenIncoming.values().next().value);
    }
    if (socket === this._signaling && payload?.callId && type !== 'incoming_call' && type !== 'answered_elsewhere') {
      const call = this.#calls.get(payload.callId);
      if (call) call._handle(type, payload);
      else this.#keepUnclaimed(payload.callId, type, payload);
    }
    this.emit(type, payload);
  }

  async #rewatch() {
    try {
      const previous = new Map(this.#statuses);
      const statuses = await this.watch(this.#watched);
      for (const [userId, status] of Object.entries(statuses)) {
        if (previous.get(userId) !== status) this.emit('status', { userId, status });
      }
    } catch (e) {
      console.warn('Parley: watching again after reconnecting failed', e);
    }
  }

  #keepUnclaimed(callId, type, payload) {
    // Events may arrive before the reply that tells this client the call's id has been handled.
    if (!this.#unclaimed.has(callId)) this.#unclaimed.set(callId, []);
    this.#unclaimed.get(callId).push([type, payload]);
    if (this.#unclaimed.size > 50) this.#unclaimed.delete(this.#unclaimed.keys().next().value);
  }

  #adopt(call) {
    this.#calls.set(call.id, call);
    // Protocol events reach the client's listeners from the socket; these the SDK makes itself.
    for (const event of ['remote_media', 'media_state', 'media_connection']) call.on(event, payload => this.emit(event, payload));
    call.on('disconnect', payload => { if (payload.local) this.emit('disconnect', payload); });
    const waiting = this.#unclaimed.get(call.id) || [];
    this.#unclaimed.delete(call.id);
    for (const [type, payload] of waiting) call._handle(type, payload);
  }

  _forget(call) {
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
  }

  _endOverRest(callId, type) {
    return this.fetchJson(`/api/signaling/calls/${encodeURIComponent(callId)}/${type === 'decline' ? 'decline' : 'hangup'}`, { method: 'POST' });
  }

  async _checkSession() {
    // A socket refused before its welcome is often an expired session (the upgrade got 401).
    if (this.#checkingSession) return;
    this.#checkingSession = true;
    try {
      await this.fetchJson('/api/presence/me');
    } catch (e) {
      // fetchJson emitted auth_required on 401; other failures are the network's, and the socket retries.
    } finally {
      this.#checkingSession = false;
    }
  }
}
