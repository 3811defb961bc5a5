/**
 * YAML text → plain JSON-like values, plus the source position of every
 * key and value so an issue found later by path can name line:column.
 *
 * The document tree is walked here rather than with `toJS()`: that keeps
 * positions, bounds alias expansion (billion-laughs files) and nesting
 * depth, and avoids the library's process warnings for odd keys.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type YAMLError,
} from 'yaml';

import {
  formatPath,
  type Issues,
  type Path,
  type SourcePosition,
} from './issues.js';

export interface Located {
  value: unknown;
  /** Position of each value by formatted path. */
  values: Map<string, SourcePosition>;
  /** Position of each mapping key by formatted path. */
  keys: Map<string, SourcePosition>;
}

const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

const HINTS: Record<string, string> = {
  BAD_INDENT: 'check the indentation and that brackets are closed',
  DUPLICATE_KEY: 'remove or rename the repeated key',
  MULTIPLE_DOCS: 'keep one document per file (remove the `---` line)',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'add the missing bracket, brace or quote',
  BLOCK_AS_IMPLICIT_KEY: 'check for a missing `:` or bad indentation',
  TAG_RESOLVE_FAILED: 'remove the `!tag`; plain values need no tag',
};

/** Parses `text`; on failure records issues and returns undefined. */
export function readYaml(text: string, issues: Issues): Located | undefined {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  } catch (error) {
    // The parser reports problems as errors on the document; a throw is
    // its own failure, still reported as a problem with this file.
    issues.add({
      path: [],
      expected: 'YAML the parser can read',
      found: `a parser failure (${String(error).slice(0, 80)})`,
      hint: 'simplify the file; sweep files are a few dozen plain lines',
    });

    return undefined;
  }

  for (const problem of [...doc.errors, ...doc.warnings]) {
    issues.add(syntaxIssue(problem));
  }
  if (!issues.empty) return undefined;

  if (doc.contents === null || isEmptyScalar(doc.contents)) {
    issues.add({
      path: [],
      expected: 'a sweep: a mapping with `name:` and `grid:`',
      found: 'an empty document',
      hint: 'start from sweeps/default.yaml',
      position: { line: 1, col: 1 },
    });

    return undefined;
  }

  const walker = new Walker(doc, lines, issues);
  const value = walker.convert(doc.contents, [], 0, true);
  if (!issues.empty) return undefined;

  return { value, values: walker.values, keys: walker.keys };
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}

function syntaxIssue(problem: YAMLError): Parameters<Issues['add']>[0] {
  const firstLine = problem.message.split('\n')[0];
  const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const start = problem.linePos?.[0];

  return {
    path: [],
    expected: 'valid YAML',
    found: message,
    hint: HINTS[problem.code] ?? 'fix the YAML syntax at this position',
    position: start ? { line: start.line, col: start.col } : undefined,
  };
}

class Walker {
  readonly values = new Map<string, SourcePosition>();
  readonly keys = new Map<string, SourcePosition>();
  private nodes = 0;
  private reportedSize = false;
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly issues: Issues,
  ) {}

  /** `record` is false inside alias expansions: they point at the alias. */
  convert(node: unknown, path: Path, depth: number, record: boolean): unknown {
    this.nodes += 1;
    if (this.nodes > MAX_NODES || depth > MAX_DEPTH) {
      this.tooBig(node, path, depth > MAX_DEPTH);
      return null;
    }

    if (record) this.mark(this.values, path, node);

    if (isScalar(node)) return node.value;
    if (isAlias(node)) return this.alias(node, path, depth);
    if (isMap(node)) return this.mapping(node.items, path, depth, record);
    if (isSeq(node)) return this.sequence(node.items, path, depth, record);

    // A pair with no value (`key:`) reaches here as null.
    return null;
  }

  private alias(
    node: { resolve(doc: Document): unknown; source: string },
    path: Path,
    depth: number,
  ): unknown {
    const target = node.resolve(this.doc);

    if (target === undefined || this.expanding.has(target)) {
      this.issues.add({
        path,
        expected: 'an alias to an earlier anchor',
        found: `*${node.source}`,
        hint: 'define the anchor (&name) before using it, not inside it',
        position: this.positionOf(node),
      });

      return null;
    }

    this.expanding.add(target);
    const value = this.convert(target, path, depth + 1, false);
    this.expanding.delete(target);

    return value;
  }

  private mapping(
    items: unknown[],
    path: Path,
    depth: number,
    record: boolean,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};

    for (const pair of items) {
      if (!isPair(pair)) continue;

      const key = this.keyText(pair.key, path);
      if (key === undefined) continue;

      const childPath = [...path, key];
      if (record) this.mark(this.keys, childPath, pair.key);

      // defineProperty: a `__proto__` key must stay an ordinary key.
      Object.defineProperty(out, key, {
        value: this.convert(pair.value, childPath, depth + 1, record),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }

    return out;
  }

  private sequence(
    items: unknown[],
    path: Path,
    depth: number,
    record: boolean,
  ): unknown[] {
    return items.map((item, index) => {
      if (isPair(item)) {
        this.issues.add({
          path: [...path, index],
          expected: 'a list item',
          found: 'a `key: value` pair inside a list',
          hint: 'write {key: value} for a mapping inside a list',
          position: this.positionOf(item),
        });

        return null;
      }

      return this.convert(item, [...path, index], depth + 1, record);
    });
  }

  private keyText(key: unknown, path: Path): string | undefined {
    if (key === null) return '';
    if (isScalar(key)) return String(key.value ?? '');

    this.issues.add({
      path,
      expected: 'plain keys (words before `:`)',
      found: 'a list or mapping used as a key',
      hint: 'remove the `?` complex key',
      position: this.positionOf(key),
    });

    return undefined;
  }

  private mark(
    into: Map<string, SourcePosition>,
    path: Path,
    node: unknown,
  ): void {
    const position = this.positionOf(node);
    if (position) into.set(formatPath(path), position);
  }

  private positionOf(node: unknown): SourcePosition | undefined {
    const range = (node as { range?: [number, number, number] } | null)
      ?.range;

    return range ? this.lines.linePos(range[0]) : undefined;
  }

  private tooBig(node: unknown, path: Path, tooDeep: boolean): void {
    if (this.reportedSize) return;
    this.reportedSize = true;

    this.issues.add({
      path,
      expected: tooDeep
        ? `nesting at most ${MAX_DEPTH} levels deep`
        : `at most ${MAX_NODES} values after expanding aliases`,
      found: tooDeep ? 'deeper nesting' : 'more values',
      hint: 'a sweep file is a few dozen lines; check anchors and aliases',
      position: this.positionOf(node),
    });
  }
}
