/**
 * Emitted on `process` when standard output's reader closed the pipe
 * (`sharpsweep run … | head`): a command with work to save listens and
 * stops gracefully; without a listener the process just exits.
 */
export const STDOUT_CLOSED = 'sharpsweep:stdout-closed';

/** Exit code after a closed pipe, as for a process killed by SIGPIPE. */
export const EXIT_PIPE_CLOSED = 141;
