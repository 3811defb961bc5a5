import type { TrialSpec } from '../../escape/spec.js';
import { OptionError } from '../../errors.js';
import { runTrial } from '../../escape/trial.js';
import { describeTrial, loadSweepFile } from '../../plan/index.js';
import { defaultWorkerCount } from '../../run/local.js';
import {
  formatHelp,
  parseCommand,
  positiveInteger,
  requirePositional,
  type CommandHelp,
} from '../args.js';
import { formatDuration } from '../format.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep plan <sweep.yaml> [--samples <n>] [--workers <n>]',
  summary:
    'Validates a sweep file and prints its trial count, a few sample ' +
    'trials and an estimated cost. Writes nothing.',
  options: [
    ['--samples <n>', 'sample trials to list (default 5)'],
    ['--workers <n>', 'worker count the time estimate assumes (default: cores)'],
    ['-h, --help', 'show this help'],
  ],
  examples: ['sharpsweep plan sweeps/default.yaml'],
};

export const planCommand: Command = {
  summary: 'validate a sweep file and estimate its size and cost',
  async run(argv) {
    const { values, positionals } = parseCommand('plan', argv, {
      samples: { type: 'string' },
      workers: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const file = requirePositional(positionals, 0, 'sweep file', 'plan');
    if (positionals.length > 1) {
      throw new OptionError(`unexpected argument "${positionals[1]}"`, {
        location: 'sharpsweep plan',
        hint: 'Give one sweep file; run `sharpsweep plan --help` for usage.',
      });
    }
    const samples =
      positiveInteger(values.samples as string | undefined, '--samples') ?? 5;
    const workers =
      positiveInteger(values.workers as string | undefined, '--workers') ??
      defaultWorkerCount();
    const plan = loadSweepFile(file);
    const estimate = plan.estimate();
    const sample = plan.sample(samples);

    const seconds = calibrate(sample.map((trial) => trial.spec), estimate);
    const lines = [
      `Sweep "${plan.name}" (${file})`,
      plan.description ? `  ${plan.description}` : undefined,
      `  trials: ${plan.count.toLocaleString('en-US')}`,
      `  GD steps (upper bound): ${estimate.gdSteps.toLocaleString('en-US')}`,
      `  estimated time on ${workers} worker(s): ` +
        (seconds === null
          ? 'unknown'
          : `up to ${formatDuration(seconds / workers)} ` +
            '(less with early stopping)'),
      '',
      'Sample trials:',
      ...sample.map((trial) => `  ${trial.key.slice(0, 12)}  ${describeTrial(trial.spec)}`),
    ];
    process.stdout.write(lines.filter((l) => l !== undefined).join('\n') + '\n');

    return 0;
  },
};

/**
 * Times a few short trials to turn the plan's step count into seconds on
 * this machine: single-threaded, about a second at most.
 */
function calibrate(
  specs: TrialSpec[],
  estimate: { gdSteps: number },
): number | null {
  let stepsTimed = 0;
  let secondsTimed = 0;

  for (const spec of specs) {
    const steps = Math.min(spec.gd.maxSteps, 2_000);
    const started = performance.now();
    try {
      runTrial({
        ...spec,
        gd: { ...spec.gd, maxSteps: steps, earlyStop: false },
      });
    } catch {
      continue;
    }
    secondsTimed += (performance.now() - started) / 1000;
    stepsTimed += steps;
    if (secondsTimed > 1) {
      break;
    }
  }

  if (stepsTimed === 0 || estimate.gdSteps === 0) {
    return null;
  }

  return (secondsTimed / stepsTimed) * estimate.gdSteps;
}
