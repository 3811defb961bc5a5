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
    // Messages that list several problems already carry each location and
    // hint; saying them twice only adds noise. A one-word location
    // ("target") counts as shown only when the message starts with it:
    // the same word elsewhere in a sentence does not say where.
    const { location, hint: fix, message } = error;
    const where =
      location && !shows(message, location) ? `${location}: ` : '';
    const hint = fix && !message.includes(fix) ? `\n  hint: ${fix}` : '';
    process.stderr.write(`sharpsweep: ${where}${message}${hint}\n`);

    return exitCodes[error.code];
  }

  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `sharpsweep: internal error: ${message}\n` +
      '  This is a bug in sharpsweep; set SHARPSWEEP_DEBUG=1 for the stack.\n',
  );

  return 70;
}

function shows(message: string, location: string): boolean {
  if (message.startsWith(location)) return true;

  return /[/\\.:[\s]/.test(location) && message.includes(location);
}
