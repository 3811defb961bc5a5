/**
 * One input event of Ink as the keys it holds. Ink cuts its input at
 * escape sequences (each arrow is its own event) but hands a run of plain
 * characters over as one string: two Tabs sent together arrive as "\t\t",
 * typed text followed by Enter as "abc\r". Those are split here into one
 * key per character, each flagged as Ink flags it when it arrives alone.
 */
import type { Key } from 'ink';

export interface KeyPress {
  input: string;
  key: Key;
}

const NONE: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false,
  pageDown: false, pageUp: false, home: false, end: false, return: false,
  escape: false, ctrl: false, shift: false, tab: false, backspace: false,
  delete: false, meta: false, super: false, hyper: false, capsLock: false,
  numLock: false,
};

/** The keys of one input event, in the order they were sent. */
export function splitKeys(input: string, key: Key): KeyPress[] {
  const chars = [...input];
  // One character, or an escape sequence Ink parsed (those are never
  // merged with other keys): as given.
  if (chars.length <= 1 || input.includes('\u001b')) return [{ input, key }];

  return chars.map(single);
}

/** A character that arrived alone, as Ink's useInput reports it. */
export function single(char: string): KeyPress {
  const code = char.codePointAt(0)!;
  const key: Key = { ...NONE };
  if (char === '\t') return { input: '', key: { ...key, tab: true } };
  // A newline ends a pasted line as Enter would (alone, Ink reports "\n"
  // as neither return nor text).
  if (char === '\r' || char === '\n') {
    return { input: '\r', key: { ...key, return: true } };
  }
  // As Ink names them: DEL (what the Backspace key sends) is `delete`.
  if (char === '\u007f') return { input: '', key: { ...key, delete: true } };
  if (char === '\b') return { input: '', key: { ...key, backspace: true } };
  if (code === 0) return { input: '`', key: { ...key, ctrl: true } };
  if (code < 0x20) {
    // Ctrl-A … Ctrl-Z (Ctrl-C is "\u0003"): Ink names the letter.
    return {
      input: String.fromCharCode(code + 0x60),
      key: { ...key, ctrl: true },
    };
  }

  return { input: char, key: { ...key, shift: /^[A-Z]$/.test(char) } };
}
