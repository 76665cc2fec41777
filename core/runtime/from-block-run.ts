/**
 * `fromBlockRun`: a block's `run` as one Observable of {@link BlockEmission}s, whichever form the
 * block chose (a Promise of outputs, or an Observable of emissions) and however it reports (the
 * `progress` / `warn` callbacks or emissions). Used by the runtime and by `runBlock` in tests.
 */
import { isObservable, Observable } from 'rxjs';
import type { AnyBlock, BlockEmission, Metrics, RunEnvironment } from '../block.ts';

/** What `run` receives besides the callbacks `fromBlockRun` provides. */
export interface BlockRunInput {
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  signal: AbortSignal;
  nodeId: string;
  env: RunEnvironment;
}

/** Run `block` with `ctx` when subscribed; emissions in the order the block made them. */
export function fromBlockRun<Out = Record<string, unknown>>(block: AnyBlock, ctx: BlockRunInput): Observable<BlockEmission<Out>> {
  return new Observable<BlockEmission<Out>>((subscriber) => {
    const progress = (value: number, max: number, metrics?: Metrics, message?: string): void =>
      subscriber.next({
        kind: 'progress',
        value,
        max,
        ...(metrics !== undefined ? { metrics } : {}),
        ...(message !== undefined ? { message } : {}),
      });
    const warn = (message: string): void => subscriber.next({ kind: 'warning', message });
    let result: unknown;
    try {
      result = block.run({ ...ctx, progress, warn });
    } catch (e) {
      subscriber.error(e);
      return undefined;
    }
    if (isObservable(result)) return (result as Observable<BlockEmission<Out>>).subscribe(subscriber);
    (result as Promise<Out>).then(
      (outputs) => {
        subscriber.next({ kind: 'outputs', outputs });
        subscriber.complete();
      },
      (e: unknown) => subscriber.error(e),
    );
    return undefined;
  });
}
