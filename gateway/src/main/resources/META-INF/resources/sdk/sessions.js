/**
 * The signaling session (sdk/sessions.js). Since protocol version 2 a call is bound to a signaling
 * *session*, not to a socket (docs/protocol.md, "Sessions and resume"): every signaling `welcome` opens a
 * session (`sessionId`, `resumeToken`, kept in memory only). When the socket drops while this client has
 * open calls, the server keeps them for the resume grace; the next socket's first request is `resume` with
 * the lost session and the highest `seq` seen of each call. Acknowledged, the resumed session is the
 * socket's session from then on; refused (RESUME_REFUSED), or not resumed within the grace, the calls are
 * lost and end here as FAILED.
 */

/** What a call that could not be resumed says (its `error.message`). */
export const RESUME_LOST_MESSAGE = 'the connection was lost and could not be resumed';
/** What a call says whose session another socket resumed (close code 4001). */
export const SESSION_TAKEN_MESSAGE = 'the call was taken over by another connection';
/** A call that ended while the session was away, whose end reason could not be read. */
export const ENDED_AWAY_MESSAGE = 'the call ended while the connection was lost';
/** When the welcome does not say (protocol.md's default). */
export const DEFAULT_RESUME_GRACE_SECONDS = 20;
/** After the grace, the server has surely given the calls up: this client then does too. */
const GIVE_UP_MARGIN_MS = 2000;
const SESSION_RESUMED_ELSEWHERE = 4001;

/**
 * Keeps the signaling socket's session and resumes it after a drop. It takes the socket's handshake
 * ({@link import('./sockets.js').ProtocolSocket#setHandshake}), so that `resume` is the first request on
 * a new socket and every other request waits for its answer.
 */
export class SignalingSession {
  #calls;
  #lookup;
  /** @type {{sessionId: string, resumeToken: string, graceSeconds: number}|null} */
  #current = null;
  /** The session that dropped with open calls, until it is resumed or given up. */
  #lost = null;
  #resuming = false;
  #deadline = null;

  /**
   * @param {object} options
   * @param {import('./sockets.js').ProtocolSocket} options.socket the signaling socket
   * @param {function(): import('./calls.js').Call[]} options.calls this client's calls that have not ended
   * @param {function(string): Promise<{state: string, endReason: string|null}>} options.lookup reads a call (REST)
   */
  constructor({ socket, calls, lookup }) {
    this.#calls = calls;
    this.#lookup = lookup;
    socket.setHandshake((welcome, send) => this.#welcomed(welcome, send));
    // A lost session must be resumed within its grace: no long backoff while one waits.
    socket.setUrgency(() => this.#lost !== null);
    socket.on('close', ({ code }) => this.#dropped(code));
    socket.on('connection', ({ state }) => {
      if (state === 'closed') this.#giveUp(RESUME_LOST_MESSAGE);   // closed for good: nothing will resume
    });
  }

  /** The id of the session this client's calls are bound to now (null before a welcome or while lost). */
  get sessionId() {
    return this.#current?.sessionId ?? null;
  }

  /** Whether a lost session waits to be resumed. */
  get resuming() {
    return this.#lost !== null;
  }

  #dropped(code) {
    if (this.#lost) return;   // dropped again before the resume was answered: that session is still the one
    const session = this.#current;
    this.#current = null;
    const calls = this.#calls();
    if (!session || !calls.length) return;
    if (code === SESSION_RESUMED_ELSEWHERE) {
      for (const call of calls) call.signalingLost({ code: 'SESSION_TAKEN', message: SESSION_TAKEN_MESSAGE });
      return;
    }
    this.#lost = session;
    for (const call of calls) call.signalingDropped();
    const graceMs = (session.graceSeconds ?? DEFAULT_RESUME_GRACE_SECONDS) * 1000 + GIVE_UP_MARGIN_MS;
    this.#deadline = setTimeout(() => { if (!this.#resuming) this.#giveUp(RESUME_LOST_MESSAGE); }, graceMs);
  }

  async #welcomed(welcome, send) {
    const fresh = { sessionId: welcome.sessionId, resumeToken: welcome.resumeToken, graceSeconds: welcome.resumeGraceSeconds };
    const lost = this.#lost;
    const calls = this.#calls();
    if (!lost || !calls.length) {
      this.#forgetLost();
      this.#current = fresh;
      return;
    }
    const lastSeq = Object.fromEntries(calls.map(call => [call.id, call.lastSeq]));
    let ack;
    this.#resuming = true;
    try {
      ack = await send('resume', { sessionId: lost.sessionId, resumeToken: lost.resumeToken, lastSeq });
    } catch (e) {
      if (e.code !== 'RESUME_REFUSED') throw e;   // the socket connects again and the next one resumes
      this.#current = fresh;
      this.#giveUp(RESUME_LOST_MESSAGE);
      return;
    } finally {
      this.#resuming = false;
    }
    this.#forgetLost();
    this.#current = lost;
    const open = new Set((ack.calls || []).map(call => call.callId));
    for (const call of calls) {
      if (open.has(call.id)) call.signalingResumed();
      else this.#endedAway(call);
    }
  }

  /** A call the resumed session no longer holds ended while it was away: how, REST says. */
  async #endedAway(call) {
    const details = await this.#lookup(call.id).catch(() => null);
    const reason = details?.state === 'ENDED' && details.endReason ? details.endReason : 'FAILED';
    call.signalingLost({ code: 'RESUME_REFUSED', message: ENDED_AWAY_MESSAGE, reason });
  }

  #giveUp(message) {
    if (!this.#lost) return;
    this.#forgetLost();
    for (const call of this.#calls()) call.signalingLost({ code: 'RESUME_REFUSED', message });
  }

  #forgetLost() {
    clearTimeout(this.#deadline);
    this.#lost = null;
  }
}
