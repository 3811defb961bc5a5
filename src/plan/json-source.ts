/**
 * JSON text → value, or an issue at the line:column of the first syntax
 * error. V8's messages do not always carry a position, so on failure a
 * small strict scanner finds it.
 */
import type { Issues, SourcePosition } from './issues.js';
import { firstDuplicateKey } from './json-duplicates.js';

export function readJson(source: string, issues: Issues): unknown {
  // A UTF-8 byte-order mark (some editors write one) is not JSON.
  const text = source.replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) {
    issues.add({
      path: [],
      expected: 'a JSON text file',
      found: 'binary data (NUL bytes)',
      hint: 'pass the .json input file',
    });

    return undefined;
  }

  if (text.trim() === '') {
    issues.add({
      path: [],
      expected: 'a JSON object such as {"factors": [...]}',
      found: 'an empty file',
      hint: 'write the input as a JSON object',
      position: { line: 1, col: 1 },
    });

    return undefined;
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    issues.add(syntaxIssue(text));

    return undefined;
  }

  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) {
    issues.add({
      path: [],
      expected: 'each key once per object',
      found: `the key ${JSON.stringify(duplicate.key)} a second time`,
      hint: 'remove one of them: JSON readers silently keep the last',
      position: positionOf(text, duplicate.offset),
    });

    return undefined;
  }

  return value;
}

function syntaxIssue(text: string): Parameters<Issues['add']>[0] {
  const offset = jsonErrorOffset(text);

  // Valid by the scanner but rejected by V8: nesting beyond its stack.
  if (offset === undefined) {
    return {
      path: [],
      expected: 'JSON nested a reasonable depth',
      found: 'nesting too deep to parse',
      hint: 'inputs are an object of matrices: three levels of lists',
    };
  }

  const char = text[offset];
  const before = text.slice(0, offset).trimEnd();
  let hint = 'check the JSON syntax here (double quotes, no comments)';
  if (char === undefined) hint = 'close every bracket, brace and quote';
  else if ('}]'.includes(char) && before.endsWith(',')) {
    hint = 'remove the trailing comma';
  } else if ('NI'.includes(char)) {
    hint = 'JSON has no NaN or Infinity; use finite numbers';
  } else if (char === "'") hint = 'JSON strings use double quotes';

  return {
    path: [],
    expected: 'valid JSON',
    found: char === undefined ? 'the end of the text' : JSON.stringify(char),
    hint,
    position: positionOf(text, offset),
  };
}

export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;

  for (let index = 0; index < offset; index++) {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }

  return { line, col: offset - lineStart + 1 };
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/**
 * Offset of the first JSON syntax error, or undefined if `text` is valid
 * JSON (RFC 8259). An explicit stack instead of recursion: deep nesting
 * must not overflow here.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const open: string[] = [];
  let at = 0;
  let state: 'value' | 'key' | 'after' = 'value';

  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };

  for (;;) {
    skipSpace();
    const char = text[at];

    if (state === 'key') {
      if (char !== '"' || !scanString()) return at;
      skipSpace();
      if (text[at] !== ':') return at;
      at += 1;
      state = 'value';
      continue;
    }

    if (state === 'value') {
      if (char === '{' || char === '[') {
        open.push(char);
        at += 1;
        skipSpace();
        const closer = char === '{' ? '}' : ']';
        if (text[at] === closer) {
          open.pop();
          at += 1;
          state = 'after';
        } else {
          state = char === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (!scanScalar()) return at;
      state = 'after';
      continue;
    }

    const top = open[open.length - 1];
    if (top === undefined) return at === text.length ? undefined : at;
    if (char === ',') {
      at += 1;
      state = top === '{' ? 'key' : 'value';
    } else if (char === (top === '{' ? '}' : ']')) {
      open.pop();
      at += 1;
    } else {
      return at;
    }
  }

  function scanScalar(): boolean {
    const char = text[at];
    if (char === '"') return scanString();

    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return true;
      }
    }

    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null || match[0] === '' || match[0] === '-') return false;
    at += match[0].length;

    return true;
  }

  function scanString(): boolean {
    at += 1;
    while (at < text.length) {
      const char = text[at];
      if (char === '"') {
        at += 1;
        return true;
      }
      if (char < ' ') return false;
      if (char === '\\') {
        const next = text[at + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
            return false;
          }
          at += 6;
          continue;
        }
        if (!ESCAPES.includes(next) || next === '') return false;
        at += 2;
        continue;
      }
      at += 1;
    }

    return false;
  }
}
