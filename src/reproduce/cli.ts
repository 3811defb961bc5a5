/**
 * Runs the real CLI as a child process, the way a user would: the
 * reproduction exercises the same code paths as `sharpsweep run`.
 */
import { spawn } from 'node:child_process';

import { cliPath } from './paths.js';

export interface CliResult {
  stdout: string;
  stderr: string;
}

/**
 * `node dist/src/cli/main.js <args>`; rejects with the CLI's own message
 * when it exits non-zero. `onLine` sees stdout lines as they arrive.
 */
export function runCli(
  args: string[],
  onLine?: (line: string) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending !== '') onLine?.(pending);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }

      // The child already said what went wrong; pass its words on.
      reject(new Error(`\`sharpsweep ${args.join(' ')}\` exited with ` +
        `code ${code}:\n${stderr.trim() || stdout.trim()}`));
    });
  });
}
