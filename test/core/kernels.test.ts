/**
 * The six product kernels on every path: the dispatching entry points
 * (native above the size threshold when the addon is loaded), the
 * JavaScript kernels alone, and each native instruction-set variant this
 * CPU supports, all against the textbook triple loop on the same inputs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ADDON_FILE,
  addMatmul,
  addMatmulNT,
  addMatmulTN,
  jsKernels,
  kernelInfo,
  type Mat,
  matmul,
  matmulNT,
  matmulTN,
  NATIVE_MIN_WORK,
  type NativeGemm,
  Rng,
  transpose,
  view,
  zeros,
} from '../../src/linalg/index.js';
import { randomMat } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Form = 'NN' | 'TN' | 'NT';

/** One implementation of all six products. */
interface Kernels {
  matmul(out: Mat, a: Mat, b: Mat): void;
  addMatmul(out: Mat, a: Mat, b: Mat): void;
  matmulTN(out: Mat, a: Mat, b: Mat): void;
  addMatmulTN(out: Mat, a: Mat, b: Mat): void;
  matmulNT(out: Mat, a: Mat, b: Mat, alpha?: number): void;
  addMatmulNT(out: Mat, alpha: number, a: Mat, b: Mat): void;
}

const dispatched: Kernels = {
  matmul,
  addMatmul,
  matmulTN,
  addMatmulTN,
  matmulNT,
  addMatmulNT,
};

/** The six products on one native variant called directly. */
function nativeKernels(g: NativeGemm): Kernels {
  return {
    matmul: (o, a, b) => g(o.data, a.data, b.data, a.rows, b.cols, a.cols, 0, 1, false),
    addMatmul: (o, a, b) => g(o.data, a.data, b.data, a.rows, b.cols, a.cols, 0, 1, true),
    matmulTN: (o, a, b) => g(o.data, a.data, b.data, a.cols, b.cols, a.rows, 1, 1, false),
    addMatmulTN: (o, a, b) => g(o.data, a.data, b.data, a.cols, b.cols, a.rows, 1, 1, true),
    matmulNT: (o, a, b, alpha = 1) =>
      g(o.data, a.data, b.data, a.rows, b.rows, a.cols, 2, alpha, false),
    addMatmulNT: (o, alpha, a, b) =>
      g(o.data, a.data, b.data, a.rows, b.rows, a.cols, 2, alpha, true),
  };
}

const paths: [string, Kernels][] = [
  ['dispatched', dispatched],
  ['js', jsKernels],
  ...Object.entries(kernelInfo.variants).map(
    ([isa, g]): [string, Kernels] => [`native ${isa}`, nativeKernels(g)],
  ),
];

/** Textbook product with its error scale Σ_p |a_ip b_pj| per entry. */
function textbook(a: Mat, b: Mat): { value: Float64Array; scale: Float64Array } {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = a.data[i * k + p] * b.data[p * n + j];
        s += x;
        t += Math.abs(x);
      }
      value[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }

  return { value, scale };
}

/**
 * Checks out = c0·[acc] + alpha·a·b entrywise within the worst-case bound
 * of any summation order, (k + 2)·ε·(|c0| + |alpha|·Σ|a b|) — FMA and
 * blocking change the rounding, never more than that.
 */
function expectProduct(
  out: Mat,
  a: Mat,
  b: Mat,
  alpha: number,
  c0: Float64Array | null,
): void {
  const want = textbook(a, b);
  const k = a.cols;
  let worst = 0;
  for (let i = 0; i < out.data.length; i++) {
    const base = c0 === null ? 0 : c0[i];
    const expected = base + alpha * want.value[i];
    const bound =
      (k + 2) * Number.EPSILON * (Math.abs(base) + Math.abs(alpha) * want.scale[i]) +
      Number.MIN_VALUE;
    worst = Math.max(worst, Math.abs(out.data[i] - expected) / bound);
  }
  expect(worst).toBeLessThanOrEqual(1);
}

