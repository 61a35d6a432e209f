/**
 * Calls (sdk/calls.js): one-to-one calls over the signaling socket. {@link Calls} places and answers
 * calls and hands each signaling event to its {@link Call}; a Call follows the protocol's states, drops
 * replayed events by their `seq`, and drives its WebRTC side ({@link PeerSession}) and media reports
 * ({@link MediaRecovery}). The signaling session that survives a dropped socket is sdk/sessions.js's. A
 * user's pages learn of a ringing call from the notification socket (sdk/notifications.js), never from
 * signaling.
 */
import { Emitter } from './emitter.js';
import { CallError, ParleyError } from './errors.js';
import { getLocalMedia, PeerSession, stopTracks, watchNetwork } from './media.js';
import { MediaRecovery } from './recovery.js';
import { SignalingSession } from './sessions.js';

/** Signaling events about a call that signaling no longer sends to its callee's pages; notifications do. */
const NOT_FROM_SIGNALING = new Set(['incoming_call', 'answered_elsewhere']);
/** The call events a Call makes itself (not the server), which the client passes on to its listeners. */
const SDK_CALL_EVENTS = ['remote_media', 'media_state', 'media_connection', 'media_reconnecting', 'media_reconnected',
  'reconnecting', 'reconnected', 'device_changed', 'device_lost'];
