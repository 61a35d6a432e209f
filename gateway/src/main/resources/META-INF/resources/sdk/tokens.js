/**
 * Keeps the signaling socket's token fresh (sdk/tokens.js). The server closes a signaling socket when the
 * token it was opened with expires, and that ends the call bound to the socket. After each `welcome`, and
 * then shortly before each token's expiry, this hands the socket a fresh token of the same user
 * (`refresh_token`, docs/protocol.md).
 */

/** Ahead of a token's expiry: the gateway renews a session token in its last minute. */
export const REFRESH_LEAD_MS = 45000;
/** When the expiry is unknown or the token was not renewed yet. */
export const REFRESH_RETRY_MS = 10000;
const REFRESH_MIN_DELAY_MS = 5000;

/** A JWT's expiry (ms since the epoch) from its payload, or null when it cannot be read. */
export function tokenExpiry(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch (e) {
    return null;
  }
}

export class TokenRefresher {
  #socket;
  #freshToken;
  #timer = null;
  /** Counts connections: a refresh started for an earlier one stops when it finds a newer number. */
  #connection = 0;

  /**
   * @param {import('./sockets.js').ProtocolSocket} socket the socket to keep fresh (its welcome, close and request)
   * @param {function(): Promise<string>} freshToken a current access token of the same user
   */
  constructor(socket, freshToken) {
    this.#socket = socket;
    this.#freshToken = freshToken;
    socket.on('welcome', () => {
      // Also right after the welcome: the session may hold a newer token than the one the socket opened with.
      this.#stop();
      this.#refresh(this.#connection, null);
    });
    socket.on('close', () => this.#stop());
    socket.on('connection', ({ state }) => { if (state === 'closed') this.#stop(); });
  }

  #stop() {
    clearTimeout(this.#timer);
    this.#connection++;
  }

  async #refresh(connection, currentExpiry) {
    let expiresAt = currentExpiry;
    try {
      const token = await this.#freshToken();
      if (connection !== this.#connection || !this.#socket.isOpen) return;
      const expiry = tokenExpiry(token);
      if (currentExpiry === null || (expiry && expiry > currentExpiry)) {
        await this.#socket.request('refresh_token', { accessToken: token });
        expiresAt = expiry;
      }
    } catch (e) {
      console.warn(`Parley: could not refresh the ${this.#socket.name} token; retrying`, e);
    }
    if (connection !== this.#connection) return;
    const delayMs = expiresAt && expiresAt !== currentExpiry
      ? Math.max(REFRESH_MIN_DELAY_MS, expiresAt - Date.now() - REFRESH_LEAD_MS) : REFRESH_RETRY_MS;
    this.#timer = setTimeout(() => this.#refresh(connection, expiresAt), delayMs);
  }
}
