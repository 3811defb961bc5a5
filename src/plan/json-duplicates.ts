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
  // Only these characters matter; the regex jumps over numbers and
  // whitespace in native code (inputs are mostly long number arrays).
  const structural = /["{}[\],]/g;

  for (;;) {
    const match = structural.exec(text);
    if (match === null) return undefined;
    const at = match.index;
    const char = match[0];
    const top = frames[frames.length - 1];

    if (char === '"') {
      const end = stringEnd(text, at);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(at, end)) as string;
        if (top.keys.has(key)) return { key, offset: at };
        top.keys.add(key);
        top.expectKey = false;
      }
      structural.lastIndex = end;
    } else if (char === '{') frames.push({ keys: new Set(), expectKey: true });
    else if (char === '[') frames.push({ keys: null, expectKey: false });
    else if (char === '}' || char === ']') frames.pop();
    else if (top?.keys) top.expectKey = true; // a comma
  }
}

/** Offset just past the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}