const LOCAL_END_AFTER_MS = 3000;
/** The DTMF digits and bounds of docs/protocol.md ("DTMF"): RFC 4733's, as RTCDTMFSender takes them. */
export const DTMF = Object.freeze({ digits: /^[0-9*#A-D]{1,64}$/, durationMs: [40, 6000], gapMs: [30, 6000] });

/**
 * A one-to-one call from this client: its protocol state (RINGING, ANSWERED, ESTABLISHED, ENDED), the
 * WebRTC peer connection negotiated over the signaling socket, and local and remote media.
 * Events (each payload has `callId`): progress, connect, established, remote_media, media_state,
 * media_connection, media_reconnecting, media_reconnected, reconnecting, reconnected, party_reconnecting,
 * party_reconnected, holding, held, resuming, resumed, hold_error, resume_error (with `error`: a
 * CallError), dtmf (digits the other party sent), device_changed, device_lost, call_error, disconnect
 * (with `error`: the call_error, or the SDK's own, or null).
 */
export class Call extends Emitter {
  #channel;
  #ownsStream;
  #session = null;
  #recovery = null;
  #unwatchNetwork = null;
  #queue = Promise.resolve();
  #endTimer = null;
  /** Tracks this call opened for a device switch (stopped when replaced or when the call ends). */
  #ownedTracks = new Set();

  /**
   * @param {object} options the call as the server acknowledged it, its media, and `channel`: how the call
   *   reaches signaling ({request(type, payload), sendNow(type, payload), isOpen(), endOverRest(callId, type),
   *   beacon(callId, type), userId()})
   */
  constructor({ id, direction, peer, audio, video, provider, state, localStream, ownsStream, rtcConfiguration, channel }) {
    super();
    this.#channel = channel;
    this.id = id;
    /** 'outgoing' (this client called) or 'incoming'. */
    this.direction = direction;
    /** The other party: {id, name, avatar} (name and avatar may be unknown for an outgoing call). */
    this.peer = peer;
    this.audio = audio;
    this.video = video;
    this.provider = provider;
    this.state = state || 'NEW';
    this.localStream = localStream;
    this.#ownsStream = ownsStream;
    this.rtcConfiguration = rtcConfiguration;
    /** What the other party says about its microphone and camera (media_state). */
    this.remoteMedia = { audio: true, video: !!video };
    this.audioMuted = false;
    this.videoEnabled = !!video;
    this.endReason = null;
    this.endStatus = null;
    this.endedBy = null;
    /**
     * Why the call failed, if it did: the `call_error` payload {errorType, code, message}, or the SDK's own
     * (code RESUME_REFUSED or SESSION_TAKEN, errorType `call_control`) when it ended the call itself.
     */
    this.error = null;
    /** The highest `seq` of this call's events seen so far (0: none); events at or below it are replays. */
    this.lastSeq = 0;
    /** Whether this client's signaling socket dropped and the call waits for its session to be resumed. */
    this.reconnecting = false;
    /** Whether the other party's connection dropped (party_reconnecting) and it has not come back yet. */
    this.partyReconnecting = false;
    /** Who holds the call while it is HELD (a user id), else null. */
    this.heldBy = null;
    /** A hold or resume asked for and not confirmed yet: {change: 'HOLD'|'RESUME', by, resolve, reject}. */
    this.holdPending = null;
    // The callee's side is ready before the caller's offer arrives.
    if (direction === 'incoming' && state !== 'ENDED') this.#preparePeer();
    for (const track of localStream?.getTracks() || []) this.#watchDevice(track);
  }

  get isEnded() {
    return this.state === 'ENDED';
  }

  /** Whether the media connection dropped (media_reconnecting) and is not back yet. */
  get mediaReconnecting() {
    return this.#recovery?.reconnecting ?? false;
  }

  /** @type {RTCPeerConnection|null} */
  get peerConnection() {
    return this.#session?.peerConnection ?? null;
  }

  get dataChannel() {
    return this.#session?.dataChannel ?? null;
  }

  /** @type {MediaStream|null} */
  get remoteStream() {
    return this.#session?.remoteStream ?? null;
  }

  /** Mutes or unmutes the microphone (the track keeps running, it sends silence) and tells the peer. */
  setAudioMuted(muted) {
    this.audioMuted = !!muted;
    for (const track of this.localStream?.getAudioTracks() || []) track.enabled = !muted;
    this.#session?.sendMediaState(this.#localMedia());
  }

  /**
   * Turns the camera on or off. Off disables the video track (the peer receives black frames) and tells
   * the peer over the "parley" data channel, so it can show that the camera is off.
   */
  setVideoEnabled(enabled) {
    this.videoEnabled = !!enabled && (this.localStream?.getVideoTracks().length || 0) > 0;
    for (const track of this.localStream?.getVideoTracks() || []) track.enabled = !!enabled;
    this.#session?.sendMediaState(this.#localMedia());
  }

  get isHeld() {
    return this.state === 'HELD';
  }

  /** Whether this user holds the call (false when the other party does, or nobody). */
  get heldByMe() {
    return this.isHeld && this.heldBy === this.#channel.userId();
  }

  /**
   * Holds the call: media stops both ways (a renegotiation to `inactive`). Resolves when the other party's
   * client confirmed it (`held`); rejects with a CallError: the server's refusal (INVALID_STATE: held
   * already, not established, a change in progress) or TIMEOUT when no confirmation came within 10 s (the
   * call is then as it was).
   */
  hold() {
    return this.#changeHold('hold', 'HOLD');
  }

  /** Takes a call that this user held off hold; resolves on `resumed`, rejects like {@link hold}. */
  resume() {
    return this.#changeHold('unhold', 'RESUME');
  }

  /** Holds an established call, or resumes one this user held (the Webex Calling SDK's name). */
  doHoldResume() {
    return this.isHeld ? this.resume() : this.hold();
  }

  /**
   * Sends DTMF digits (`0-9 * # A-D`): as RFC 4733 telephone-events in the media and as a signaled `dtmf`
   * event to the other party. Rejects with INVALID_PAYLOAD for other digits or out-of-bounds timing.
   * Resolves with {inMedia}: whether the browser played them into the audio too.
   */
  async sendDigit(digits, { durationMs = 100, gapMs = 70 } = {}) {
    const value = String(digits ?? '').toUpperCase();
    if (!DTMF.digits.test(value)) throw new CallError({ type: 'INVALID_PAYLOAD', code: 'INVALID_PAYLOAD', callId: this.id, message: 'digits must be 1 to 64 of 0-9 * # A B C D' });
    for (const [name, v] of [['durationMs', durationMs], ['gapMs', gapMs]]) {
      const [min, max] = DTMF[name];
      if (!Number.isInteger(v) || v < min || v > max) throw new CallError({ type: 'INVALID_PAYLOAD', code: 'INVALID_PAYLOAD', callId: this.id, message: `${name} must be between ${min} and ${max}` });
    }
    try {
      await this.#channel.request('dtmf', { callId: this.id, digits: value, durationMs, gapMs });
    } catch (e) {
      throw CallError.of(e, this.id);
    }
    return { inMedia: this.#session?.insertDtmf(value, durationMs, gapMs) ?? false };
  }

  /**
   * Switches a device mid-call without a new call: `audioDeviceId`/`videoDeviceId` open that microphone or
   * camera, or `stream` gives the tracks to send (e.g. a canvas or screen capture). The new track replaces
   * the old one in the peer connection (no renegotiation), keeps mute and camera-off, and the old track is
   * stopped when this call opened it. Emits `device_changed` {kind, deviceId, label}.
   */
  async updateMedia({ audioDeviceId = null, videoDeviceId = null, stream = null } = {}) {
    if (this.isEnded) throw new CallError({ type: 'INVALID_STATE', callId: this.id, message: 'the call has ended', errorLayer: 'media' });
    const fresh = stream || await getLocalMedia({ audio: !!audioDeviceId, video: !!videoDeviceId, audioDeviceId, videoDeviceId });
    const tracks = fresh.getTracks();
    try {
      for (const track of tracks) await this.#useTrack(track, !stream);
    } catch (e) {
      if (!stream) stopTracks(fresh);
      throw new CallError({ type: 'MEDIA_FAILED', callId: this.id, message: String(e?.message || e), errorLayer: 'media' });
    }
    return this.localStream;
  }

  async #useTrack(track, owned) {
    track.enabled = track.kind === 'audio' ? !this.audioMuted : this.videoEnabled;
    const old = await this.#preparePeer().replaceTrack(track);
    if (this.localStream) {
      for (const t of this.localStream.getTracks().filter(t => t.kind === track.kind)) this.localStream.removeTrack(t);
      this.localStream.addTrack(track);
    }
    if (old && old !== track && (this.#ownsStream || this.#ownedTracks.has(old))) old.stop();
    if (owned) this.#ownedTracks.add(track);
    this.#watchDevice(track);
    const settings = track.getSettings?.() || {};
    this.emit('device_changed', { callId: this.id, kind: track.kind, deviceId: settings.deviceId ?? null, label: track.label });
  }

  /** A device unplugged during the call: falls back to another one of the kind and says so (device_lost). */
  #watchDevice(track) {
    track.addEventListener?.('ended', async () => {
      if (this.isEnded || !this.localStream?.getTracks().includes(track)) return;
      let fallback = null;
      try {
        const media = await getLocalMedia({ audio: track.kind === 'audio', video: track.kind === 'video' });
        fallback = media.getTracks()[0];
        await this.#useTrack(fallback, true);
      } catch (e) {
        fallback = null;
      }
      this.emit('device_lost', { callId: this.id, kind: track.kind, label: track.label, fallback: fallback?.label ?? null });
    });
  }

  #changeHold(request, change) {
    if (this.holdPending) {
      return Promise.reject(new CallError({ type: 'INVALID_STATE', code: 'INVALID_STATE', callId: this.id, message: `a ${this.holdPending.change === 'HOLD' ? 'hold' : 'resume'} of this call is in progress` }));
    }
    return new Promise((resolve, reject) => {
      const pending = { change, by: this.#channel.userId(), resolve, reject };
      this.holdPending = pending;
      this.#channel.request(request, { callId: this.id }).catch(e => {
        if (this.holdPending === pending) this.holdPending = null;
        reject(CallError.of(e, this.id));
      });
    });
  }

  /** Ends the call: cancel (caller, before an answer), decline (callee, before answering) or hang up. */
  async end() {
    if (this.isEnded || !this.id) return;
    const type = this.#endRequestType();
    try {
      // While the signaling socket reconnects, REST ends the call at once instead of after the socket's wait.
      if (!this.#channel.isOpen()) throw new ParleyError('DISCONNECTED', 'the signaling socket is not open');
      await this.#channel.request(type, { callId: this.id });
    } catch (e) {
      if (e.code === 'DISCONNECTED' || e.code === 'TIMEOUT') await this.#channel.endOverRest(this.id, type).catch(() => {});
    }
    // The `disconnect` event normally follows at once; make sure the call ends here even if it does not.
    clearTimeout(this.#endTimer);
    const reason = { hangup: 'HANGUP', decline: 'DECLINED', cancel: 'CANCELLED' }[type];
    this.#endTimer = setTimeout(() => this.#ended({ callId: this.id, reason, status: null, endedBy: this.#channel.userId(), local: true }), LOCAL_END_AFTER_MS);
  }

  /**
   * Ends the call without waiting, for `pagehide`/`beforeunload`: the request goes out on the socket and,
   * with a session (no token), as a beacon to the REST API too. A page that closes must do this: the
   * server keeps a call whose socket closed without `hangup` for the resume grace (a lost connection).
   */
  endNow() {
    if (this.isEnded || !this.id) return;
    const type = this.#endRequestType();
    this.#channel.sendNow(type, { callId: this.id });
    this.#channel.beacon(this.id, type);
  }

  /**
   * A signaling event of this call (progress, connect, established, sdp, ice, end_of_candidates,
   * party_reconnecting, party_reconnected, call_error, disconnect), in the order the socket received them.
   * Returns false for an event whose `seq` was seen already (replayed after a resume), which it ignores.
   * A `disconnect` with `local: true` is the client's own.
   */
  receive(type, payload) {
    const seq = payload?.seq;
    if (Number.isInteger(seq)) {
      if (seq <= this.lastSeq) return false;
      this.lastSeq = seq;
    }
    if (type === 'disconnect') {
      this.#ended(payload);
      return true;
    }
    if (type === 'call_error') {
      // At once, not behind media work: the disconnect that follows it ends the call with this reason.
      if (this.isEnded) return true;
      this.error = payload;
      this.emit('call_error', payload);
      return true;
    }
    this.#queue = this.#queue.then(() => this.#process(type, payload)).catch(e => {
      // A disconnect does not wait for media work in progress; what that work meets afterwards is no error.
      if (this.isEnded) return;
      console.error(`Parley: handling ${type} of call ${this.id} failed`, e);
      this.emit('call_error', { callId: this.id, errorType: 'media', code: 'CLIENT_MEDIA_ERROR', message: String(e?.message || e) });
    });
    return true;
  }

  /** For sdk/sessions.js: the signaling socket dropped; the call goes on while the session is resumed. */
  signalingDropped() {
    if (this.isEnded || this.reconnecting) return;
    this.reconnecting = true;
    this.emit('reconnecting', { callId: this.id });
  }

  /** For sdk/sessions.js: the session was resumed on a new socket (the events missed follow). */
  signalingResumed() {
    if (this.isEnded) return;
    const was = this.reconnecting;
    this.reconnecting = false;
    if (was) this.emit('reconnected', { callId: this.id });
    this.#recovery?.signalingResumed();
  }

  /**
   * For sdk/sessions.js: the call cannot go on here (its session could not be resumed, or it ended while
   * the session was away); ends it locally with `reason` (FAILED, with `error` {errorType:
   * 'call_control', code, message}, unless the call's end reason is known).
   */
  signalingLost({ code, message, reason = 'FAILED', endedBy = null }) {
    if (this.isEnded) return;
    if (reason === 'FAILED') this.error = { callId: this.id, errorType: 'call_control', code, message };
    this.#ended({ callId: this.id, reason, status: null, endedBy, local: true });
  }

  #endRequestType() {
    if (this.state === 'NEW' || this.state === 'RINGING') return this.direction === 'outgoing' ? 'cancel' : 'decline';
    return 'hangup';
  }

  async #process(type, payload) {
    if (this.isEnded) return;
    switch (type) {
      case 'progress':
        this.state = payload.state || 'RINGING';
        this.emit('progress', payload);
        break;
      case 'connect':
        this.state = 'ANSWERED';
        this.emit('connect', payload);
        if (this.direction === 'outgoing') await this.#preparePeer().sendOffer();
        else this.#preparePeer();
        break;
      case 'established':
        this.state = 'ESTABLISHED';
        this.emit('established', payload);
        break;
      case 'sdp':
        await this.#preparePeer().receiveDescription(payload);
        break;
      case 'ice':
        await this.#preparePeer().receiveCandidate({ candidate: payload.candidate, sdpMid: payload.sdpMid, sdpMLineIndex: payload.sdpMLineIndex });
        break;
      case 'end_of_candidates':
        await this.#preparePeer().receiveCandidate(null);
        break;
      case 'party_reconnecting':
        this.partyReconnecting = true;
        this.emit(type, payload);
        break;
      case 'party_reconnected':
        this.partyReconnecting = false;
        this.emit(type, payload);
        break;
      case 'holding':
      case 'resuming':
        this.emit(type, payload);
        // The holding party renegotiates (also when it asked over REST, or on another page of its own).
        if (payload.by === this.#channel.userId()) await this.#preparePeer().setHeld(type === 'holding');
        break;
      case 'held':
        this.state = 'HELD';
        this.heldBy = payload.by;
        this.#settleHold('HOLD', null);
        this.emit('held', payload);
        break;
      case 'resumed':
        this.state = 'ESTABLISHED';
        this.heldBy = null;
        this.#settleHold('RESUME', null);
        this.emit('resumed', payload);
        break;
      case 'hold_error':
      case 'resume_error': {
        const error = new CallError({ type: payload.errorType, callId: this.id, message: payload.message });
        if (payload.by === this.#channel.userId()) await this.#preparePeer().revertHold(type === 'resume_error');
        this.#settleHold(type === 'hold_error' ? 'HOLD' : 'RESUME', error);
        this.emit(type, { ...payload, error });
        break;
      }
      default:
        this.emit(type, payload);
    }
  }

  #settleHold(change, error) {
    const pending = this.holdPending;
    if (!pending || pending.change !== change) return;
    this.holdPending = null;
    if (error) pending.reject(error);
    else pending.resolve(this);
  }

  #localMedia() {
    return { audio: !this.audioMuted, video: this.videoEnabled };
  }

  /** The peer connection with the local tracks and the media-state channel (created once). */
  #preparePeer() {
    if (this.#session) return this.#session;
    const session = new PeerSession({ rtcConfiguration: this.rtcConfiguration, localStream: this.localStream, localMedia: () => this.#localMedia() });
    this.#session = session;
    session.on('signal', ({ type, payload }) => {
      this.#channel.request(type, { callId: this.id, ...payload }).catch(e => {
        if (!this.isEnded) console.warn(`Parley: ${type} for call ${this.id} refused`, e);
      });
    });
    session.on('remote_media', event => this.emit('remote_media', { callId: this.id, ...event }));
    session.on('media_state', state => {
      this.remoteMedia = state;
      this.emit('media_state', { callId: this.id, ...state });
    });
    const recovery = new MediaRecovery({
      restarts: this.direction === 'outgoing',
      report: state => this.#channel.request('media', { callId: this.id, state }).catch(e => {
        if (!this.isEnded) console.warn(`Parley: media ${state} for call ${this.id} refused`, e);
      }),
      restart: options => session.restartIce(options).catch(e => {
        if (!this.isEnded) console.warn(`Parley: ICE restart of call ${this.id} failed`, e);
      }),
      emit: type => this.emit(type, { callId: this.id }),
    });
    this.#recovery = recovery;
    session.on('media_connection', ({ state }) => {
      if (this.isEnded) return;
      this.emit('media_connection', { callId: this.id, state });
      recovery.connectionChanged(state);
    });
    session.on('negotiated', ({ state }) => { if (!this.isEnded) recovery.negotiated(state); });
    this.#unwatchNetwork = watchNetwork(() => {
      if (!this.isEnded) recovery.networkChanged(session.peerConnection.connectionState);
    });
    return session;
  }

  /** Ends the call here: releases media and tells the listeners (once). */
  #ended(payload) {
    if (this.isEnded) return;
    clearTimeout(this.#endTimer);
    this.state = 'ENDED';
    this.endReason = payload.reason || 'FAILED';
    this.endStatus = payload.status ?? null;
    this.endedBy = payload.endedBy ?? null;
    this.reconnecting = false;
    if (this.holdPending) {
      this.holdPending.reject(new CallError({ type: 'INVALID_STATE', code: 'INVALID_STATE', callId: this.id, message: 'the call ended' }));
      this.holdPending = null;
    }
    if (this.#ownsStream) stopTracks(this.localStream);
    for (const track of this.#ownedTracks) track.stop();
    this.#unwatchNetwork?.();
    this.#session?.close();
    this.emit('disconnect', { ...payload, callId: this.id, reason: this.endReason, error: this.error });
  }
}

/**
 * The client's calls over the signaling socket. Passes on the signaling socket's events except
 * `incoming_call` and `answered_elsewhere` (incoming calls come from notifications only) and replayed
 * call events (by `seq`), plus each call's SDK events (remote_media, media_state, media_connection,
 * media_reconnecting, media_reconnected, reconnecting, reconnected) and its local `disconnect`
 * (`local: true`).
 */
export class Calls extends Emitter {
  #socket;
  #http;
  #clientConfig;
  #channel;
  #calls = new Map();
  #unclaimed = new Map();

  /**
   * @param {object} options
   * @param {import('./sockets.js').ProtocolSocket} options.socket the signaling socket
   * @param {import('./http.js').HttpClient} options.http
   * @param {function(): Promise<{rtcConfiguration: object}>} options.clientConfig
   * @param {function(): string|null} options.userId the signed-in user's id, once known
   */
  constructor({ socket, http, clientConfig, userId }) {
    super();
    this.#socket = socket;
    this.#http = http;
    this.#clientConfig = clientConfig;
    this.#channel = {
      request: (type, payload) => socket.request(type, payload),
      sendNow: (type, payload) => socket.sendNow(type, payload),
      isOpen: () => socket.isOpen,
      endOverRest: (callId, type) => http.fetchJson(endPath(callId, type), { method: 'POST' }),
      beacon: (callId, type) => {
        if (!http.usesToken && globalThis.navigator?.sendBeacon) navigator.sendBeacon(http.url(endPath(callId, type)));
      },
      userId,
    };
    socket.on('message', ({ type, payload }) => this.#route(type, payload));
    /** The signaling session: resumed with this client's calls after the socket drops. */
    this.session = new SignalingSession({ socket, calls: () => this.list, lookup: callId => this.getCall(callId) });
  }

  /** The calls of this client that have not ended. */
  get list() {
    return [...this.#calls.values()];
  }

  /** The call in progress on this client (the most recent one), or null. */
  get current() {
    const calls = this.list;
    return calls.length ? calls[calls.length - 1] : null;
  }

  /** The call of this client that is connected (answered or established, not held), or null. */
  get connected() {
    return this.list.find(call => call.state === 'ANSWERED' || call.state === 'ESTABLISHED') ?? null;
  }

  get(callId) {
    return this.#calls.get(callId) ?? null;
  }

  /** Places a call; see Parley#call. */
  async place(userId, { audio = true, video = true, provider = 'webrtc', stream = null } = {}) {
    await this.#socket.open();
    const config = await this.#clientConfig();
    const media = stream || await getLocalMedia({ audio, video });
    let ack;
    try {
      ack = await this.#socket.request('call', { calleeId: userId, audio, video, provider });
    } catch (e) {
      if (!stream) stopTracks(media);
      throw e;
    }
    // A call refused at once (BUSY, UNAVAILABLE) is acknowledged as ENDED; its `disconnect` follows with the reason.
    return this.#adopt(new Call({
      id: ack.callId, direction: 'outgoing', peer: { id: userId, name: null, avatar: null }, audio, video, provider,
      state: ack.state === 'ENDED' ? 'NEW' : ack.state, localStream: media, ownsStream: !stream,
      rtcConfiguration: config.rtcConfiguration, channel: this.#channel,
    }));
  }

  /** Answers a ringing call on this client's signaling socket; see Parley#answer. */
  async answer(callId, { audio, video, stream = null } = {}) {
    await this.#socket.open();
    const [details, config] = await Promise.all([this.getCall(callId), this.#clientConfig()]);
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
    let ack;
    try {
      ack = await this.#socket.request('answer', { callId });
    } catch (e) {
      if (!stream) stopTracks(media);
      throw e;
    }
    return this.#adopt(new Call({
      id: callId, direction: 'incoming', peer: details.caller, audio: wantAudio, video: wantVideo,
      provider: details.provider, state: ack.state === 'ENDED' ? 'RINGING' : ack.state, localStream: media,
      ownsStream: !stream, rtcConfiguration: config.rtcConfiguration, channel: this.#channel,
    }));
  }

  /** Declines a ringing call (on the signaling socket if open, else over REST as the incoming-call popup does). */
  decline(callId) {
    if (this.#socket.isOpen) return this.#socket.request('decline', { callId });
    return this.#http.fetchJson(endPath(callId, 'decline'), { method: 'POST' });
  }

  /** The user's calls that are not ENDED (list_calls, or REST without a signaling socket). */
  async active() {
    if (this.#socket.isOpen) return (await this.#socket.request('list_calls', {})).calls;
    const result = await this.#http.fetchJson('/api/signaling/calls/active');
    return Array.isArray(result) ? result : result?.calls || [];
  }

  /** One call of the user (REST): {callId, caller, callee, audio, video, provider, state, endReason, ...}. */
  getCall(callId) {
    return this.#http.fetchJson(`/api/signaling/calls/${encodeURIComponent(callId)}`);
  }

  /** The user's call history, newest first: {page, size, total, calls}. */
  history({ page = 0, size = 20 } = {}) {
    return this.#http.fetchJson(`/api/signaling/calls?page=${page}&size=${size}`);
  }

  #route(type, payload) {
    if (NOT_FROM_SIGNALING.has(type)) return;
    if (payload?.callId) {
      const call = this.#calls.get(payload.callId);
      if (call) {
        if (!call.receive(type, payload)) return;   // a replayed event this client has seen
      } else this.#keepUnclaimed(payload.callId, type, payload);
    }
    this.emit(type, payload);
  }

  #keepUnclaimed(callId, type, payload) {
    // Events may arrive before the reply that tells this client the call's id has been handled.
    if (!this.#unclaimed.has(callId)) this.#unclaimed.set(callId, []);
    this.#unclaimed.get(callId).push([type, payload]);
    if (this.#unclaimed.size > 50) this.#unclaimed.delete(this.#unclaimed.keys().next().value);
  }

  #adopt(call) {
    this.#calls.set(call.id, call);
    for (const event of SDK_CALL_EVENTS) call.on(event, payload => this.emit(event, payload));
    call.on('disconnect', payload => {
      if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
      if (payload.local) this.emit('disconnect', payload);
    });
    const waiting = this.#unclaimed.get(call.id) || [];
    this.#unclaimed.delete(call.id);
    for (const [type, payload] of waiting) call.receive(type, payload);
    return call;
  }
}

function endPath(callId, type) {
  return `/api/signaling/calls/${encodeURIComponent(callId)}/${type === 'decline' ? 'decline' : 'hangup'}`;
}
