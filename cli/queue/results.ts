/** What a followed or collected queue sweep writes besides the sweep table: the queue log and a summary. */
import { join } from 'node:path';
import { writeAtomic } from '../artifacts.ts';
import { describeColumns, type SweepRow } from '../sweep.ts';
import type { Tracked } from './client.ts';

/** DIR/queue-runs.json: where and when each run went (for throughput and overhead figures). */
export async function writeQueueLog(out: string, tracked: Tracked[]): Promise<void> {
  const runs = tracked.map((t) => ({
    run: t.run.id,
    job: t.jobId,
    state: t.state,
    attempts: t.job?.attemptsMade,
    worker: t.job?.returnvalue?.worker,
    addedAt: t.job?.timestamp,
    processedAt: t.job?.processedOn,
    childStartedAt: t.job?.returnvalue?.childStartedAt,
    childExitedAt: t.job?.returnvalue?.childExitedAt,
    finishedAt: t.job?.finishedOn,
    rowAt: t.rowAt,
  }));
  await writeAtomic(join(out, 'queue-runs.json'), `${JSON.stringify({ runs }, null, 2)}\n`);
}

export function printSummary(rows: SweepRow[], out: string): void {
  for (const [k, v] of Object.entries(describeColumns(rows)))
    process.stdout.write(
      `${k.padEnd(48)} n=${v.n}  mean ${v.mean.toPrecision(4)}  std ${v.std.toPrecision(3)}  [${v.min.toPrecision(4)}, ${v.max.toPrecision(4)}]\n`,
    );
  for (const r of rows.filter((x) => x.status !== 'done'))
    process.stderr.write(`run ${r.run}: ${r.status}${r.error ? `: ${r.error}` : ''}\n`);
  process.stderr.write(`sweep table: ${join(out, 'sweep.csv')} (and sweep.json)\n`);
}
