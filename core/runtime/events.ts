/**
 * The events of a run, and their serialised form: the same events without the in-process output
 * values (models, tensors), which is what NDJSON output and the editor's worker send.
 */
import type { Metrics } from '../block.ts';

/** What an output looked like: its port type and one-line summary. */
export interface OutputSummary {
  type: string;
  summary: string;
}

/** The events of a run: a discriminated `{ type, data }` union. */
export type RunEvent =
  | { type: 'run-started'; data: { runId: string; nodes: string[]; time: number } }
  | { type: 'node-queued'; data: { node: string } }
  | {
      type: 'node-running';
      data: { node: string; progress?: { value: number; max: number }; metrics?: Metrics; message?: string };
    }
  | { type: 'node-warning'; data: { node: string; message: string } }
  | {
      type: 'node-cached';
      data: { node: string; key: string; outputs: Record<string, OutputSummary>; values: Record<string, unknown> };
    }
  | {
      type: 'node-done';
      data: {
        node: string;
        key: string;
        durationMs: number;
        outputs: Record<string, OutputSummary>;
        values: Record<string, unknown>;
      };
    }
  | {
      type: 'node-error';
      data: {
        node: string;
        message: string;
        durationMs: number;
        /** Outputs the block kept despite failing (e.g. the last good checkpoint). */
        outputs?: Record<string, OutputSummary>;
        values?: Record<string, unknown>;
      };
    }
  | { type: 'node-skipped'; data: { node: string; reason: string } }
  | { type: 'node-cancelled'; data: { node: string } }
  | {
      type: 'run-finished';
      data: {
        status: 'done' | 'failed' | 'cancelled';
        durationMs: number;
        counts: { done: number; cached: number; failed: number; skipped: number; cancelled: number };
      };
    };

export type RunEventType = RunEvent['type'];

type WithoutValues<E> = E extends { type: infer T; data: infer D } ? { type: T; data: Omit<D, 'values'> } : never;

/** A run event without output values: JSON-safe and structured-cloneable. */
export type SerialisedRunEvent = WithoutValues<RunEvent>;

/** Drop the in-process output values of an event (for NDJSON, `postMessage`, logs). */
export function serialiseEvent(e: RunEvent): SerialisedRunEvent {
  if (!('values' in e.data)) return e;
  const { values: _values, ...rest } = e.data as Record<string, unknown>;
  return { type: e.type, data: rest } as SerialisedRunEvent;
}
