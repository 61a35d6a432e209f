/**
 * One of the client's sockets (sdk/sockets.js): the protocol's envelope `{id, type, payload}`, requests
 * correlated with their `ack`/`error` reply, the `welcome` and its protocol version, an optional handshake
 * after it (the signaling socket's `resume`), an optional ping, and reconnection with backoff after a drop
 * or a token expiry (close code 1008).
 */
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';

/** The protocol's major version this SDK speaks; every socket's `welcome` announces the server's. */
export const PROTOCOL_VERSION = 2;

export const REQUEST_TIMEOUT_MS = 15000;
/** The code the client closes a connection with when the server sent `reconnect` (it drains). */
export const MOVING = 4002;
/** The longest wait between reconnection attempts while something urgent waits (calls to resume within their grace). */
export const URGENT_MAX_DELAY_MS = 2000;

/** What the SDK says when a server speaks another protocol version (or does not say which). */
export function protocolMismatchMessage(serverVersion) {
  const server = Number.isInteger(serverVersion)
    ? `This Parley server speaks protocol version ${serverVersion}`
    : 'This Parley server does not say which protocol version it speaks';
  return `${server}; this SDK speaks version ${PROTOCOL_VERSION}: load the SDK from the same server`;
}

/**
 * Events: `connection` {socket, state, ...} on every state change (`connecting`, `open`, `reconnecting`
 * with {code, reason, delayMs}, `closed`); `welcome` (its payload) after each accepted welcome; `message`
 * {type, payload} for every other server event; `close` {code, reason, welcomed} when a connection
 * drops; `error` {socket, code, message, ...} for a server `error` that answers no request, and for a
 * welcome of another protocol version (code PROTOCOL_VERSION), after which the socket stays closed.
 */
export class ProtocolSocket extends Emitter {
  #path;
  #connector;
  #reconnect;
  #pingMs;
  #onRefusedBeforeWelcome;
  #handshake = null;
  #ws = null;
  #pending = new Map();
  #counter = 0;
  #attempt = 0;
  #timer = null;
  #ping = null;
  #wanted = false;
  #welcomed = false;
  #waiters = [];
  #urgent = () => false;

  /**
   * @param {object} options
   * @param {string} options.name `signaling`, `presence` or `notifications` (in events and request ids)
   * @param {string} options.path e.g. `/ws/presence`
   * @param {{token(): Promise<string|null>, socketUrl(path: string): string}} options.connector where and as whom to connect
   * @param {{minDelayMs: number, maxDelayMs: number}} options.reconnect backoff, read at every reconnection
   * @param {number|null} [options.pingMs] sends `ping` this often while open, closing a connection that does not answer
   * @param {function()} [options.onRefusedBeforeWelcome] a connection closed before its welcome (often an expired session)
   */
  constructor({ name, path, connector, reconnect, pingMs = null, onRefusedBeforeWelcome = () => {} }) {
    super();
    this.name = name;
    this.#path = path;
    this.#connector = connector;
    this.#reconnect = reconnect;
    this.#pingMs = pingMs;
    this.#onRefusedBeforeWelcome = onRefusedBeforeWelcome;
    /** 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' */
    this.state = 'idle';
    /** The last accepted `welcome` payload. */
    this.welcome = null;
    /** The ParleyError (PROTOCOL_VERSION) once the server was refused; the socket does not connect again. */
    this.refusal = null;
  }

  get isOpen() {
    return this.state === 'open';
  }

  /** Connects (once) and resolves with the `welcome` payload; keeps reconnecting until {@link close}. */
  open() {
    if (this.refusal) return Promise.reject(this.refusal);
    this.#wanted = true;
    if (this.state === 'idle' || this.state === 'closed') this.#connect();
    return this.ready();
  }

  /**
   * Sets what runs after every accepted `welcome` before the socket counts as open:
   * `handshake(welcome, send)` may send requests of its own with `send(type, payload)` (a promise of the
   * `ack` payload, rejected with a ParleyError), which go out before any other request: those wait until
   * the returned promise settles. When it rejects, the connection is closed (4000) and a new one made.
   * @param {function(object, function(string, object): Promise<object>): Promise<void>} handshake
   */
  /** While {@code urgent()} is true, reconnection attempts are at most {@link URGENT_MAX_DELAY_MS} apart. */
  setUrgency(urgent) {
    this.#urgent = urgent;
  }

