/**
 * The queue's command-line surface: `cortexflow worker`, `cortexflow dashboard`, the `--queue` branch
 * of `cortexflow sweep` and `sweep status|collect|cancel`. main.ts only registers and branches here.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePipelineText } from '../../core/index.ts';
import { applyOverrides } from '../overrides.ts';
import { Option, type Command } from 'commander';
import type { QueueSweepInput } from './submit.ts';
import { QueueCommandError, QueueUrlError, redactText } from './connection.ts';

// BullMQ, ioredis and the dashboard's Express load only when a queue command runs, not at every
// `cortexflow` start-up.
const submit = () => import('./submit.ts');
const actions = () => import('./actions.ts');

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const log = (l: string): void => {
  process.stderr.write(`${l}\n`);
};

/** The sweep sub-actions that take a sweep id instead of a pipeline file. */
export const SWEEP_ACTIONS = ['status', 'collect', 'cancel'] as const;

/** Turn a queue command's failure into `cortexflow: message` and exit code 2 (never a stack, never a password). */
async function guarded(f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (
      e instanceof QueueCommandError ||
      e instanceof QueueUrlError ||
      (e instanceof Error && /^plugin "/.test(e.message))
    ) {
      process.stderr.write(`cortexflow: ${redactText(e.message)}\n`);
      return 2;
    }
    process.stderr.write(`cortexflow: ${redactText(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return 1;
  }
}

function positiveInt(flag: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new QueueCommandError(`${flag} "${v}": expected an integer >= ${min}`);
  return n;
}

/** `--queue URL`, or the CORTEXFLOW_QUEUE environment variable (keeps a password out of `ps`). */
function queueOption(): Option {
  return new Option('-q, --queue <url>', 'Redis URL: redis://[:PASSWORD@]HOST:PORT/DB or rediss:// (TLS)').env(
    'CORTEXFLOW_QUEUE',
  );
}

function needQueue(url: string | undefined, what: string): string {
  if (!url)
    throw new QueueCommandError(
      `${what} needs --queue redis://HOST:PORT/DB (a password: a colon and the password before @HOST; TLS: rediss://), or CORTEXFLOW_QUEUE set to it`,
    );
  return url;
}

/** Options of `sweep` that concern the queue. */
export interface SweepQueueCliOptions {
  queue?: string;
  detach?: boolean;
  attempts?: string;
  store?: string;
  json?: boolean;
  out?: string;
}

/** `sweep status|collect|cancel --queue URL SWEEP`. */
export function sweepAction(action: string, id: string | undefined, o: SweepQueueCliOptions): Promise<number> {
  return guarded(async () => {
    const opts = {
      queue: needQueue(o.queue ?? process.env['CORTEXFLOW_QUEUE'], `sweep ${action}`),
      log,
      ...(o.out ? { out: o.out } : {}),
      ...(o.store ? { store: o.store } : {}),
      ...(o.json ? { json: true } : {}),
    };
    if (action === 'status') return (await actions()).sweepStatus(id, opts);
    if (!id)
      throw new QueueCommandError(
        `sweep ${action} needs the sweep id (cortexflow sweep status --queue URL lists them)`,
      );
    const { sweepCollect, sweepCancel } = await actions();
    return action === 'collect' ? sweepCollect(id, opts) : sweepCancel(id, opts);
  });
}

/** The `--queue` branch of `cortexflow sweep PIPELINE`, once main.ts has validated and expanded it. */
export function sweepOnQueue(
  input: Pick<QueueSweepInput, 'file' | 'name' | 'runs' | 'sets' | 'plugins' | 'backend' | 'out'> & {
    options: SweepQueueCliOptions;
  },
): Promise<number> {
  return guarded(async () => {
    const pipelineText = await readFile(resolve(input.file), 'utf8');
    const parsed = parsePipelineText(pipelineText);
    if (!parsed.ok) throw new QueueCommandError(`${input.file}: ${parsed.error.message}`);
    const over = applyOverrides(parsed.value, input.sets);
    if (!over.ok) throw new QueueCommandError(`${input.file}: invalid --set`);
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = (): void => {
      if (++interrupts > 1) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      return await (
        await submit()
      ).submitSweep({
        file: input.file,
        pipelineText,
        resolvedDocument: over.document,
        name: input.name,
        runs: input.runs,
        sets: input.sets,
        plugins: input.plugins,
        backend: input.backend,
        out: input.out,
        queue: input.options.queue as string,
        detach: input.options.detach === true,
        attempts: positiveInt('--attempts', input.options.attempts, 1),
        log,
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

/** Register `worker` and `dashboard`. */
export function registerQueueCommands(p: Command, setExit: (code: number) => void): void {
  p.command('worker')
    .description(
      'take runs from a sweep queue (cortexflow sweep --queue) and run them; Ctrl-C/SIGTERM: finish, then stop',
    )
    .addOption(queueOption())
    .option('-c, --concurrency <k>', 'runs at a time (one process each)', '1')
    .option(
      '--store <dir>',
      'where run folders go: STORE/SWEEP_ID/runs/RUN_ID (a shared folder in a cluster)',
      'runs/store',
    )
    .option(
      '-p, --plugin <path|package>',
      'plugin the sweeps need (repeatable); versions must match the submitter',
      collect,
      [],
    )
    .option(
      '--lock-duration <ms>',
      "BullMQ job lock: a dead worker's run returns to the queue after about this long",
      '30000',
    )
    .action(async (o: { queue?: string; concurrency: string; store: string; plugin: string[]; lockDuration: string }) =>
      setExit(
        await guarded(async () =>
          (await import('./worker.ts')).runWorker({
            queue: needQueue(o.queue, 'worker'),
            concurrency: positiveInt('--concurrency', o.concurrency, 1),
            store: o.store,
            plugins: o.plugin,
            lockDurationMs: positiveInt('--lock-duration', o.lockDuration, 30000, 1000),
            log,
          }),
        ),
      ),
    );
  p.command('dashboard')
    .description("the sweep queue's live state in a browser (bull-board)")
    .addOption(queueOption())
    .option('--host <addr>', 'address to listen on (0.0.0.0 exposes it: the dashboard has no login)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '3000')
    .action(async (o: { queue?: string; host: string; port: string }) =>
      setExit(
        await guarded(async () => {
          const d = await (
            await import('./dashboard.ts')
          ).startDashboard({
            queue: needQueue(o.queue, 'dashboard'),
            host: o.host,
            port: positiveInt('--port', o.port, 3000, 0),
            log,
          });
          await new Promise<void>((r) => {
            process.once('SIGINT', r);
            process.once('SIGTERM', r);
          });
          await d.close();
          return 0;
        }),
      ),
    );
}