// m × k · k × n: odd sizes, vectors, k = 1, both sides of the dispatch
// threshold, and shapes crossing the native kernels' tile and cache blocks
// (12×16 tiles, k blocks of 128, row blocks of 192) and the one-row and
// one-column paths (row combinations in column blocks of 1024).
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 1],
  [1, 37, 29],
  [29, 37, 1],
  [40, 1, 40],
  [33, 1, 17],
  [5, 6, 8],
  [4, 8, 8],
  [7, 8, 9],
  [8, 8, 8],
  [9, 8, 8],
  [13, 17, 19],
  [12, 64, 16],
  [25, 31, 47],
  [64, 3, 70],
  [130, 129, 131],
  [200, 140, 35],
  [3, 5, 1030],
  [1, 21, 1100],
  [1100, 21, 1],
  [1, 300, 1],
];

describe('matrix kernels agree with the textbook triple loop', () => {
  it('the threshold splits the shapes above between JavaScript and native', () => {
    const work = SHAPES.map(([m, k, n]) => m * n * k);
    expect(work.some((w) => w < NATIVE_MIN_WORK)).toBe(true);
    expect(work.some((w) => w >= NATIVE_MIN_WORK)).toBe(true);
  });

  for (const [m, k, n] of SHAPES) {
    it(`${m}×${k} · ${k}×${n}, all six forms, every path`, () => {
      const rng = new Rng(1000 * m + 10 * k + n);
      const a = randomMat(m, k, rng);
      const b = randomMat(k, n, rng);
      const at = transpose(a);
      const bt = transpose(b);
      const c0 = randomMat(m, n, rng).data;

      const check = (form: Form, acc: boolean, alpha: number, run: (o: Mat) => void) => {
        const out = zeros(m, n);
        // Overwriting forms must ignore what out held before.
        out.data.set(acc ? c0 : c0.map((x) => x * 1e3 + 7));
        run(out);
        expectProduct(out, a, b, alpha, acc ? c0 : null);
        return `${form}${acc ? '+' : ''}`;
      };

      for (const [name, ks] of paths) {
        const done = [
          check('NN', false, 1, (o) => ks.matmul(o, a, b)),
          check('NN', true, 1, (o) => ks.addMatmul(o, a, b)),
          check('TN', false, 1, (o) => ks.matmulTN(o, at, b)),
          check('TN', true, 1, (o) => ks.addMatmulTN(o, at, b)),
          check('NT', false, -2, (o) => ks.matmulNT(o, a, bt, -2)),
          check('NT', false, 1, (o) => ks.matmulNT(o, a, bt)),
          check('NT', true, 0.375, (o) => ks.addMatmulNT(o, 0.375, a, bt)),
        ];
        expect(done.length, name).toBe(7);
      }
    });
  }

  it('native and JavaScript results differ by round-off only', () => {
    const rng = new Rng(5);
    const a = randomMat(48, 48, rng);
    const b = randomMat(48, 48, rng);
    const js = zeros(48, 48);
    jsKernels.matmul(js, a, b);
    for (const [, ks] of paths) {
      const out = zeros(48, 48);
      ks.matmul(out, a, b);
      const scale = textbook(a, b).scale;
      for (let i = 0; i < out.data.length; i++) {
        expect(Math.abs(out.data[i] - js.data[i])).toBeLessThanOrEqual(
          2 * 50 * Number.EPSILON * scale[i],
        );
      }
    }
  });

  it('works on views into a larger buffer and writes only its output', () => {
    // 23 columns: the native kernels' last column tile is partial, so a
    // store past the edge would land in the guard entries after `out`.
    const rng = new Rng(9);
    const [m, k, n] = [20, 30, 23];
    const aStart = 3;
    const bStart = aStart + m * k + 5;
    const outStart = bStart + k * n + 11;
    const buffer = new Float64Array(outStart + m * n + 40);
    rng.fillGaussian(buffer);
    const a = view(buffer, aStart, m, k);
    const b = view(buffer, bStart, k, n);
    const out = view(buffer, outStart, m, n);
    const aCopy = { rows: m, cols: k, data: Float64Array.from(a.data) };
    const bCopy = { rows: k, cols: n, data: Float64Array.from(b.data) };

    for (const [name, ks] of paths) {
      rng.fillGaussian(out.data);
      const before = Float64Array.from(buffer);
      ks.matmul(out, a, b);
      expectProduct(out, aCopy, bCopy, 1, null);
      const c0 = Float64Array.from(out.data);
      ks.addMatmul(out, a, b);
      expectProduct(out, aCopy, bCopy, 1, c0);
      for (let i = 0; i < buffer.length; i++) {
        if (i < outStart || i >= outStart + m * n) {
          expect(buffer[i], `${name}: entry ${i} outside out`).toBe(before[i]);
        }
      }
    }
  });
});

