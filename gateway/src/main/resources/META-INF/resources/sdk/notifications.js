/**
 * Notifications (sdk/notifications.js): the one source of incoming calls for every page of a user
 * (`incoming_call`, closed by `incoming_call_closed`), pushed missed calls, and the missed-call REST API.
 */
import { Emitter } from './emitter.js';

/** A dead connection (laptop asleep, network gone) shows itself only when something is sent. */
export const NOTIFICATION_PING_MS = 25000;

/**
 * Events: `incoming_call` {callId, caller {id, name, avatar}, audio, video, ring, provider?},
 * `incoming_call_closed` {callId, reason}, `missed_call` (a MissedCall), and the socket's other events.
 */
export class Notifications extends Emitter {
  #http;

  /**
   * @param {import('./sockets.js').ProtocolSocket} socket the notification socket
   * @param {import('./http.js').HttpClient} http
   */
  constructor(socket, http) {
    super();
    this.#http = http;
    socket.on('message', ({ type, payload }) => this.emit(type, payload));
  }

  /** {page, size, total, missedCalls: [{id, callId, caller, audio, video, reason, at, read}]} */
  missedCalls({ unreadOnly = false, page = 0, size = 20 } = {}) {
    const query = new URLSearchParams({ unreadOnly: String(unreadOnly), page: String(page), size: String(size) });
    return this.#http.fetchJson(`/api/notification/missed-calls?${query}`);
  }

  markMissedCallRead(id) {
    return this.#http.fetchJson(`/api/notification/missed-calls/${encodeURIComponent(id)}/read`, { method: 'POST' });
  }

  markAllMissedCallsRead() {
    return this.#http.fetchJson('/api/notification/missed-calls/read-all', { method: 'POST' });
  }
}
