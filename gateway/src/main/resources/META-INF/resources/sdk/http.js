/**
 * The gateway as the signed-in user (sdk/http.js): JSON requests to `/api/*`, the access token for
 * sockets, and the URLs of the gateway's paths.
 */
import { ParleyError } from './errors.js';

export class HttpClient {
  #token;
  #onAuthRequired;
  #checkingSession = false;

  /**
   * @param {object} options
   * @param {string} options.baseUrl where the gateway is
   * @param {string|function(): (string|Promise<string>)|null} options.token an access token, a function
   *   returning a fresh one, or null for the gateway session's cookie
   * @param {function({path: string})} [options.onAuthRequired] called when a request got 401
   */
  constructor({ baseUrl, token = null, onAuthRequired = () => {} }) {
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.#token = token;
    this.#onAuthRequired = onAuthRequired;
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
      this.#onAuthRequired({ path });
      throw new ParleyError('UNAUTHENTICATED', 'sign in first', { status: 401 });
    }
    throw new ParleyError(data?.code || `HTTP_${response.status}`, data?.message || `${method} ${path}: HTTP ${response.status}`,
      { status: response.status, correlationId: data?.correlationId, details: data });
  }

  /** Asks who the user is, so that an expired session shows as `auth_required`; one check at a time. */
  async checkSession() {
    if (this.#checkingSession) return;
    this.#checkingSession = true;
    try {
      await this.fetchJson('/api/presence/me');
    } catch (e) {
      // fetchJson reported a 401; other failures are the network's, and the socket retries.
    } finally {
      this.#checkingSession = false;
    }
  }
}
