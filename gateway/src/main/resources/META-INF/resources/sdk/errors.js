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
