/**
 * Checks of the plot options, written once and shared by the CLI and the
 * reproduction script. Every message names the option, the rule and the
 * value received.
 */
import { extname } from 'node:path';

import { OptionError } from '../errors.js';
import { closest } from '../plan/suggest.js';
import {
  type FigureFormat,
  PLOT_AXES,
  PLOT_KINDS,
  type PlotAxis,
  type PlotKind,
} from './types.js';

export function parseKind(value: string | undefined): PlotKind {
  if (value === undefined) {
    throw new OptionError('missing --kind', {
      location: 'sharpsweep plot',
      hint: `Choose one of: ${PLOT_KINDS.join(', ')}.`,
    });
  }

  return oneOf('--kind', value, PLOT_KINDS);
}

export function parseAxis(value: string | undefined): PlotAxis {
  return value === undefined ? 'depth' : oneOf('--axis', value, PLOT_AXES);
}

function oneOf<T extends string>(
  option: string,
  value: string,
  known: readonly T[],
): T {
  if ((known as readonly string[]).includes(value)) return value as T;

  const guess = closest(value, known);
  throw new OptionError(`${option} must be one of ${known.join(', ')}, ` +
    `received "${value}"`, {
    location: option,
    hint: guess !== undefined
      ? `Did you mean ${option} ${guess}?`
      : `For example ${option} ${known[0]}.`,
  });
}

/** The format follows the extension of --out; nothing else is accepted. */
export function formatOf(out: string | undefined): FigureFormat {
  if (out === undefined) {
    throw new OptionError('missing --out <file.svg|file.png>', {
      location: 'sharpsweep plot',
      hint: 'Name the figure file, e.g. --out escape-map.svg.',
    });
  }

  const extension = extname(out).toLowerCase();
  if (extension === '.svg') return 'svg';
  if (extension === '.png') return 'png';

  throw new OptionError(
    `--out must end in .svg or .png, received "${out}"`,
    {
      location: '--out',
      hint: 'SVG for papers and the web (vector), PNG for slides; e.g. ' +
        `--out ${out.slice(0, out.length - extension.length) || 'figure'}.svg.`,
    },
  );
}

export function parseKeys(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;

  const keys = value.split(',').map((key) => key.trim()).filter(Boolean);
  if (keys.length === 0) {
    throw new OptionError('--keys lists no trial key', {
      location: '--keys',
      hint: 'Give keys (or unique prefixes) separated by commas; find them ' +
        'with sharpsweep query "SELECT key, step_ratio FROM trials".',
    });
  }

  return keys;
}

export function parseDims(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;

  const dims = value.split(',').map((part) => Number(part.trim()));
  const bad = dims.findIndex((d) => !Number.isInteger(d) || d < 1);
  if (dims.length < 3 || bad >= 0) {
    throw new OptionError(
      `--dims expects at least three positive integer widths ` +
        `d_0,…,d_L (depth ≥ 2), received "${value}"`,
      { location: '--dims', hint: 'For example --dims 2,3,3,2.' },
    );
  }

  return dims;
}

/** A number option within [min, max] (a whole number if `integer`). */
export function parseNumber(
  value: string | undefined,
  option: string,
  rule: { min: number; max: number; integer?: boolean; fallback: number },
): number {
  if (value === undefined) return rule.fallback;

  const parsed = Number(value);
  const whole = !rule.integer || Number.isInteger(parsed);
  if (value.trim() === '' || !Number.isFinite(parsed) || !whole ||
    parsed < rule.min || parsed > rule.max) {
    const what = rule.integer ? 'an integer' : 'a number';
    throw new OptionError(
      `${option} expects ${what} from ${rule.min} to ${rule.max}, ` +
        `received "${value}"`,
      { location: option, hint: `For example ${option} ${rule.fallback}.` },
    );
  }

  return parsed;
}
