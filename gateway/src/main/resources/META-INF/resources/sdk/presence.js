/**
 * Presence (sdk/presence.js): the user's own status, idle/active, the directory with live status, and
 * watching users, over the presence socket (REST when it is not open).
 */
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';

/** The statuses a user may choose; the effective status may also be OFFLINE. */
export const STATUSES = Object.freeze(['AVAILABLE', 'AWAY', 'DND']);

/** Events: `status` {userId, status} (also for what changed while the socket reconnected), and the socket's other events. */
export class Presence extends Emitter {
  #socket;
  #http;
  #watched = null;
  #statuses = new Map();

  /**
   * @param {import('./sockets.js').ProtocolSocket} socket the presence socket
   * @param {import('./http.js').HttpClient} http
   */
  constructor(socket, http) {
    super();
    this.#socket = socket;
    this.#http = http;
    socket.on('welcome', () => { if (this.#watched) this.#rewatch(); });
    socket.on('message', ({ type, payload }) => {
      if (type === 'status') this.#statuses.set(payload.userId, payload.status);
      this.emit(type, payload);
    });
  }

  /** Who the services think the user is: {userId, username, name, avatar, groups}. */
  me() {
    return this.#http.fetchJson('/api/presence/me');
  }

  /** {userId, status, manualStatus} */
  getStatus() {
    return this.#http.fetchJson('/api/presence/me/status');
  }

  /** Chooses AVAILABLE, AWAY or DND (null clears the choice); resolves with the effective status. */
  async setStatus(status) {
    if (status !== null && !STATUSES.includes(status)) throw new ParleyError('INVALID_PAYLOAD', `status must be one of ${STATUSES.join(', ')} or null`);
    if (this.#socket.isOpen) return (await this.#socket.request('set_status', { status })).status;
    return (await this.#http.fetchJson('/api/presence/me/status', { method: 'PUT', body: { status } })).status;
  }

  /** idle / active on the presence socket; resolves with the effective status. */
  async setIdle(idle) {
    return (await this.#socket.request(idle ? 'idle' : 'active', {})).status;
  }

  /** The directory with live status: [{id, username, displayName, avatar, status}]. */
  directory({ search = '', limit = 100 } = {}) {
    const query = new URLSearchParams({ search, limit: String(limit) });
    return this.#http.fetchJson(`/api/presence/users?${query}`);
  }

  /** One user of the directory: {id, username, displayName, avatar, status}. */
  user(userId) {
    return this.#http.fetchJson(`/api/presence/users/${encodeURIComponent(userId)}`);
  }

  /** Watches these users (replacing the previous list): resolves with {userId: status}. */
  async watch(userIds) {
    this.#watched = [...new Set(userIds)];
    const { statuses } = await this.#socket.request('watch', { userIds: this.#watched });
    for (const [id, status] of Object.entries(statuses || {})) this.#statuses.set(id, status);
    return statuses || {};
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
}
