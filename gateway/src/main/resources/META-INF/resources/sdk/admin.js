/**
 * Administration (sdk/admin.js): call providers, WebRTC settings and the audit log of admin-service, for
 * members of the administrators group. Every method rejects with a ParleyError {code, message, status,
 * correlationId}: 403 for anyone else, 400 naming the field, 409 for a stale version.
 */
export class Admin {
  #http;

  /** @param {import('./http.js').HttpClient} http */
  constructor(http) {
    this.#http = http;
  }

  /** [{id, name, description, enabled, version}] */
  providers() {
    return this.#http.fetchJson('/api/admin/providers');
  }

  /** Switches a provider on or off; `version` is the one read (a stale one gets 409). Resolves with the provider. */
  setProviderEnabled(id, enabled, version) {
    return this.#http.fetchJson(`/api/admin/providers/${encodeURIComponent(id)}`, { method: 'PUT', body: { enabled, version } });
  }

  /** {version, iceServers [{id, urls, username, credential, enabled}], iceTransportPolicy, bundlePolicy, iceCandidatePoolSize, useParleyTurn, parleyTurnUrls} */
  webrtcSettings() {
    return this.#http.fetchJson('/api/admin/webrtc-settings');
  }

  /** Stores the settings (with the `version` read); resolves with what is stored now. */
  saveWebrtcSettings(settings) {
    return this.#http.fetchJson('/api/admin/webrtc-settings', { method: 'PUT', body: settings });
  }

  /** The newest changes first: {entries: [{at, userId, username, resource, before, after}], ...}. */
  audit({ page = 0, size = 10 } = {}) {
    const query = new URLSearchParams({ page: String(page), size: String(size) });
    return this.#http.fetchJson(`/api/admin/audit?${query}`);
  }
}
