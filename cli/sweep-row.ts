/** One row of a sweep's table, in its own module so the sweep and its figures need not import each other. */
export interface SweepRow {
  run: string;
  seed: number | undefined;
  status: string;
  durationMs: number | undefined;
  error: string | undefined;
  values: Record<string, number>;
  sets: string[];
}
