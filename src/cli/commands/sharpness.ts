import { readFileSync, statSync } from 'node:fs';

import {
  InputError,
  NumericError,
  type SharpsweepError,
} from '../../errors.js';
import { parseSharpnessInput } from '../../plan/input.js';
import { sharpnessReport } from '../../sharpness/index.js';
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { formatNumber } from '../format.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep sharpness --input <file.json> [--json]',
  summary:
    'Exact sharpness (top Hessian eigenvalue of ‖M − W_L⋯W_1‖²_F) at the ' +
    'given factors, with the closed forms and bounds and whether each is ' +
    'exact for this shape. Input: {"factors": [W_1, …, W_L], "target": M}, ' +
    'matrices as arrays of rows; target defaults to the product. Use ' +
    '--input - to read standard input.',
  options: [
    ['--input <file>', 'JSON input file (- for standard input)'],
    ['--json', 'print the result as JSON'],
    ['-h, --help', 'show this help'],
  ],
  examples: ['sharpsweep sharpness --input chain.json --json'],
};

export const sharpnessCommand: Command = {
  summary: 'exact sharpness, closed forms and bounds at given factors',
  async run(argv) {
    const { values } = parseCommand('sharpness', argv, {
      input: { type: 'string', short: 'i' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const file = values.input as string | undefined;
    const input = parseSharpnessInput(
      readInput(file, 'sharpness'),
      sourceName(file!),
    );
    const report = withInputLocation(file!, () =>
      sharpnessReport(input.factors, input.target));

    if (values.json) {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }

    const lines = [
      `sharpness (Hessian λ_max): ${formatNumber(report.sharpness, 12)}`,
      report.lambdaMin === undefined
        ? undefined
        : `λ_min: ${formatNumber(report.lambdaMin, 12)}`,
      `loss: ${formatNumber(report.loss, 6)}` +
        (report.atMinimizer
          ? ' (at a global minimizer)'
          : ' (not a minimizer: closed forms below bound the ' +
            'Gauss-Newton part only)'),
      report.atMinimizer
        ? `bounds: ${formatNumber(report.bounds.lower, 10)} ≤ λ_max ≤ ` +
          formatNumber(report.bounds.upper, 10)
        : undefined,
      'closed forms:',
      ...Object.entries(report.closedForms).map(
        ([name, form]) =>
          `  ${name.padEnd(16)} ${formatNumber(form.value, 12)}` +
          (form.exact ? '  (exact for this shape)' : ''),
      ),
    ];
    process.stdout.write(
      lines.filter((line) => line !== undefined).join('\n') + '\n',
    );

    return 0;
  },
};

export function readInput(file: string | undefined, command: string): string {
  if (file === undefined) {
    throw new InputError('missing --input <file.json>', {
      location: `sharpsweep ${command}`,
      hint:
        `Give the input file, e.g. sharpsweep ${command} --input ` +
        `chain.json; run \`sharpsweep ${command} --help\` for the format.`,
    });
  }

  try {
    if (file !== '-') refuseUnreadable(file);

    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'no such file'
      : (error as Error).message;
    throw new InputError(`cannot read input: ${reason}`, {
      location: sourceName(file),
      hint: 'Check the path given to --input.',
    });
  }
}

/** Inputs are small JSON files; anything this large is a wrong path. */
const INPUT_LIMIT_MB = 64;

/**
 * Refuses what readFileSync would choke on before reading it: a folder,
 * a device such as /dev/zero (it never ends), or a file so large that
 * reading it would exhaust the memory.
 */
function refuseUnreadable(file: string): void {
  const stats = statSync(file);
  const problem = stats.isDirectory()
    ? 'is a folder'
    : !stats.isFile() && !stats.isFIFO()
      ? 'is not a regular file'
      : stats.size > INPUT_LIMIT_MB * 1024 * 1024
        ? `is ${Math.round(stats.size / 1024 / 1024)} MB; inputs are ` +
          `limited to ${INPUT_LIMIT_MB} MB`
        : undefined;
  if (problem === undefined) return;

  throw new InputError(`cannot read input: it ${problem}`, {
    location: file,
    hint: 'Give --input the JSON file of factors (see --help).',
  });
}

/**
 * Runs the computation on a validated input. The numeric core does not
 * know which file its numbers came from; a failure there is still about
 * this input, so the message names the file (and the field, if known).
 */
export function withInputLocation<T>(file: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    const source = sourceName(file);
    const location = (error as SharpsweepError).location;
    const where = location === undefined ? source : `${source} ${location}`;

    if (error instanceof InputError) {
      throw new InputError(error.message, {
        location: where,
        hint: error.hint,
        cause: error,
      });
    }
    if (error instanceof NumericError) {
      throw new NumericError(`cannot compute this input: ${error.message}`, {
        location: where,
        hint: error.hint ?? 'check the input for very large or very ' +
          'small entries; rescaling the problem often helps',
        cause: error,
      });
    }

    throw error;
  }
}

/** How messages name the input: `--input -` is standard input. */
export function sourceName(file: string): string {
  return file === '-' ? '<stdin>' : file;
}
