/** Error codes a boundary can answer with; each one is documented in docs/protocol.md. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_event'
  | 'unknown_gift'
  | 'too_large'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'no_session'
  | 'invalid_request'
  | 'conflict'
  | 'storage_full'
  | 'internal';

/** A structured error: a stable machine code and a sentence for people. Never a stack trace. */
export interface DomainError {
  code: ErrorCode;
  message: string;
}

/** The outcome of a function that refuses bad input instead of throwing. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = DomainError>(error: E): Result<never, E> => ({ ok: false, error });
export const fail = (code: ErrorCode, message: string): Result<never> => err({ code, message });

/** Marks a branch that the type system proves unreachable; used at the end of every union switch. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Throws with a message when an invariant does not hold; prefer it to non-null assertions. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant failed: ${message}`);
}
