/**
 * Every failure the page can meet while starting or talking to a sandbox, with a code
 * the UI can translate. Server codes come from the protocol (`busy`, `not_found`,
 * `unauthorized`, ...) or the HTTP API (`rate_limited`, ...); the rest are the
 * client's own.
 */
export type ClientErrorCode =
  | 'network' // the request never got an answer (offline, server down)
  | 'unavailable' // the API is not there (404/5xx without an API error body)
  | 'bad_response' // an answer that does not match the protocol
  | 'offline' // the socket is not connected
  | 'timeout' // no answer in time
  | 'closed'; // the connection was disposed

export class LearnerError extends Error {
  constructor(
    /** A protocol ErrorCode, an HTTP API error code, or a ClientErrorCode. */
    readonly code: ClientErrorCode | (string & {}),
    message: string,
    /** The HTTP status, for errors of the HTTP API. */
    readonly status?: number,
    /** Machine-readable details of a protocol error (a file error's reason, say). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LearnerError';
  }
}

export function toLearnerError(error: unknown): LearnerError {
  if (error instanceof LearnerError) return error;
  return new LearnerError('network', error instanceof Error ? error.message : String(error));
}
