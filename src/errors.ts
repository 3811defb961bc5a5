/**
 * One error hierarchy for the whole tool. Library code throws these; only the
 * CLI maps them to exit codes and messages (a code, not the text, decides).
 */
export type ErrorCode =
  | 'INVALID_SWEEP'
  | 'INVALID_INPUT'
  | 'INVALID_OPTION'
  | 'NUMERIC'
  | 'STORE'
  | 'SCHEMA_TOO_NEW'
  | 'READ_ONLY'
  | 'REDIS'
  | 'INTERRUPTED';

export class SharpsweepError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is: a file, a path inside a document, an option. */
  readonly location?: string;
  /** One sentence telling the user how to fix it. */
  readonly hint?: string;

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
  }
}

/** A sweep file that cannot be planned (exit code 2, nothing written). */
export class SweepValidationError extends SharpsweepError {
  constructor(
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super('INVALID_SWEEP', message, options);
  }
}

/** A JSON input to `sharpness` or `escape` that cannot be used. */
export class InputError extends SharpsweepError {
  constructor(
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super('INVALID_INPUT', message, options);
  }
}

/** A command-line option that is missing or malformed. */
export class OptionError extends SharpsweepError {
  constructor(
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super('INVALID_OPTION', message, options);
  }
}

/** A numerical routine that cannot produce a trustworthy answer. */
export class NumericError extends SharpsweepError {
  constructor(
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super('NUMERIC', message, options);
  }
}

/** Database problems: schema versions, read-only violations, I/O. */
export class StoreError extends SharpsweepError {
  constructor(
    code: 'STORE' | 'SCHEMA_TOO_NEW' | 'READ_ONLY',
    message: string,
    options: { location?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}
