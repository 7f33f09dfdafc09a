/** Errors the emulator answers with: HTTP status + `x-amzn-ErrorType` + `{ "message" }`. */

/** An error response of the emulated service; the SDK turns `errorType` into its exception class. */
export class EmulatedServiceError extends Error {
  override readonly name = 'EmulatedServiceError';
  constructor(
    /** The exception name sent in `x-amzn-ErrorType`, e.g. `ValidationException`. */
    readonly errorType: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 400 ValidationException with the given message. */
export function validationError(message: string): EmulatedServiceError {
  return new EmulatedServiceError('ValidationException', 400, message);
}

/** Which operation a request came through; decides how model-side messages are worded. */
export type ApiKind = 'converse' | 'invoke';

/**
 * A validation error raised by the model itself. Converse wraps the model's text in "The model returned
 * the following errors: ..."; InvokeModel passes the model's text through unchanged.
 */
export function modelValidationError(api: ApiKind, message: string): EmulatedServiceError {
  return validationError(
    api === 'converse' ? `The model returned the following errors: ${message}` : message,
  );
}
