#!/usr/bin/env node
import { SharpsweepError } from '../errors.js';
import { kernelDescription } from '../linalg/native.js';
import { commands } from './commands/index.js';
import { reportError } from './report-error.js';
import { STDOUT_CLOSED } from './stdout.js';

const topHelp = `sharpsweep — exact sharpness and gradient-descent escape sweeps near
deep matrix factorization minima, stored in SQLite.

Usage: sharpsweep <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)}  ${command.summary}`)
  .join('\n')}

Run \`sharpsweep <command> --help\` for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp);
    return name === undefined ? 2 : 0;
  }

  if (name === '--version' || name === '-v') {
    process.stdout.write(
      `sharpsweep 0.1.0\nmatrix kernels: ${kernelDescription()}\n`,
    );
    return 0;
  }

  const command = commands[name];
  if (command === undefined) {
    const known = Object.keys(commands).join(', ');
    process.stderr.write(
      `sharpsweep: unknown command "${name}". Commands: ${known}.\n` +
        'Run `sharpsweep --help` for usage.\n',
    );
    return 2;
  }

  return (await command.load()).run(rest);
}

// `sharpsweep query … | head` closes the pipe early; that is the reader's
// choice, not an error worth a stack trace.
// A command with work to save (a run) listens for STDOUT_CLOSED and stops
// gracefully instead; later writes to the closed pipe are dropped.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    if (process.listenerCount(STDOUT_CLOSED) > 0) {
      // Node's typings list only its own events for emit.
      (process.emit as (event: string) => boolean)(STDOUT_CLOSED);
      return;
    }
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
    if (!(error instanceof SharpsweepError) && process.env.SHARPSWEEP_DEBUG) {
      console.error(error);
    }
  },
);
