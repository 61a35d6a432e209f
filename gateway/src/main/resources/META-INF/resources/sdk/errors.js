/** The SDK's one error type (sdk/errors.js). */

/** An error with the protocol's stable code, as sockets and REST report them (`{code, message, correlationId}`). */
export class ParleyError extends Error {
  constructor(code, message, { status = null, correlationId = null, cause = null, details = null } = {}) {
    super(message || code);
    this.name = 'ParleyError';
    this.code = code;
    this.status = status;
    this.correlationId = correlationId;
    this.details = details;
    if (cause) this.cause = cause;
  }
}

/**
 * A call-control or media failure of one call, as telephony SDKs report them (Webex Calling's CallError):
 * `type` (e.g. TIMEOUT, INVALID_STATE), `errorLayer` (`call_control` or `media`), `correlationId` (the
 * server's, when it refused), `callId`; `code` is the protocol's code when the server sent one.
 */
export class CallError extends ParleyError {
  constructor({ message, type, callId = null, correlationId = null, errorLayer = 'call_control', code = null }) {
    super(code || type, message, { correlationId });
    this.name = 'CallError';
    this.type = type;
    this.callId = callId;
    this.errorLayer = errorLayer;
  }

  /** A refused request (a ParleyError from the socket or REST) as a CallError of `callId`. */
  static of(error, callId) {
    if (error instanceof CallError) return error;
    return new CallError({ message: error?.message || String(error), type: error?.code || 'INTERNAL', callId,
      correlationId: error?.correlationId ?? null, code: error?.code ?? null });
  }
}
