import { z } from 'zod';

/** The few kinds of failure every request can end in; each maps to one error shape. */
export const ErrorCode = z.enum([
  'bad_request', // the message did not match its schema
  'unauthorized', // missing or wrong credential
  'version_mismatch', // peers speak different protocol versions
  'not_found', // no such session or terminal
  'busy', // no capacity left: try again later
  'conflict', // the request does not fit the current state
  'limit', // a per-session limit was reached (terminals, input size)
  'rate_limited', // too many requests from one visitor or address: try later
  'failed', // the operation ran and failed (sandbox did not start, ...)
  'internal', // a bug: logged with details on the agent
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ProtocolError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Optional machine-readable details, e.g. the zod issues of a bad request. */
  details: z.unknown().optional(),
});
export type ProtocolError = z.infer<typeof ProtocolError>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };
export type Ack<T> = (result: Result<T>) => void;

/** An error that carries a protocol error code; thrown by handlers, sent as a Result. */
export class BerthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'BerthError';
  }

  toProtocol(): ProtocolError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Result<never> {
  return { ok: false, error: new BerthError(code, message, details).toProtocol() };
}

/** Turns anything thrown into a protocol error; unknown errors become `internal`. */
export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof BerthError) return err.toProtocol();
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
