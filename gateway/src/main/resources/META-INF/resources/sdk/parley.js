/**
 * Parley JS SDK: presence, incoming-call notifications, one-to-one WebRTC calls, the echo test and
 * administration, over the Parley protocol (docs/protocol.md). ES modules without dependencies, no
 * bundler; this file is the entry point a page imports (see docs/sdk.md for the modules behind it).
 *
 *   import { Parley } from '/sdk/parley.js';
 *   const parley = new Parley();                 // same origin, the gateway session's cookie
 *   await parley.connect();                      // presence + notifications sockets
 *   parley.on('incoming_call', payload => ...);
 */
import { Emitter } from './emitter.js';
import { CallError, ParleyError } from './errors.js';
import { HttpClient } from './http.js';
import { ProtocolSocket, PROTOCOL_VERSION } from './sockets.js';
import { TokenRefresher } from './tokens.js';
import { Presence, STATUSES } from './presence.js';
import { Notifications, NOTIFICATION_PING_MS } from './notifications.js';
import { Call, Calls, DTMF } from './calls.js';
import { getLocalMedia, MEDIA_CHANNEL } from './media.js';
import { EchoTest } from './echo.js';
import { ClientConfig } from './config.js';
import { Admin } from './admin.js';

export { Emitter, ParleyError, CallError, DTMF, PROTOCOL_VERSION, STATUSES, MEDIA_CHANNEL, getLocalMedia, Call, EchoTest, Admin };

/**
 * A Parley client for one user: REST calls, the three sockets, calls, the echo test and (for
 * administrators) `admin`.
 *
 * Events: connection {socket, state}, welcome {socket, ...}, error {socket, code, message, ...},
 * status {userId, status}, incoming_call, incoming_call_closed, missed_call, progress, connect,
 * established, remote_media, media_state, media_connection, media_reconnecting, media_reconnected,
 * reconnecting, reconnected, party_reconnecting, party_reconnected, holding, held, resuming, resumed,
 * hold_error, resume_error, dtmf, device_changed, device_lost, disconnect, call_error,
 * auth_required.
 */
export class Parley extends Emitter {
  #http;
  #config;
  #sockets;
  #presence;
  #notifications;
  #calls;
  #onOnline;

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
    this.#http = new HttpClient({ baseUrl, token, onAuthRequired: payload => this.emit('auth_required', payload) });
    this.baseUrl = this.#http.baseUrl;
    this.reconnect = { minDelayMs: 1000, maxDelayMs: 30000, ...reconnect };
    /** The signed-in user's id, known after the first socket's welcome or {@link me}. */
    this.userId = null;
    this.#config = new ClientConfig(this.#http);

