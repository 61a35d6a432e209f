/**
 * A call's media reports and recovery (sdk/recovery.js). Since protocol version 2 `ESTABLISHED` means
 * media: each party reports what its RTCPeerConnection does with the `media` request, and restarts ICE
 * when an established call's media drops (docs/protocol.md, "ESTABLISHED means media").
 *
 * - `connected` is reported every time the connection becomes `connected` (also after a restart);
 * - `reconnecting` once per drop of a connection that was connected: on `disconnected` or `failed`, or,
 *   for the side that restarts ICE, when the device's network changed; then `media_reconnecting` is
 *   emitted, and `media_reconnected` when it is connected again;
 * - `failed` when the connection fails before it was ever connected (the server ends the call).
 * Only the caller restarts ICE (a new offer with `iceRestart`), so that both sides never offer at once;
 * the callee answers that offer and reports.
 */
export class MediaRecovery {
  #report;
  #restart;
  #emit;
  #restarts;
  #failedReported = false;

  /**
   * @param {object} options
   * @param {function(string)} options.report sends `media` with this state
   * @param {function({force?: boolean})} options.restart restarts ICE (called on the restarting side only)
   * @param {function(string)} options.emit emits `media_reconnecting` or `media_reconnected`
   * @param {boolean} options.restarts whether this side restarts ICE (the caller)
   */
  constructor({ report, restart, emit, restarts }) {
    this.#report = report;
    this.#restart = restart;
    this.#emit = emit;
    this.#restarts = restarts;
    /** Whether the peer connection was ever connected. */
    this.connectedOnce = false;
    /** Whether the media dropped and is not back yet. */
    this.reconnecting = false;
  }

  /** The peer connection's `connectionState` changed to `state`. */
  connectionChanged(state) {
    if (state === 'connected') {
      this.connectedOnce = true;
      this.#report('connected');
      if (this.reconnecting) {
        this.reconnecting = false;
        this.#emit('media_reconnected');
      }
    } else if (state === 'disconnected' || state === 'failed') {
      if (this.connectedOnce) this.#recover();
      else if (state === 'failed' && !this.#failedReported) {
        this.#failedReported = true;
        this.#report('failed');
      }
    }
  }

  /**
   * The device's network changed (`online`, `navigator.connection` `change`); `state` is the connection's
   * state now. The restarting side restarts ICE at once; the other one waits for its connection to drop,
   * which the restarting side then sees too (a connection that stays `connected` needs no recovery).
   */
  networkChanged(state) {
    if (!this.connectedOnce) return;
    if (this.#restarts) this.#recover();
    else if (state === 'disconnected' || state === 'failed') this.#recover();
  }

  /**
   * An offer/answer exchange completed; `state` is the connection's state. A restart that kept the
   * connection `connected` throughout fires no state change: it is back.
   */
  negotiated(state) {
    if (this.reconnecting && state === 'connected') this.connectionChanged('connected');
  }

  /** The signaling session was resumed: a restart offer sent while it was away may have been lost. */
  signalingResumed() {
    if (this.reconnecting && this.#restarts) this.#restart({ force: true });
  }

  #recover() {
    if (!this.reconnecting) {
      this.reconnecting = true;
      this.#report('reconnecting');
      this.#emit('media_reconnecting');
    }
    if (this.#restarts) this.#restart({});
  }
}
