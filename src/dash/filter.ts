/**
 * The filter prompt of the results table: `outcome=escaped depth=3` and
 * friends, parsed into terms whose column names come from a fixed list,
 * so that the data layer can put them into SQL without quoting anything.
 */
import { OUTCOMES, type FilterTerm } from './types.js';

type Kind = 'number' | 'text';

/** Filterable and sortable columns of `trial_results`. */
export const TABLE_COLUMNS: Record<string, Kind> = {
  key: 'text',
  depth: 'number',
  width: 'number',
  family: 'text',
  direction: 'text',
  target_kind: 'text',
  step_ratio: 'number',
  step_size: 'number',
  radius: 'number',
  seed: 'number',
  outcome: 'text',
  sharpness: 'number',
  escape_step: 'number',
  predicted_escape_step: 'number',
  final_sharpness: 'number',
  landing_ratio: 'number',
  steps: 'number',
};

/** Short names people type at the prompt. */
const ALIASES: Record<string, string> = {
  ratio: 'step_ratio',
  rho: 'step_ratio',
  'ρ': 'step_ratio',
  eta: 'step_size',
  target: 'target_kind',
  dir: 'direction',
  lambda: 'sharpness',
  landing: 'landing_ratio',
  escape: 'escape_step',
  predicted: 'predicted_escape_step',
};

const TERM = /^([A-Za-zρ_]+)(!=|<=|>=|=|<|>)(.*)$/;

export type FilterParse =
  | { ok: true; terms: FilterTerm[] }
  | { ok: false; message: string };

export function parseFilter(text: string): FilterParse {
  const terms: FilterTerm[] = [];

  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const match = TERM.exec(token);
    if (match === null) {
      return fail(`"${token}" is not column=value (or != < <= > >=)`);
    }

    const [, name, op, raw] = match;
    const column = ALIASES[name] ?? name;
    const kind = TABLE_COLUMNS[column];
    if (kind === undefined) {
      return fail(`unknown column "${name}"; try ${knownColumns()}`);
    }

    const parsed = parseValues(column, kind, op as FilterTerm['op'], raw);
    if (typeof parsed === 'string') return fail(parsed);
    terms.push({ column, op: op as FilterTerm['op'], values: parsed });
  }

  return { ok: true, terms };
}

/** The terms written back as prompt text. */
export function formatFilter(terms: FilterTerm[]): string {
  return terms
    .map((term) => {
      const values = term.values.map((v) => (v === null ? 'null' : v));
      return `${term.column}${term.op}${values.join(',')}`;
    })
    .join(' ');
}

function parseValues(
  column: string,
  kind: Kind,
  op: FilterTerm['op'],
  raw: string,
): Array<string | number | null> | string {
  const parts = raw.split(',');
  if (parts.some((part) => part === '')) {
    return `${column}${op} needs a value`;
  }
  const ordered = op !== '=' && op !== '!=';
  if (ordered && parts.length > 1) {
    return `${op} takes one value, got "${raw}"`;
  }

  const values: Array<string | number | null> = [];
  for (const part of parts) {
    if (part === 'null' && !ordered) {
      values.push(null);
      continue;
    }
    if (kind === 'number') {
      const value = Number(part);
      if (!Number.isFinite(value)) {
        return `${column} is a number, got "${part}"`;
      }
      values.push(value);
      continue;
    }
    if (column === 'outcome' && !isOutcome(part)) {
      return `outcome is one of ${OUTCOMES.join(', ')}, got "${part}"`;
    }
    values.push(part);
  }

  return values;
}

function isOutcome(value: string): boolean {
  return (OUTCOMES as readonly string[]).includes(value);
}

function knownColumns(): string {
  return ['outcome', 'depth', 'width', 'family', 'direction', 'ratio']
    .join(', ');
}

function fail(message: string): FilterParse {
  return { ok: false, message };
}
