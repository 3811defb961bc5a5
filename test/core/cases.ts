/** Loads the independent reference cases (shared/reference/cases.json). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MinimizerCase {
  dims: number[];
  factors: number[][][];
  target: number[][];
  sharpness: number;
}

export interface NonMinimizerCase {
  dims: number[];
  factors: number[][][];
  target: number[][];
  lambdaMax: number;
  lambdaMin: number;
  loss: number;
}

export interface EscapeCase extends MinimizerCase {
  stepSize: number;
  stepRatio: number;
  radius: number;
  direction: 'top';
  maxSteps: number;
  escapeDistance: number;
  outcome: string;
  escapeStep: number | null;
  finalLoss: number;
  finalSharpness: number;
}

export interface Cases {
  minimizers: MinimizerCase[];
  nonMinimizers: NonMinimizerCase[];
  escapes: EscapeCase[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** The shared folder sits beside the work tree (CI copies it there too). */
function casesPath(): string {
  const fromEnv = process.env.SHARPSWEEP_REFERENCE;
  if (fromEnv) return fromEnv;

  return resolve(here, '../../../shared/reference/cases.json');
}

export const cases: Cases = JSON.parse(readFileSync(casesPath(), 'utf8'));

export function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}
