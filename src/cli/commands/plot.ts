import { OptionError } from '../../errors.js';
import {
  DEFAULT_SIZE,
  formatOf,
  makeFigure,
  parseAxis,
  parseDims,
  parseKeys,
  parseKind,
  parseNumber,
  PLOT_AXES,
  PLOT_KINDS,
  type PlotKind,
  type PlotRequest,
  type SweepFamily,
  writeFigure,
} from '../../plot/index.js';
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { defaultDbPath } from '../defaults.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage:
    'sharpsweep plot --sweep <name> --kind <kind> --out <file.svg|file.png> ' +
    '[options]',
  summary:
    'Draws a figure of a stored sweep, or (--kind sharpness) of the exact ' +
    'sharpness and its closed forms along a family of minimizers, computed ' +
    `on the spot. Kinds: ${PLOT_KINDS.join(', ')}. The format follows the ` +
    'extension of --out; nothing is written when an option or the data is ' +
    'wrong. The database is opened read-only.',
  options: [
    ['--db <file>', `SQLite database (default ${defaultDbPath})`],
    ['--sweep <name>', 'sweep to plot (every kind but sharpness)'],
    ['--kind <kind>', 'escape-map | landing | escape-time | trajectories | sharpness'],
    ['--out <file>', 'figure file, .svg or .png'],
    ['--axis <column>', `split/colour by ${PLOT_AXES.join(' | ')} (default depth)`],
    ['--keys <k1,k2>', 'trajectories: trial keys or unique prefixes (default: a few)'],
    ['--width <px>', `figure width (default ${DEFAULT_SIZE.width})`],
    ['--height <px>', `figure height (default ${DEFAULT_SIZE.height})`],
    ['--scale <k>', 'PNG pixels per CSS pixel, e.g. 3 for 300 dpi print (default 1)'],
    ['--title <text>', 'figure title ("" for none)'],
    ['--font <file>', 'TrueType font for PNG text (default SHARPSWEEP_FONT, then DejaVu Sans)'],
    ['--dims <d0,…,dL>', 'sharpness: layer widths (default 2,3,3,2)'],
    ['--family <name>', 'sharpness: imbalanced (spread s) or random (scale σ)'],
    ['--from <x>, --to <x>', 'sharpness: parameter range (default 0..2 or 0.5..2)'],
    ['--points <n>', 'sharpness: points along the family (default 21)'],
    ['--seed <n>', 'sharpness: seed of the Gaussian target and factors (default 0)'],
    ['-h, --help', 'show this help'],
  ],
  examples: [
    'sharpsweep plot --db results.sqlite --sweep scalar --kind escape-map --out map.svg',
    'sharpsweep plot --sweep scalar --kind trajectories --keys 3fa2,91bc --out traj.png --scale 3',
    'sharpsweep plot --kind sharpness --dims 2,3,3,2 --family random --out forms.svg',
  ],
};

/** Options that only some kinds read; giving them elsewhere is a mistake. */
const ONLY_FOR: Record<string, PlotKind[]> = {
  sweep: ['escape-map', 'landing', 'escape-time', 'trajectories'],
  keys: ['trajectories'],
  axis: ['escape-map', 'landing', 'escape-time'],
  dims: ['sharpness'],
  family: ['sharpness'],
  from: ['sharpness'],
  to: ['sharpness'],
  points: ['sharpness'],
  seed: ['sharpness'],
};

export const plotCommand: Command = {
  summary: 'draw a figure (SVG or PNG) of a sweep or of the closed forms',
  async run(argv) {
    const { values, positionals } = parseCommand('plot', argv, {
      db: { type: 'string' },
      sweep: { type: 'string' },
      kind: { type: 'string' },
      out: { type: 'string', short: 'o' },
      axis: { type: 'string' },
      keys: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      scale: { type: 'string' },
      title: { type: 'string' },
      font: { type: 'string' },
      dims: { type: 'string' },
      family: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      points: { type: 'string' },
      seed: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const options = values as Record<string, string | undefined>;
    const request = plotRequest(options, positionals);
    const out = options.out!;
    const { figure, warnings } = await makeFigure(request);
    writeFigure(out, figure);

    for (const warning of warnings) {
      process.stderr.write(`sharpsweep plot: warning: ${warning}\n`);
    }
    process.stdout.write(
      `Wrote ${out} (${request.kind}, ${figure.width}×${figure.height} ` +
        `${figure.format.toUpperCase()}).\n`,
    );

    return 0;
  },
};

/** Every option checked before any data is read or file written. */
export function plotRequest(
  values: Record<string, string | undefined>,
  positionals: string[],
): PlotRequest {
  if (positionals.length > 0) {
    throw new OptionError(`unexpected argument "${positionals[0]}"`, {
      location: 'sharpsweep plot',
      hint: 'Options take the form --name value; see sharpsweep plot --help.',
    });
  }

  const kind = parseKind(values.kind);
  const format = formatOf(values.out);
  for (const [option, kinds] of Object.entries(ONLY_FOR)) {
    if (values[option] !== undefined && !kinds.includes(kind)) {
      throw new OptionError(`--${option} does not apply to --kind ${kind}`, {
        location: `--${option}`,
        hint: `--${option} is read by --kind ${kinds.join(', ')}.`,
      });
    }
  }
  if (kind !== 'sharpness' && values.sweep === undefined) {
    throw new OptionError(`--kind ${kind} needs --sweep <name>`, {
      location: 'sharpsweep plot',
      hint: 'Name a stored sweep; `sharpsweep status` lists them.',
    });
  }

  const size = { min: 100, max: 4000, integer: true };
  return {
    kind,
    format,
    size: {
      width: parseNumber(values.width, '--width',
        { ...size, fallback: DEFAULT_SIZE.width }),
      height: parseNumber(values.height, '--height',
        { ...size, fallback: DEFAULT_SIZE.height }),
    },
    scale: parseNumber(values.scale, '--scale',
      { min: 0.25, max: 8, fallback: 1 }),
    title: values.title,
    font: values.font,
    db: values.db ?? defaultDbPath,
    sweep: values.sweep,
    axis: parseAxis(values.axis),
    keys: parseKeys(values.keys),
    dims: parseDims(values.dims),
    family: parseFamily(values.family),
    from: optionalNumber(values.from, '--from'),
    to: optionalNumber(values.to, '--to'),
    points: values.points === undefined ? undefined : parseNumber(
      values.points, '--points', { min: 2, max: 500, integer: true,
        fallback: 21 }),
    seed: values.seed === undefined ? undefined : parseNumber(
      values.seed, '--seed', { min: 0, max: Number.MAX_SAFE_INTEGER,
        integer: true, fallback: 0 }),
  };
}

function parseFamily(value: string | undefined): SweepFamily | undefined {
  if (value === undefined || value === 'imbalanced' || value === 'random') {
    return value;
  }

  throw new OptionError(
    `--family must be imbalanced or random, received "${value}"`,
    { location: '--family', hint: 'For example --family random.' },
  );
}

function optionalNumber(value: string | undefined, option: string) {
  return value === undefined ? undefined : parseNumber(value, option,
    { min: -1e6, max: 1e6, fallback: 0 });
}
