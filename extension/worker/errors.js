// Errors of the background. Answers carry only a stable code; _locales has err_<code> for each.

/** An error with a stable code for the answer (codes of the core arrive as TesseraError). */
export class CodedError extends Error {
  constructor(code) {
    super(code);
    this.name = 'CodedError';
    this.code = code;
  }
}

/** The stable code of an error thrown by a handler or the core; 'generic' for anything else. */
export function codeOf(error) {
  if ((error?.name === 'TesseraError' || error instanceof CodedError) && typeof error.code === 'string') {
    return error.code;
  }
  return 'generic';
}
