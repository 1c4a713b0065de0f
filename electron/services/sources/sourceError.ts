import type { ErrorCode } from '../../../shared/result';

/** A refusal by the source manager, with a stable code the API can pass on as `{code,message}`. */
export class SourceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
