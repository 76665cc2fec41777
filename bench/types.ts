/** One benchmark measurement row. */
export interface BenchRow {
  /** Group ("trainer", "tasks", "analysis", ...). */
  suite: string;
  /** What was measured ("train step N=100 B=32 T=200, wasm"). */
  name: string;
  /** The figure, in `unit`. */
  value: number;
  unit: string;
  /** Optional peer name and ratio value/peer measured in the same run. */
  peer?: string;
  ratio?: number;
  /** Anything else worth printing (target, notes). */
  note?: string;
}

/** A benchmark module's default export. */
export type BenchSuite = (options: { quick: boolean }) => Promise<BenchRow[]>;
