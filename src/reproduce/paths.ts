/**
 * Where the reproduction finds the repository's sweep files and the built
 * CLI: both relative to this module, so it runs from any working folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { InputError } from '../errors.js';

/** The sweeps of the paper, in the order the results present them. */
export const PAPER_SWEEPS = ['paper-scalar', 'paper-matrix'] as const;

export type PaperSweep = (typeof PAPER_SWEEPS)[number];

const here = dirname(fileURLToPath(import.meta.url));

/** The closest folder above this module that holds `sweeps/`. */
export function repositoryRoot(): string {
  let dir = here;
  for (;;) {
    if (existsSync(join(dir, 'sweeps', `${PAPER_SWEEPS[0]}.yaml`))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new InputError('cannot find sweeps/paper-scalar.yaml', {
        location: here,
        hint: 'Run the reproduction from a sharpsweep checkout.',
      });
    }
    dir = parent;
  }
}

export function sweepFile(root: string, sweep: PaperSweep): string {
  return join(root, 'sweeps', `${sweep}.yaml`);
}

/** The compiled CLI next to this compiled module (dist/src/cli/main.js). */
export function cliPath(): string {
  const path = resolve(here, '..', 'cli', 'main.js');
  if (!existsSync(path) || !path.endsWith('.js')) {
    throw new InputError(`no built CLI at ${path}`, {
      location: path,
      hint: 'Build first: npx tsc -p . (or npm run build), then run ' +
        'node dist/src/reproduce/main.js.',
    });
  }

  return path;
}
