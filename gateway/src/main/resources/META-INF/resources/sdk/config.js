/** The client configuration every signed-in user reads (sdk/config.js): providers and the RTCPeerConnection configuration. */

export class ClientConfig {
  #http;
  #cached = null;

  /** @param {import('./http.js').HttpClient} http */
  constructor(http) {
    this.#http = http;
  }

  /**
   * {providers, rtcConfiguration, turnCredentialsExpireAt, version}; cached, fetched again when asked or
   * when the relay's credentials expire within a minute.
   */
  get({ refresh = false } = {}) {
    const expires = this.#cached?.value?.turnCredentialsExpireAt;
    const stale = expires && Date.parse(expires) - Date.now() < 60000;
    if (!this.#cached || refresh || stale) {
      const promise = this.#http.fetchJson('/api/admin/client-config');
      this.#cached = { promise };
      promise.then(value => { if (this.#cached?.promise === promise) this.#cached.value = value; },
        () => { if (this.#cached?.promise === promise) this.#cached = null; });
    }
    return this.#cached.promise;
  }
}
