/**
 * Test helper for block authors: run one block on given inputs and params (defaults filled in,
 * params validated) and collect what it emitted.
 */
import { isObservable, lastValueFrom, Observable, tap } from 'rxjs';
import type { AnyBlock, BlockEmission, Metrics, RunEnvironment } from './block.ts';
import { checkValue, withDefaults } from './schema.ts';

/** What a block emitted while running under {@link runBlock}. */
export interface BlockRunRecord<Out> {
  outputs: Out;
  progress: Array<{ value: number; max: number; metrics?: Metrics; message?: string }>;
  warnings: string[];
}

export interface RunBlockOptions {
  params?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  signal?: AbortSignal;
  env?: Partial<RunEnvironment>;
  nodeId?: string;
}

/** Thrown by {@link runBlock} when params do not validate. */
export class ParamsError extends Error {
  override name = 'ParamsError';
}

/**
 * Run `block` once. Params are merged with the block's defaults and checked against its schema and
 * its `validate` hook (with no upstream); inputs are passed as given.
 */
export async function runBlock<Out = Record<string, unknown>>(
  block: AnyBlock,
  options: RunBlockOptions = {},
): Promise<BlockRunRecord<Out>> {
  const params = withDefaults(block.params, options.params ?? {}) as Record<string, unknown>;
  const issues = checkValue(block.params, params).map((i) => `${i.path}: ${i.message}`);
  if (block.validate) {
    const ctx = { upstream: {}, nodeParams: () => undefined, upstreamOf: () => ({}) };
    for (const i of block.validate(params, ctx)) issues.push(`${i.param ?? '(node)'}: ${i.message}`);
  }
  if (issues.length > 0) throw new ParamsError(`${block.type}: ${issues.join('; ')}`);
  const record: BlockRunRecord<Out> = { outputs: undefined as Out, progress: [], warnings: [] };
  const env: RunEnvironment = { platform: 'node', ...options.env };
  const result = block.run({
    params,
    inputs: options.inputs ?? {},
    signal: options.signal ?? new AbortController().signal,
    nodeId: options.nodeId ?? 'test',
    env,
    progress: (value: number, max: number, metrics?: Metrics, message?: string) =>
      record.progress.push({
        value,
        max,
        ...(metrics !== undefined ? { metrics } : {}),
        ...(message !== undefined ? { message } : {}),
      }),
    warn: (m: string) => record.warnings.push(m),
  });
  if (isObservable(result)) {
    let outputs: Out | undefined;
    await lastValueFrom(
      (result as Observable<BlockEmission<Out>>).pipe(
        tap((e) => {
          if (e.kind === 'progress')
            record.progress.push({
              value: e.value,
              max: e.max,
              ...(e.metrics !== undefined ? { metrics: e.metrics } : {}),
              ...(e.message !== undefined ? { message: e.message } : {}),
            });
          else if (e.kind === 'warning') record.warnings.push(e.message);
          else outputs = e.outputs;
        }),
      ),
      { defaultValue: undefined },
    );
    if (outputs === undefined) throw new Error(`${block.type}: completed without emitting outputs`);
    record.outputs = outputs;
  } else {
    record.outputs = (await result) as Out;
  }
  return record;
}
