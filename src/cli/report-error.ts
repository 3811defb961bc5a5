import { SharpsweepError, type ErrorCode } from '../errors.js';

const exitCodes: Record<ErrorCode, number> = {
  INVALID_SWEEP: 2,
  INVALID_INPUT: 2,
  INVALID_OPTION: 2,
  NUMERIC: 1,
  STORE: 3,
  SCHEMA_TOO_NEW: 3,
  READ_ONLY: 2,
  REDIS: 4,
  INTERRUPTED: 130,
};

/**
 * The one place that turns errors into what the user reads and the exit
 * code: known errors get one clear message, never a stack trace.
 */
export function reportError(error: unknown): number {
  if (error instanceof SharpsweepError) {
    const where = error.location ? `${error.location}: ` : '';
    const hint = error.hint ? `\n  hint: ${error.hint}` : '';
    process.stderr.write(`sharpsweep: ${where}${error.message}${hint}\n`);

    return exitCodes[error.code];
  }

  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `sharpsweep: internal error: ${message}\n` +
      '  This is a bug in sharpsweep; set SHARPSWEEP_DEBUG=1 for the stack.\n',
  );

  return 70;
}
