/**
 * Problems found while validating a document. Validation never stops at
 * the first problem: it records each one with its path, what was expected,
 * what was found and how to fix it, so one run of the tool can report
 * several mistakes at once.
 */

/** A path inside a document: keys of mappings and indices of lists. */
export type Path = readonly (string | number)[];

export interface Issue {
  path: Path;
  expected: string;
  found: string;
  hint?: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
  /** Where in the source, when known without a path (syntax errors). */
  position?: SourcePosition;
}

/** 1-based line and column in the source text. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** `grid.stepRatio[2]`, `factors[1][2][0]`, `(document)` for the root. */
export function formatPath(path: Path): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') {
      text += `[${part}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) {
      text += text === '' ? part : `.${part}`;
    } else {
      text += `[${JSON.stringify(part)}]`;
    }
  }

  return text === '' ? '(document)' : text;
}

/**
 * Collects issues up to a cap: a matrix full of strings would otherwise
 * produce thousands of near-identical lines.
 */
export class Issues {
  readonly list: Issue[] = [];
  /** Issues seen beyond the cap, counted but not kept. */
  dropped = 0;

  constructor(private readonly cap = 50) {}

  add(issue: Issue): void {
    if (this.list.length < this.cap) {
      this.list.push(issue);
    } else {
      this.dropped += 1;
    }
  }

  get total(): number {
    return this.list.length + this.dropped;
  }

  get empty(): boolean {
    return this.total === 0;
  }
}

/** A short, safe description of any value for a "found …" clause. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';

  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN (not a number)';
    if (!Number.isFinite(value)) {
      return value > 0 ? 'Infinity' : '-Infinity';
    }

    return String(value);
  }

  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    const quoted = JSON.stringify(shown);

    return looksNumeric(value)
      ? `the string ${quoted}`
      : `${quoted} (a string)`;
  }

  if (typeof value === 'boolean') return `${value} (a boolean)`;
  if (Array.isArray(value)) return describeList(value);
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';

  return `a ${typeof value}`;
}

function describeList(list: unknown[]): string {
  if (list.length === 0) return 'an empty list';

  return `a list of ${list.length}`;
}

/** Quoted numbers deserve their own hint: the fix is to drop the quotes. */
export function looksNumeric(text: string): boolean {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text);
}

/** A plain mapping: not a list, binary blob or date. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}
