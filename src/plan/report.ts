/**
 * Turns collected issues into one error message: each problem on its own
 * line with file:line:column, the path inside the document, what was
 * expected, what was found and how to fix it.
 */
import {
  formatPath,
  type Issue,
  type Issues,
  type Path,
  type SourcePosition,
} from './issues.js';

/** Problems listed in full; the rest are counted. */
export const SHOWN_ISSUES = 5;

/** Maps an issue to its source position, when the source has them. */
export type Locator = (issue: Issue) => SourcePosition | undefined;

export interface Report {
  message: string;
  location: string;
  hint?: string;
}

export function report(
  what: string,
  file: string,
  issues: Issues,
  locate: Locator = (issue) => issue.position,
): Report {
  const located = issues.list.map((issue) => ({
    issue,
    position: locate(issue),
  }));
  // Source order reads best; issues without a position keep their place
  // relative to each other at the end (sort is stable).
  located.sort((a, b) => rank(a.position) - rank(b.position));

  const lines = located
    .slice(0, SHOWN_ISSUES)
    .map(({ issue, position }) => describeIssue(file, issue, position));
  const hidden = issues.total - Math.min(issues.list.length, SHOWN_ISSUES);
  if (hidden > 0) lines.push(`…and ${hidden} more`);

  const first = located[0];
  const location = where(file, first.issue, first.position);
  const message =
    issues.total === 1
      ? `Invalid ${what}: ${lines[0]}`
      : `Invalid ${what} (${issues.total} problems):\n` +
        lines.map((line) => `  ${line}`).join('\n');

  return { message, location, hint: first.issue.hint };
}

function rank(position: SourcePosition | undefined): number {
  return position ? position.line * 1e6 + position.col : Infinity;
}

function where(
  file: string,
  issue: Issue,
  position: SourcePosition | undefined,
): string {
  const place = position ? `${file}:${position.line}:${position.col}` : file;

  return issue.path.length === 0
    ? place
    : `${place} ${formatPath(issue.path)}`;
}

function describeIssue(
  file: string,
  issue: Issue,
  position: SourcePosition | undefined,
): string {
  const hint = issue.hint ? `; hint: ${issue.hint}` : '';

  return (
    `${where(file, issue, position)}: expected ${issue.expected}, ` +
    `found ${issue.found}${hint}`
  );
}

/**
 * A locator over position maps keyed by formatted path: the issue's own
 * node if it has one, else its nearest ancestor that does (a missing key
 * is reported at the mapping that lacks it).
 */
export function pathLocator(
  values: Map<string, SourcePosition>,
  keys: Map<string, SourcePosition>,
): Locator {
  return (issue) => {
    if (issue.position) return issue.position;

    if (issue.atKey) {
      const atKey = keys.get(formatPath(issue.path));
      if (atKey) return atKey;
    }

    for (let depth = issue.path.length; depth >= 0; depth--) {
      const prefix: Path = issue.path.slice(0, depth);
      const found = values.get(formatPath(prefix));
      if (found) return found;
    }

    return undefined;
  };
}
