/**
 * The "Test your setup" session against media-service's echo peer (sdk/echo.js): what the camera and
 * microphone send comes back, with a report of what the server received.
 */
import { Emitter } from './emitter.js';
import { collectRemoteTracks, stopTracks, waitForIceGathering } from './media.js';

/** Events: remote_media {stream, track, kind}, report (the server's report), ended {id, endReason, report}. */
export class EchoTest extends Emitter {
  #http;
  #ownsStream;
  #remoteStream = () => null;
  #poll = null;
  #deadline = null;

  /**
   * Starts a session: posts the offer once ICE gathering is done and sets the answer. Rejects (after
   * releasing everything) with ECHO_BUSY when the server runs as many sessions as it allows.
   *
   * @param {object} options
   * @param {import('./http.js').HttpClient} options.http
   * @param {MediaStream} options.stream the camera and microphone
   * @param {boolean} options.ownsStream whether stopping the test stops the stream's tracks
   * @param {RTCConfiguration} [options.rtcConfiguration]
   * @param {number} [options.pollMs] how often to fetch the report
   */
  static async start({ http, stream, ownsStream, rtcConfiguration, pollMs = 1000 }) {
    const test = new EchoTest(http, stream, ownsStream);
    try {
      await test.#start(rtcConfiguration, pollMs);
    } catch (e) {
      await test.stop('FAILED');
      throw e;
    }
    return test;
  }

  constructor(http, stream, ownsStream) {
    super();
    this.#http = http;
    this.localStream = stream;
    this.#ownsStream = ownsStream;
    this.id = null;
    this.maxDurationSeconds = null;
    /** @type {RTCPeerConnection|null} */
    this.peerConnection = null;
    /** 'starting' | 'connecting' | 'connected' | 'ended' */
    this.state = 'starting';
    this.lastReport = null;
    this.endReason = null;
  }

  /** @type {MediaStream|null} the tracks echoed so far */
  get remoteStream() {
    return this.#remoteStream();
  }

  async #start(rtcConfiguration, pollMs) {
    const pc = new globalThis.RTCPeerConnection(rtcConfiguration || {});
    this.peerConnection = pc;
    for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
    this.#remoteStream = collectRemoteTracks(pc, event => this.emit('remote_media', event));
    // The echo peer does not trickle: the offer goes out with every candidate in it.
    const gathered = waitForIceGathering(pc, 10000);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered;
    let created;
    try {
      created = await this.#http.fetchJson('/api/media/echo', { method: 'POST', body: { sdp: pc.localDescription.sdp } });
    } catch (e) {
      if (e.status === 503 && !e.code.startsWith('ECHO')) e.code = 'ECHO_BUSY';
      throw e;
    }
    this.id = created.id;
    this.maxDurationSeconds = created.maxDurationSeconds ?? null;
    this.state = 'connecting';
    await pc.setRemoteDescription({ type: 'answer', sdp: created.sdp });
    this.#poll = setInterval(() => this.report().catch(() => {}), pollMs);
    if (this.maxDurationSeconds) {
      this.#deadline = setTimeout(() => this.stop('TIME_LIMIT'), (this.maxDurationSeconds + 5) * 1000);
    }
  }

  /** The server's report: {id, state, endReason, video:{...}, audio:{...}, roundTripTimeMs}. */
  async report() {
    if (!this.id || this.state === 'ended') return this.lastReport;
    let report;
    try {
      report = await this.#http.fetchJson(`/api/media/echo/${encodeURIComponent(this.id)}`);
    } catch (e) {
      // The server forgets a session some time after it ended.
      if (e.status === 404) this.#finish(this.lastReport?.endReason || 'ENDED');
      throw e;
    }
    if (this.state === 'ended') return report;
    this.lastReport = report;
    if (report.state === 'connected' || report.state === 'connecting') this.state = report.state;
    this.emit('report', report);
    if (report.state === 'ended') this.#finish(report.endReason || 'ENDED');
    return report;
  }

  /** Ends the test on the server and releases the camera and microphone. */
  async stop(reason = 'STOPPED') {
    if (this.state === 'ended') return;
    const id = this.id;
    this.#finish(reason);
    if (id) await this.#http.fetchJson(`/api/media/echo/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => {});
  }

  #finish(reason) {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endReason = reason;
    clearInterval(this.#poll);
    clearTimeout(this.#deadline);
    if (this.#ownsStream) stopTracks(this.localStream);
    try { this.peerConnection?.close(); } catch (e) { /* already closed */ }
    this.emit('ended', { id: this.id, endReason: reason, report: this.lastReport });
  }
}
