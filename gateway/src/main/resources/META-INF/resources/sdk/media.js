/**
 * Media (sdk/media.js): the camera and microphone, and a call's WebRTC side: the RTCPeerConnection with
 * trickle ICE in the order the protocol needs, the remote stream, and the media-state data channel.
 */
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';

/**
 * The data channel both peers open (negotiated, id 0) to tell each other their microphone and camera
 * state, which the signaling protocol does not carry: {"type":"media_state","audio":bool,"video":bool}.
 */
export const MEDIA_CHANNEL = Object.freeze({ label: 'parley', id: 0 });

/**
 * Opens the camera and/or microphone (these devices, when `audioDeviceId`/`videoDeviceId` are given). Rejects with a ParleyError: MEDIA_BLOCKED (permission refused),
 * MEDIA_NOT_FOUND (no such device), MEDIA_BUSY (device in use elsewhere) or MEDIA_UNSUPPORTED.
 */
export async function getLocalMedia({ audio = true, video = true, audioDeviceId = null, videoDeviceId = null } = {}) {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new ParleyError('MEDIA_UNSUPPORTED', 'This browser cannot use a camera or microphone here (it needs HTTPS or localhost).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: audio ? (audioDeviceId ? { deviceId: { exact: audioDeviceId } } : true) : false,
      video: video ? { width: { ideal: 1280 }, height: { ideal: 720 }, ...(videoDeviceId ? { deviceId: { exact: videoDeviceId } } : {}) } : false,
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

/** Stops every track of a stream (the camera light goes off). */
export function stopTracks(stream) {
  for (const track of stream?.getTracks() || []) track.stop();
}

/**
 * Collects the tracks a peer connection receives into one stream and calls `onTrack({stream, track, kind})`
 * for each; returns a function giving the stream so far (null before the first track).
 */
export function collectRemoteTracks(pc, onTrack) {
  let stream = null;
  pc.ontrack = event => {
    if (!stream) stream = event.streams[0] || new MediaStream();
    if (!stream.getTracks().includes(event.track)) stream.addTrack(event.track);
    onTrack({ stream, track: event.track, kind: event.track.kind });
  };
  return () => stream;
}

/**
 * Calls `onChange()` when the device's network may have changed: the window's `online` event and
 * `navigator.connection`'s `change` (where the browser has it). Returns a function that stops watching.
 */
export function watchNetwork(onChange) {
  const connection = globalThis.navigator?.connection;
  globalThis.addEventListener?.('online', onChange);
  connection?.addEventListener?.('change', onChange);
  return () => {
    globalThis.removeEventListener?.('online', onChange);
    connection?.removeEventListener?.('change', onChange);
  };
}

/**
 * A call's WebRTC connection. It tells its owner what to send over signaling as `signal` events
 * {type: 'sdp'|'ice'|'end_of_candidates', payload} (without callId): each local description first, then
 * the candidates gathered meanwhile. Remote candidates that arrive before the remote description are kept
 * until it is set. An offer may come again while the call is up (a renegotiation: the caller's ICE
 * restart); it is answered like the first one. Other events: remote_media {stream, track, kind},
 * media_state {audio, video} (what the other side says over the data channel), media_connection {state},
 * negotiated {state} once an offer/answer exchange is complete here (`state`: the connectionState then).
 */
export class PeerSession extends Emitter {
  #localStream;
  #localMedia;
  #remoteStream;
  #localSdpSent = false;
  #outgoing = [];
  #remoteCandidates = [];

  /**
   * @param {object} options
   * @param {RTCConfiguration} [options.rtcConfiguration]
   * @param {MediaStream} options.localStream the tracks to send
   * @param {function(): {audio: boolean, video: boolean}} options.localMedia what to tell the peer when the channel opens
   */
  constructor({ rtcConfiguration, localStream, localMedia }) {
    super();
    this.#localStream = localStream;
    this.#localMedia = localMedia;
    const pc = new globalThis.RTCPeerConnection(rtcConfiguration || {});
    /** @type {RTCPeerConnection} */
    this.peerConnection = pc;
    for (const track of localStream?.getTracks() || []) pc.addTrack(track, localStream);
    const channel = pc.createDataChannel(MEDIA_CHANNEL.label, { negotiated: true, id: MEDIA_CHANNEL.id });
    this.dataChannel = channel;
    channel.onopen = () => this.sendMediaState(this.#localMedia());
    channel.onmessage = event => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message?.type === 'media_state') {
        this.emit('media_state', { audio: message.audio !== false, video: message.video !== false });
      }
    };
    pc.onicecandidate = event => {
      const c = event.candidate;
      if (c && !c.candidate) return;
      const signal = c ? { type: 'ice', payload: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } }
        : { type: 'end_of_candidates', payload: {} };
      if (this.#localSdpSent) this.emit('signal', signal);
      else this.#outgoing.push(signal);
    };
    this.#remoteStream = collectRemoteTracks(pc, event => this.emit('remote_media', event));
    pc.onconnectionstatechange = () => this.emit('media_connection', { state: pc.connectionState });
  }

  /** The stream of the tracks received so far, or null. */
  get remoteStream() {
    return this.#remoteStream();
  }

  /** Creates and signals the offer (the caller, once answered). */
  async sendOffer(options = undefined) {
    const pc = this.peerConnection;
    const offer = await pc.createOffer(options);
    this.#localSdpSent = false;   // the candidates of this description go after it
    await pc.setLocalDescription(offer);
    this.#sendLocalDescription();
  }

  /**
   * Restarts ICE (the caller only, so that both sides never offer at once): a new offer with
   * `iceRestart`, signalled as `sdp`. Skipped while an offer of this side waits for its answer, unless
   * `force` (that offer was lost, e.g. with the signaling socket). Resolves with whether it offered.
   */
  async restartIce({ force = false } = {}) {
    const state = this.peerConnection.signalingState;
    if (!force && state && state !== 'stable') return false;
    await this.sendOffer({ iceRestart: true });
    return true;
  }

  /**
   * Holds (`inactive`) or resumes (`sendrecv`) the media: every transceiver's direction changes and a new
   * offer is signalled (docs/protocol.md, "Hold and resume"); the other side's answer completes it.
   */
  async setHeld(held) {
    for (const transceiver of this.peerConnection.getTransceivers()) {
      if (!transceiver.stopped) transceiver.direction = held ? 'inactive' : 'sendrecv';
    }
    await this.sendOffer();
  }

  /**
   * Undoes a hold or resume whose answer never came: the offer is rolled back and the directions are
   * what they were (`held`: whether the call was held before it).
   */
  async revertHold(held) {
    const pc = this.peerConnection;
    if (pc.signalingState === 'have-local-offer') {
      try { await pc.setLocalDescription({ type: 'rollback' }); } catch (e) { /* nothing to roll back */ }
    }
    for (const transceiver of pc.getTransceivers()) {
      if (!transceiver.stopped) transceiver.direction = held ? 'inactive' : 'sendrecv';
    }
  }

  /**
   * Plays DTMF digits as RFC 4733 telephone-events on the audio sender; false when the call sends no
   * audio or the browser cannot (yet) insert tones.
   */
  insertDtmf(digits, durationMs, gapMs) {
    const sender = this.peerConnection.getSenders().find(s => s.track?.kind === 'audio' && s.dtmf);
    if (!sender || sender.dtmf.canInsertDTMF === false) return false;
    sender.dtmf.insertDTMF(digits, durationMs, gapMs);
    return true;
  }

  /**
   * Sends `track` instead of the current track of its kind, without renegotiation (replaceTrack);
   * resolves with the track it replaced (or null).
   */
  async replaceTrack(track) {
    const sender = this.peerConnection.getSenders().find(s => s.track?.kind === track.kind)
      || this.peerConnection.getTransceivers().find(t => t.receiver.track?.kind === track.kind && !t.stopped)?.sender;
    if (!sender) throw new Error(`this call negotiated no ${track.kind}`);
    const old = sender.track;
    await sender.replaceTrack(track);
    return old;
  }

  /** Sets the other side's description; an offer is answered at once. */
  async receiveDescription({ sdpType, sdp }) {
    const pc = this.peerConnection;
    await pc.setRemoteDescription({ type: sdpType, sdp });
    for (const candidate of this.#remoteCandidates.splice(0)) await this.#addCandidate(candidate);
    if (sdpType === 'offer') {
      const answer = await pc.createAnswer();
      this.#localSdpSent = false;
      await pc.setLocalDescription(answer);
      this.#sendLocalDescription();
    }
    this.emit('negotiated', { state: pc.connectionState });
  }

  /** A remote candidate ({candidate, sdpMid, sdpMLineIndex}), or null for the end of candidates. */
  async receiveCandidate(candidate) {
    if (!this.peerConnection.remoteDescription) {
      this.#remoteCandidates.push(candidate);
      return;
    }
    await this.#addCandidate(candidate);
  }

  /** Tells the peer the microphone and camera state, once the data channel is open. */
  sendMediaState({ audio, video }) {
    if (this.dataChannel.readyState === 'open') {
      this.dataChannel.send(JSON.stringify({ type: 'media_state', audio, video }));
    }
  }

  close() {
    try { this.dataChannel.close(); } catch (e) { /* already closed */ }
    try { this.peerConnection.close(); } catch (e) { /* already closed */ }
  }

  #sendLocalDescription() {
    const description = this.peerConnection.localDescription;
    // Requests of one socket are handled in order: candidates sent after this follow the SDP.
    this.emit('signal', { type: 'sdp', payload: { sdpType: description.type, sdp: description.sdp } });
    this.#localSdpSent = true;
    for (const signal of this.#outgoing.splice(0)) this.emit('signal', signal);
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
}

/**
 * Resolves when ICE gathering completes, or when no new candidate came for `quietMs` after the first one
 * (an unreachable STUN server otherwise holds gathering back for many seconds), or after `timeoutMs`.
 */
export function waitForIceGathering(pc, timeoutMs, quietMs = 1500) {
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
