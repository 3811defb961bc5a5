/**
 * Entry points: a sweep file or text in, a plan out, or one
 * SweepValidationError listing what is wrong and where.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';

import { SweepValidationError } from '../errors.js';
import { Issues } from './issues.js';
import { createPlan, type SweepPlan } from './plan.js';
import { pathLocator, report, type Locator } from './report.js';
import { validateSweep } from './validate.js';
import { readYaml } from './yaml-source.js';

/** Sweep files are a few dozen lines; anything this big is a mistake. */
const MAX_FILE_BYTES = 1024 * 1024;

export function loadSweepFile(path: string): SweepPlan {
  return parseSweep(readSweepText(path), path);
}

export function parseSweep(text: string, file: string): SweepPlan {
  const issues = new Issues();
  let locate: Locator | undefined;

  if (text.includes('\u0000')) {
    issues.add({
      path: [],
      expected: 'a YAML text file',
      found: 'binary data (NUL bytes)',
      hint: 'pass the .yaml sweep file, not a database or archive',
    });
  } else {
    const located = readYaml(text.replace(/^\uFEFF/, ''), issues);
    if (located !== undefined) {
      locate = pathLocator(located.values, located.keys);

      const definition = validateSweep(located.value, issues);
      if (definition !== undefined) return createPlan(definition, file);
    }
  }

  const { message, location, hint } = report(
    'sweep file',
    file,
    issues,
    locate,
  );
  throw new SweepValidationError(message, { location, hint });
}

function readSweepText(path: string): string {
  let bytes: Buffer;

  try {
    // statSync follows symlinks and never blocks, whereas reading a FIFO
    // waits for a writer and a device such as /dev/zero never ends.
    const stats = statSync(path);
    if (stats.isDirectory()) {
      fail(path, 'is a directory', 'pass a .yaml file inside it');
    }
    if (!stats.isFile()) {
      fail(
        path,
        `is not a regular file (${fileKind(stats)})`,
        'pass the .yaml sweep file itself, e.g. sweeps/default.yaml',
      );
    }
    if (stats.size > MAX_FILE_BYTES) {
      fail(path, 'is larger than 1 MB', 'pass the .yaml sweep file');
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof SweepValidationError) throw error;
    throw readError(path, error);
  }

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    fail(
      path,
      'is not UTF-8 text (binary data?)',
      'pass the .yaml sweep file, saved as UTF-8',
      error,
    );
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function readError(path: string, error: unknown): SweepValidationError {
  const code = (error as { code?: string }).code;

  const reasons: Record<string, [string, string]> = {
    ENOENT: [
      'does not exist',
      'check the path; sweep files usually live in sweeps/',
    ],
    EISDIR: ['is a directory', 'pass a .yaml file inside it'],
    EACCES: ['cannot be read (permission denied)', 'check its permissions'],
  };
  const [reason, hint] = reasons[code ?? ''] ?? [
    `cannot be read (${code ?? 'unknown error'})`,
    'check the path and that the file is readable',
  ];

  return new SweepValidationError(`Sweep file ${path} ${reason}`, {
    location: path,
    hint,
    cause: error,
  });
}

function fail(
  path: string,
  reason: string,
  hint: string,
  cause?: unknown,
): never {
  throw new SweepValidationError(`Sweep file ${path} ${reason}`, {
    location: path,
    hint,
    cause,
  });
}
