import './no-ci.js';

import { useInput, type Key } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';

import { single, splitKeys } from '../../src/dash/keys.js';

/** What Ink's useInput reports for each of `writes`, one write at a time. */
async function inkReads(writes: string[]) {
  const seen: Array<{ input: string; key: Key }> = [];
  function Probe() {
    useInput((input, key) => {
      seen.push({ input, key: { ...key } });
    });
    return null;
  }
  const app = render(<Probe />);
  try {
    for (const write of writes) {
      app.stdin.write(write);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    app.unmount();
  }

  return seen;
}

const flags = (key: Key) =>
  Object.entries(key).filter(([, on]) => on === true).map(([name]) => name)
    .sort();

describe('keys of one input', () => {
  it('reads a character as Ink reads it alone', async () => {
    // Newline is left out: alone, Ink reports it as neither Enter nor
    // text; in a write of several keys it ends a line like Enter.
    const chars = ['\t', '\r', '\u007f', '\b', '\u0003', '\u0001', 'a', 'A',
      ' ', '/', '=', 'é'];
    const alone = await inkReads(chars);
    expect(alone.length).toBe(chars.length);
    chars.forEach((char, i) => {
      const ours = single(char);
      expect(ours.input, JSON.stringify(char)).toBe(alone[i].input);
      expect(flags(ours.key), JSON.stringify(char))
        .toEqual(flags(alone[i].key));
    });
  });

  it('splits a run of plain characters into its keys, in order',
    async () => {
      const [together] = await inkReads(['ab\t\r\u007f']);
      const keys = splitKeys(together.input, together.key);
      expect(keys.map((k) => k.input)).toEqual(['a', 'b', '', '\r', '']);
      expect(keys.map((k) => flags(k.key))).toEqual(
        [[], [], ['tab'], ['return'], ['delete']]);
      expect(single('\n')).toEqual(single('\r'));
    });

  it('leaves one key and escape sequences whole', async () => {
    const read = await inkReads(['\u001b[B\u001b[B', 'x']);
    expect(read.length).toBe(3);
    for (const { input, key } of read) {
      expect(splitKeys(input, key)).toEqual([{ input, key }]);
    }
  });
});