  setHandshake(handshake) {
    this.#handshake = handshake;
  }

  /** Resolves with the `welcome` payload once the socket is open; rejects after `timeoutMs` or on close(). */
  ready(timeoutMs = REQUEST_TIMEOUT_MS) {
    if (this.isOpen) return Promise.resolve(this.welcome);
    if (this.refusal) return Promise.reject(this.refusal);
    if (!this.#wanted) return Promise.reject(new ParleyError('DISCONNECTED', `the ${this.name} socket is not open`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      waiter.timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter(w => w !== waiter);
        reject(new ParleyError('DISCONNECTED', `could not connect to ${this.#path}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  close() {
    this.#shutDown(new ParleyError('DISCONNECTED', `the ${this.name} socket was closed`), 'closed by the client');
    this.#setState('closed');
  }

  /** Sends a request; resolves with the `ack` payload, rejects with a ParleyError from `error`. */
  async request(type, payload = {}, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
    await this.ready(timeoutMs);
    return this.#send(type, payload, timeoutMs);
  }

  #send(type, payload, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (!this.#ws) return Promise.reject(new ParleyError('DISCONNECTED', `the ${this.name} socket is not open`));
    const id = this.#nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ParleyError('TIMEOUT', `no reply to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, type });
      this.#ws.send(JSON.stringify({ id, type, payload }));
    });
  }

  /** Sends a request without waiting (e.g. while the page unloads). Returns false when the socket is not open. */
  sendNow(type, payload = {}) {
    if (!this.isOpen) return false;
    this.#ws.send(JSON.stringify({ id: this.#nextId(), type, payload }));
    return true;
  }

  /** Reconnects now if a reconnection is waiting (e.g. the browser came back online). */
  retryNow() {
    if (this.#wanted && this.state === 'reconnecting') {
      clearTimeout(this.#timer);
      this.#connect();
    }
  }

  #nextId() {
    return `${this.name[0]}-${++this.#counter}`;
  }

  async #connect() {
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let protocols;
    try {
      const token = await this.#connector.token();
      // Browsers cannot set headers on the upgrade: the token travels in the subprotocol list (docs/protocol.md).
      if (token) protocols = ['bearer-token-carrier', `quarkus-http-upgrade#Authorization#Bearer%20${token}`];
    } catch (e) {
      console.warn(`Parley: no token for ${this.#path}`, e);
      this.#scheduleReconnect(null);
      return;
    }
    if (!this.#wanted) return;
    let ws;
    try {
      ws = new globalThis.WebSocket(this.#connector.socketUrl(this.#path), protocols);
    } catch (e) {
      console.error(`Parley: cannot open ${this.#path}`, e);
      this.#scheduleReconnect(null);
      return;
    }
    this.#ws = ws;
    this.#welcomed = false;
    ws.onmessage = event => { if (this.#ws === ws) this.#receive(event.data); };
    ws.onclose = event => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      clearInterval(this.#ping);
      this.#rejectPending(new ParleyError('DISCONNECTED', `the ${this.name} socket closed (${event.code})`));
      const welcomed = this.#welcomed;
      this.emit('close', { code: event.code, reason: event.reason, welcomed });
      if (!welcomed) this.#onRefusedBeforeWelcome();
      if (this.#wanted) this.#scheduleReconnect(event);
      else this.#setState('closed');
    };
  }

  /** Closes the current connection (4002) and connects again without a delay. */
  #move(reason) {
    const ws = this.#ws;
    if (!ws) return;
    console.info(`Parley: the ${this.name} server asked to reconnect (${reason ?? 'no reason'})`);
    this.#attempt = 0;
    ws.close(MOVING, 'reconnecting to another instance');
  }

  #scheduleReconnect(event) {
    const { minDelayMs, maxDelayMs } = this.#reconnect;
    if (event && event.code === MOVING) {
      this.#attempt++;
      this.#setState('reconnecting', { code: MOVING, reason: event.reason ?? '', delayMs: 0 });
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#connect(), 0);
      return;
    }
    // 1008 "Authentication expired": the gateway session (or the token function) has a fresh token by now.
    const expired = event && event.code === 1008;
    const max = this.#urgent() ? Math.min(maxDelayMs, URGENT_MAX_DELAY_MS) : maxDelayMs;
    const base = expired ? minDelayMs / 2 : Math.min(max, minDelayMs * 2 ** this.#attempt);
    const delayMs = Math.round(base * (0.5 + Math.random() / 2));
    this.#attempt++;
    this.#setState('reconnecting', { code: event?.code ?? null, reason: event?.reason ?? '', delayMs });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), delayMs);
  }

  #receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      console.warn(`Parley: unreadable message on ${this.#path}`, text);
      return;
    }
    const { id, type } = message;
    const payload = message.payload || {};
    if ((type === 'ack' || type === 'error') && id && this.#pending.has(id)) {
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      if (type === 'ack') pending.resolve(payload);
      else pending.reject(new ParleyError(payload.code || 'INTERNAL', payload.message, { correlationId: payload.correlationId }));
      return;
    }
    if (type === 'ack') return;
    if (type === 'error') {
      this.emit('error', { socket: this.name, code: payload.code || 'INTERNAL', message: payload.message, correlationId: payload.correlationId ?? null });
      return;
    }
    if (type === 'reconnect') {
      // The server is going away (a drain): leave this connection now and open the next one at once.
      this.#move(payload.reason);
      return;
    }
    if (type === 'welcome') {
      if (payload.protocolVersion !== PROTOCOL_VERSION) {
        this.#refuse(payload.protocolVersion);
        return;
      }
      this.welcome = payload;
      this.#welcomed = true;
      this.#attempt = 0;
      if (this.#handshake) this.#shakeHands(payload);
      else this.#opened(payload);
      return;
    }
    this.emit('message', { type, payload });
  }

  async #shakeHands(welcome) {
    const ws = this.#ws;
    try {
      await this.#handshake(welcome, (type, payload) => (this.#ws === ws ? this.#send(type, payload) : Promise.reject(
        new ParleyError('DISCONNECTED', `the ${this.name} socket closed`))));
    } catch (e) {
      if (this.#ws !== ws) return;   // that connection is gone already; the next one shakes hands again
      console.warn(`Parley: the ${this.name} handshake failed; connecting again`, e);
      ws.close(4000, 'handshake failed');
      return;
    }
    if (this.#ws === ws) this.#opened(welcome);
  }

  #opened(welcome) {
    this.#setState('open');
    this.#settleWaiters(null, welcome);
    if (this.#pingMs) this.#startPing();
    this.emit('welcome', welcome);
  }

  /** A server of another protocol version: talking on would go wrong in ways no reconnection fixes. */
  #refuse(serverVersion) {
    const message = protocolMismatchMessage(serverVersion);
    const error = new ParleyError('PROTOCOL_VERSION', message, {
      details: { socket: this.name, serverVersion: serverVersion ?? null, sdkVersion: PROTOCOL_VERSION },
    });
    console.error(`Parley: ${this.#path}: ${message}`);
    this.refusal = error;
    this.#shutDown(error, 'unsupported protocol version');
    this.#setState('closed', { error: error.code });
    this.emit('error', { socket: this.name, code: error.code, message, serverVersion: serverVersion ?? null, sdkVersion: PROTOCOL_VERSION });
  }

  #shutDown(error, reason) {
    this.#wanted = false;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    this.#settleWaiters(error);
    if (this.#ws) {
      const ws = this.#ws;
      this.#ws = null;
      ws.onclose = null;
      ws.close(1000, reason);
    }
    this.#rejectPending(error);
  }

  #startPing() {
    clearInterval(this.#ping);
    // A dead connection (laptop asleep, network gone) shows itself only when something is sent.
    this.#ping = setInterval(() => {
      const ws = this.#ws;
      this.request('ping', {}, { timeoutMs: 10000 }).catch(() => {
        if (ws && this.#ws === ws && this.isOpen) ws.close(4000, 'ping timeout');
      });
    }, this.#pingMs);
  }

  #settleWaiters(error, welcome) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      if (error) w.reject(error);
      else w.resolve(welcome);
    }
  }

  #rejectPending(error) {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  #setState(state, extra = {}) {
    if (this.state === state && state !== 'reconnecting') return;
    this.state = state;
    this.emit('connection', { socket: this.name, state, ...extra });
  }
}
