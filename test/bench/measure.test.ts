import { describe, expect, it } from 'vitest';

import { measure } from '../../bench/measure.js';

// Filling the buffer makes every page resident; the timer keeps the
// process alive long enough for a 100 ms poll to see it.
const ALLOCATE = 'const b = Buffer.alloc(256 * 2 ** 20, 1); ' +
  'setTimeout(() => console.log(b[12345]), 500);';

describe('measure', () => {
  it.each([
    ['GNU time', true],
    ['polled VmHWM', false],
  ])('sees the peak RSS of a child touching 256 MiB (%s)', async (_, gnu) => {
    const m = await measure(process.execPath, ['-e', ALLOCATE], {
      gnuTime: gnu,
    });

    expect(m.exitCode).toBe(0);
    expect(m.stdout.trim()).toBe('1');
    expect(m.peakRssMiB).toBeGreaterThan(256);
    // A node process is not a gigabyte: the figure is the child's alone.
    expect(m.peakRssMiB).toBeLessThan(1024);
  });

  it("returns the child's own stderr, without GNU time's report", async () => {
    const m = await measure(process.execPath, [
      '-e', 'process.stderr.write("oops\\n"); process.exitCode = 3',
    ]);

    expect(m.exitCode).toBe(3);
    expect(m.stderr.trim()).toBe('oops');
  });

  it('reads the done counts of `run --no-tui` progress lines', async () => {
    const lines = [
      '[sweep-a] 10/100 (10.0%)  failed 0',
      'a line that is not progress',
      '[sweep-a] 100/100 (100.0%)  failed 0',
    ];
    const m = await measure(process.execPath, [
      '-e', `console.log(${JSON.stringify(lines.join('\n'))})`,
    ]);

    expect(m.progress.map(([, done]) => done)).toEqual([10, 100]);
  });

  it('stops a run past its timeout and says so', async () => {
    const m = await measure(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 60_000)'],
      { timeoutMs: 300 },
    );

    expect(m.stopped).toBe(true);
    expect(m.wallMs).toBeLessThan(30_000);
  });
});
