/**
 * Seeded randomness. xoshiro128** (Blackman & Vigna) in 32-bit integer
 * arithmetic, so every platform produces the same stream; its state is
 * filled by splitmix32 from the seed. Independent sub-streams come from
 * `derive(seed, stream)`, which hashes both into a fresh seed, so a
 * trial's target, factors and direction never share random numbers.
 */
import { InputError } from '../errors.js';

const TWO32 = 4294967296;

/** Low and high 32-bit words of a safe integer (two's complement for <0). */
function words(seed: number, what: string): [number, number] {
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`${what} must be a safe integer, got ${seed}`, {
      hint: 'use an integer between -(2^53-1) and 2^53-1',
    });
  }
  const lo = ((seed % TWO32) + TWO32) % TWO32;
  const hi = Math.floor(seed / TWO32);

  return [lo >>> 0, hi >>> 0];
}

/** Murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;

  return h >>> 0;
}

/**
 * A new seed for sub-stream `stream` of `seed`. Different streams of one
 * seed, and the same stream of different seeds, give unrelated seeds.
 */
export function derive(seed: number, stream: number): number {
  const [lo, hi] = words(seed, 'seed');
  const [slo, shi] = words(stream, 'stream');
  const a = fmix32(lo ^ fmix32(hi ^ 0x9e3779b9) ^ fmix32(slo + 0x7f4a7c15));
  const b = fmix32(hi ^ fmix32(a ^ shi ^ 0x94d049bb) ^ fmix32(slo ^ lo));

  // 21 + 32 bits: the result is itself a safe integer seed.
  return (a & 0x1fffff) * TWO32 + b;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    const [lo, hi] = words(seed, 'seed');
    let z = (lo ^ fmix32(hi)) >>> 0;
    const next = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
      t = Math.imul(t ^ (t >>> 15), 0x735a2d97);

      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();

    // An all-zero state would be a fixed point of xoshiro.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);

    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;

    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal by Box–Muller; the second draw is kept for later. */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;

      return this.spare;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;

    return radius * Math.cos(angle);
  }

  /** Fills `out` with i.i.d. N(0, sd²) draws. */
  fillGaussian(out: Float64Array, sd = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = sd * this.gaussian();

    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
