/**
 * Repeated keys in a JSON object. JSON.parse keeps the last one silently,
 * so `{"factors": A, …, "factors": B}` would compute B while the user
 * edits A; sweep files refuse duplicate keys for the same reason.
 */

export interface DuplicateKey {
  key: string;
  /** Offset of the second occurrence in the text. */
  offset: number;
}

interface Frame {
  /** Keys seen so far, or null in a list. */
  keys: Set<string> | null;
  expectKey: boolean;
}

/**
 * The first key repeated within one object of `text`, which must already
 * be valid JSON (JSON.parse accepted it). An explicit stack, so nesting
 * depth cannot overflow the call stack.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const frames: Frame[] = [];
  let at = 0;

  while (at < text.length) {
    const char = text[at];
    const top = frames[frames.length - 1];

    if (char === '"') {
      const end = stringEnd(text, at);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(at, end)) as string;
        if (top.keys.has(key)) return { key, offset: at };
        top.keys.add(key);
        top.expectKey = false;
      }
      at = end;
      continue;
    }

    if (char === '{') frames.push({ keys: new Set(), expectKey: true });
    else if (char === '[') frames.push({ keys: null, expectKey: false });
    else if (char === '}' || char === ']') frames.pop();
    else if (char === ',' && top?.keys) top.expectKey = true;
    at += 1;
  }

  return undefined;
}

/** Offset just past the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length && text[at] !== '"') {
    at += text[at] === '\\' ? 2 : 1;
  }

  return at + 1;
}