    const socket = (name, path, pingMs = null) => new ProtocolSocket({
      name, path, pingMs, connector: this.#http, reconnect: this.reconnect,
      onRefusedBeforeWelcome: () => this.#http.checkSession(),
    });
    this.#sockets = {
      presence: socket('presence', '/ws/presence'),
      notifications: socket('notifications', '/ws/notifications', NOTIFICATION_PING_MS),
      signaling: socket('signaling', '/ws/signaling'),
    };
    for (const s of Object.values(this.#sockets)) {
      s.on('connection', payload => this.emit('connection', payload));
      s.on('error', payload => this.emit('error', payload));
      s.on('welcome', payload => {
        if (payload.userId) this.userId = payload.userId;
        this.emit('welcome', { socket: s.name, ...payload });
      });
    }
    new TokenRefresher(this.#sockets.signaling, () => this.#http.freshToken());

    this.#presence = new Presence(this.#sockets.presence, this.#http);
    this.#notifications = new Notifications(this.#sockets.notifications, this.#http);
    this.#calls = new Calls({
      socket: this.#sockets.signaling, http: this.#http, clientConfig: () => this.clientConfig(), userId: () => this.userId,
    });
    for (const source of [this.#presence, this.#notifications, this.#calls]) {
      source.on('*', ({ type, payload }) => this.emit(type, payload));
    }
    /** Providers, WebRTC settings and the audit log (administrators only). */
    this.admin = new Admin(this.#http);

    this.#onOnline = () => Object.values(this.#sockets).forEach(s => s.retryNow());
    globalThis.addEventListener?.('online', this.#onOnline);
  }

  get usesToken() {
    return this.#http.usesToken;
  }

  /** The access token to send, or null to rely on the session cookie. */
  token() {
    return this.#http.token();
  }

  /** A current access token: from the token function, or the gateway session's (renewed when near expiry). */
  freshToken() {
    return this.#http.freshToken();
  }

  /** The calls of this client that have not ended. */
  get calls() {
    return this.#calls.list;
  }

  /** The call in progress on this client (the most recent one), or null. */
  get currentCall() {
    return this.#calls.current;
  }

  url(path) {
    return this.#http.url(path);
  }

  socketUrl(path) {
    return this.#http.socketUrl(path);
  }

  /** Resolves an avatar path of the directory (e.g. /avatars/bob.svg) against the base URL. */
  avatarUrl(avatar) {
    return this.#http.avatarUrl(avatar);
  }

  /**
   * A JSON request to the gateway. Rejects with a ParleyError carrying the server's `{code, message,
   * correlationId}` and the HTTP `status`.
   */
  fetchJson(path, options) {
    return this.#http.fetchJson(path, options);
  }

  /** Who the services think the user is: {userId, username, name, avatar, groups}. */
  async me() {
    const me = await this.#presence.me();
    this.userId = me.userId;
    return me;
  }

  /**
   * The client configuration: {providers, rtcConfiguration, turnCredentialsExpireAt, version}; cached,
   * fetched again when asked or when the relay's credentials expire within a minute.
   */
  clientConfig(options) {
    return this.#config.get(options);
  }

  /**
   * Opens the sockets a page needs; resolves when they are open (they reconnect by themselves later).
   * A call opens the signaling socket itself.
   */
  async connect({ presence = true, notifications = true, signaling = false } = {}) {
    const opening = [];
    if (presence) opening.push(this.#sockets.presence.open());
    if (notifications) opening.push(this.#sockets.notifications.open());
    if (signaling) opening.push(this.#sockets.signaling.open());
    await Promise.all(opening);
  }

  /** Closes every socket and ends nothing on the server beyond what the protocol does when a socket closes. */
  close() {
    globalThis.removeEventListener?.('online', this.#onOnline);
    for (const s of Object.values(this.#sockets)) s.close();
  }

  // ---- presence

  /** {userId, status, manualStatus} */
  getStatus() {
    return this.#presence.getStatus();
  }

  /** Chooses AVAILABLE, AWAY or DND (null clears the choice); resolves with the effective status. */
  setStatus(status) {
    return this.#presence.setStatus(status);
  }

  /**
   * Tells presence whether the user is idle on this page: an AVAILABLE user shows as AWAY while every
   * open page reports idle. Resolves with the effective status.
   */
  setIdle(idle) {
    return this.#presence.setIdle(idle);
  }

  /** The directory with live status: [{id, username, displayName, avatar, status}]. */
  directory(options) {
    return this.#presence.directory(options);
  }

  /** One user of the directory: {id, username, displayName, avatar, status}. */
  user(userId) {
    return this.#presence.user(userId);
  }

  /**
   * Watches these users (replacing the previous list): resolves with {userId: status}; later changes
   * arrive as `status` events, also after the presence socket reconnects.
   */
  watch(userIds) {
    return this.#presence.watch(userIds);
  }

  // ---- notifications

  /** {page, size, total, missedCalls: [{id, callId, caller, audio, video, reason, at, read}]} */
  missedCalls(options) {
    return this.#notifications.missedCalls(options);
  }

  markMissedCallRead(id) {
    return this.#notifications.markMissedCallRead(id);
  }

  markAllMissedCallsRead() {
    return this.#notifications.markAllMissedCallsRead();
  }

  // ---- calls

  /**
   * Calls a user: opens the camera/microphone (or uses `stream`), places the call and negotiates WebRTC
   * once answered. Resolves with the {@link Call} (state RINGING, or NEW and ended at once when the callee
   * is busy or unavailable: a `disconnect` follows). Rejects with MEDIA_BLOCKED and friends before any
   * call is placed when the devices cannot be opened.
   */
  call(userId, options) {
    return this.#calls.place(userId, options);
  }

  /**
   * Answers a ringing call on this client's signaling socket (which becomes the call's bound
   * connection). Opens the camera/microphone first; when they are blocked the call is declined and the
   * promise rejects with MEDIA_BLOCKED.
   */
  answer(callId, options) {
    return this.#calls.answer(callId, options);
  }

  /** Declines a ringing call (on the signaling socket if open, else over REST as the incoming-call popup does). */
  decline(callId) {
    return this.#calls.decline(callId);
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

  /** Webex Calling names: `dial` is {@link call}, `mute` is setAudioMuted. */
  dial(userId, options) {
    return this.call(userId, options);
  }

  mute(muted = true) {
    this.setAudioMuted(muted);
  }

  /** The call of this client that is connected (answered or established, not held), or null. */
  getConnectedCall() {
    return this.#calls.connected;
  }

  /** The calls of this client that have not ended, by id: {callId: Call} (Webex's client session to calls). */
  getActiveCalls() {
    return Object.fromEntries(this.#calls.list.map(call => [call.id, call]));
  }

  /** Holds the current call (or the one given); see Call#hold. */
  hold(callId) {
    return this.#callOrFail(callId).hold();
  }

  /** Resumes the current call (or the one given); see Call#resume. */
  resume(callId) {
    return this.#callOrFail(callId).resume();
  }

  /** Holds or resumes the current call (or the one given). */
  doHoldResume(callId) {
    return this.#callOrFail(callId).doHoldResume();
  }

  /** Sends DTMF digits in the current call (or the one given); see Call#sendDigit. */
  sendDigit(digits, options = {}) {
    return this.#callOrFail(options.callId).sendDigit(digits, options);
  }

  /** Switches microphone or camera in the current call (or options.callId's); see Call#updateMedia. */
  updateMedia(options = {}) {
    return this.#callOrFail(options.callId).updateMedia(options);
  }

  /** The microphones, cameras and speakers the browser offers: {audioinput, videoinput, audiooutput}. */
  async devices() {
    const all = await globalThis.navigator?.mediaDevices?.enumerateDevices?.() || [];
    const byKind = { audioinput: [], videoinput: [], audiooutput: [] };
    for (const d of all) byKind[d.kind]?.push({ deviceId: d.deviceId, label: d.label, kind: d.kind });
    return byKind;
  }

  #callOrFail(callId) {
    const call = callId ? this.#calls.get(callId) : this.currentCall;
    if (!call) throw new CallError({ type: 'CALL_NOT_FOUND', code: 'CALL_NOT_FOUND', callId: callId ?? null, message: 'no such call on this client' });
    return call;
  }

  /** The user's calls that are not ENDED (list_calls, or REST without a signaling socket). */
  activeCalls() {
    return this.#calls.active();
  }

  /** One call of the user (REST): {callId, caller, callee, audio, video, provider, state, endReason, ...}. */
  getCall(callId) {
    return this.#calls.getCall(callId);
  }

  /** The user's call history, newest first: {page, size, total, calls}. */
  callHistory(options) {
    return this.#calls.history(options);
  }

  // ---- echo test

  /**
   * Starts a "Test your setup" session with media-service's echo peer. Rejects with ECHO_BUSY when the
   * server runs as many echo sessions as it allows, and with MEDIA_* errors when the devices fail.
   */
  async echoTest({ audio = true, video = true, stream = null, pollMs = 1000 } = {}) {
    const config = await this.clientConfig();
    const media = stream || await getLocalMedia({ audio, video });
    return EchoTest.start({ http: this.#http, stream: media, ownsStream: !stream, rtcConfiguration: config.rtcConfiguration, pollMs });
  }
}