describe('native addon loading', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const addonPath = join(ROOT, ADDON_FILE);

  it.runIf(existsSync(addonPath) && process.env.SHARPSWEEP_NATIVE === undefined)(
    'is used whenever it is built and not switched off',
    () => {
      expect(kernelInfo.kind).toBe('native');
      expect(Object.keys(kernelInfo.variants)).toContain('scalar');
      expect(Object.keys(kernelInfo.variants)).toContain(kernelInfo.isa);
    },
  );

  it('SHARPSWEEP_NATIVE=0 keeps every product in JavaScript', async () => {
    vi.stubEnv('SHARPSWEEP_NATIVE', '0');
    vi.resetModules();
    const native = await import('../../src/linalg/native.js');
    expect(native.kernelInfo.kind).toBe('js');
    expect(native.nativeGemm).toBeNull();
    expect(native.kernelDescription()).toBe('js (SHARPSWEEP_NATIVE=0)');
  });

  it('an unknown variant name falls back to JavaScript and says why', async () => {
    vi.stubEnv('SHARPSWEEP_NATIVE', 'sse9');
    vi.resetModules();
    const native = await import('../../src/linalg/native.js');
    expect(native.kernelInfo.kind).toBe('js');
    expect(native.kernelDescription()).toMatch(/^js \(/);
  });

  it.runIf(existsSync(addonPath))('rejects arrays shorter than their shape', () => {
    const addon = createRequire(import.meta.url)(addonPath) as {
      gemm: NativeGemm;
    };
    const small = new Float64Array(3);
    const ok = new Float64Array(16);
    expect(() => addon.gemm(ok, small, ok, 4, 4, 4, 0, 1, false)).toThrow(TypeError);
    expect(() => addon.gemm(small, ok, ok, 4, 4, 4, 0, 1, false)).toThrow(TypeError);
    expect(() =>
      addon.gemm(ok, new Float32Array(16) as unknown as Float64Array, ok, 4, 4, 4, 0, 1, false),
    ).toThrow(TypeError);
  });

  it.runIf(existsSync(addonPath))('loads and computes in worker threads', async () => {
    // Each worker loads the addon itself (as the sweep's worker pool does)
    // and returns a 40×40 product of seeded inputs.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.path);
      const n = 40, a = new Float64Array(n * n), b = new Float64Array(n * n);
      for (let i = 0; i < n * n; i++) { a[i] = Math.sin(i + workerData.seed); b[i] = Math.cos(3 * i); }
      const c = new Float64Array(n * n);
      for (let r = 0; r < 200; r++) addon.gemm(c, a, b, n, n, n, 0, 1, false);
      parentPort.postMessage({ a, b, c });
    `;
    const run = (seed: number) =>
      new Promise<{ a: Float64Array; b: Float64Array; c: Float64Array }>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { path: addonPath, seed } });
        w.once('message', (msg) => {
          void w.terminate();
          resolve(msg);
        });
        w.once('error', reject);
      });
    const results = await Promise.all([1, 2, 3].map(run));
    for (const r of results) {
      expectProduct(
        { rows: 40, cols: 40, data: r.c },
        { rows: 40, cols: 40, data: r.a },
        { rows: 40, cols: 40, data: r.b },
        1,
        null,
      );
    }
  });
});
