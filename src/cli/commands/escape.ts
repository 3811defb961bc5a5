import { parseEscapeInput } from '../../plan/input.js';
import { runEscape } from '../../escape/index.js';
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { formatNumber } from '../format.js';
import {
  readInput,
  sourceName,
  withInputLocation,
} from './sharpness.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep escape --input <file.json> [--json]',
  summary:
    'Runs one escape trial: gradient descent from w* + radius·d, where w* ' +
    'are the given factors (a minimizer of the target, by default their ' +
    'product) and d the top Hessian eigenvector or a seeded random ' +
    'direction. Input fields: factors, target?, stepSize | stepRatio, ' +
    'radius, direction (top | random | flattest), seed?, maxSteps?, ' +
    'escapeDistance?, earlyStop? (default false: always maxSteps steps).',
  options: [
    ['--input <file>', 'JSON input file (- for standard input)'],
    ['--json', 'print the result as JSON'],
    ['-h, --help', 'show this help'],
  ],
  examples: ['sharpsweep escape --input trial.json --json'],
};

export const escapeCommand: Command = {
  summary: 'run one gradient-descent escape trial from given factors',
  async run(argv) {
    const { values } = parseCommand('escape', argv, {
      input: { type: 'string', short: 'i' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const file = values.input as string | undefined;
    const input = parseEscapeInput(
      readInput(file, 'escape'),
      sourceName(file!),
    );
    // The command shows one trial, so it keeps its path (log-spaced steps).
    const result = withInputLocation(file!, () =>
      runEscape({ ...input, trajectorySamples: 64 }),
    );

    if (values.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }

    const rows: Array<[string, unknown]> = [
      ['outcome', result.outcome],
      ['sharpness λ_max', result.sharpness],
      ['step size η', result.stepSize],
      ['step ratio ηλ/2', result.stepRatio],
      ['2/η', 2 / result.stepSize],
      ['escape step', result.escapeStep],
      ['predicted escape step', result.predictedEscapeStep],
      ['steps run', result.steps],
      ['final loss', result.finalLoss],
      ['final sharpness', result.finalSharpness],
      ['landing ratio', result.landingRatio],
    ];
    process.stdout.write(
      rows
        .map(([name, value]) => `${name.padEnd(22)} ${formatNumber(value, 10)}`)
        .join('\n') + '\n',
    );

    return 0;
  },
};
