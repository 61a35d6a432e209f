/** The event emitter every SDK object extends (sdk/emitter.js). */

/** Minimal event emitter: `on` returns a function that removes the handler; `'*'` receives every event. */
export class Emitter {
  #handlers = new Map();

  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.off(type, handler);
  }

  once(type, handler) {
    const off = this.on(type, payload => { off(); handler(payload); });
    return off;
  }

  off(type, handler) {
    this.#handlers.get(type)?.delete(handler);
  }

  emit(type, payload) {
    for (const handler of [...(this.#handlers.get(type) || [])]) this.#call(handler, payload);
    for (const handler of [...(this.#handlers.get('*') || [])]) this.#call(handler, { type, payload });
  }

  #call(handler, payload) {
    try {
      handler(payload);
    } catch (e) {
      // A faulty handler must not stop the others nor the SDK's own bookkeeping.
      console.error('Parley event handler failed', e);
    }
  }
}
