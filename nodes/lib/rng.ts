/**
 * The seeded random generator every block uses. xoroshiro128+ from `pure-rand` (documented, pure
 * TypeScript, identical in Node and every browser): the same seed gives bit-identical numbers
 * everywhere. Normal deviates use the Box-Muller transform on two uniforms (both outputs are used).
 */
import { xoroshiro128plus } from 'pure-rand/generator/XoroShiro';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A mutable seeded generator. */
export class Rng {
  private g: RandomGenerator;
  private spare: number | undefined;

  constructor(readonly seed: number) {
    // Small seeds give a nearly-zero initial state: scramble the seed (murmur3 finaliser) and
    // discard the first outputs so seeds 0, 1, 2 ... start well mixed.
    this.g = xoroshiro128plus(fmix32(seed | 0));
    for (let i = 0; i < 16; i++) this.g.unsafeNext();
  }

  /** A 32-bit signed integer. */
  private nextInt32(): number {
    return this.g.unsafeNext();
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = (this.nextInt32() >>> 0) >>> 5; // 27 bits
    const lo = (this.nextInt32() >>> 0) >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** Standard normal deviate (Box-Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = a[i] as T;
      a[i] = a[j] as T;
      a[j] = t;
    }
  }

  /** An independent generator derived from this one (for sub-streams: one per task, per worker). */
  fork(): Rng {
    return new Rng(this.nextInt32());
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Derive a child seed from a seed and a label, stable across platforms (FNV-1a over the label). */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
