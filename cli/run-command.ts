/**
 * `cortexflow run`: check the options and the results folder, lock it, start the pipeline in its
 * worker thread (run.ts), record every event into the folder (artifacts.ts) and print where the
 * results are.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatErrors, nodeKeys, slug } from '../core/index.ts';
import { RunRecorder, type Manifest } from './artifacts.ts';
import { checkOutOption, cleanStaleTemps, lockOutDir, OutDirError, valuesDir } from './outdir.ts';
import { looksLikePath, makeRegistry, readPipeline, UsageError } from './pipeline-load.ts';
import { barsDisplay, linesDisplay, type Display } from './progress.ts';
import { resultsLines } from './summary.ts';
import { prepareWorker, readManifest, resumePlan, runInWorker, type PreparedWorker } from './run.ts';

function stamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
}

export interface RunOptions {
  out?: string;
  set: string[];
  plugin: string[];
  json?: boolean;
  target: string[];
  backend?: string;
  maxArtifactMb: string;
  resume?: string;
  nodeTimeout?: string;
}

/** Write to stdout; a reader that went away (`| head`) is not an error. */
function writeOut(text: string): void {
  if (!process.stdout.destroyed) process.stdout.write(text);
}

export async function runCommand(fileArg: string | undefined, opts: RunOptions): Promise<number> {
  try {
    checkOutOption(opts.out);
    checkOutOption(opts.resume, '--resume');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let file = fileArg;
  let sets = opts.set;
  let pluginSpecs = opts.plugin;
  let targets = opts.target;
  let previous: Manifest | undefined;
  if (opts.resume !== undefined) {
    if (opts.out !== undefined && resolve(opts.out) !== resolve(opts.resume))
      throw new UsageError('--resume DIR is the results folder already; leave --out out');
    previous = await readManifest(resolve(opts.resume));
    if (!previous) throw new UsageError(`--resume ${opts.resume}: no readable manifest.json there, nothing to resume`);
    if (file === undefined) {
      const c = previous.command;
      if (!c)
        throw new UsageError(
          `--resume ${opts.resume}: the manifest does not record its command; give the pipeline file too`,
        );
      file = c.file;
      if (sets.length === 0) sets = c.sets;
      if (pluginSpecs.length === 0) pluginSpecs = c.plugins;
      if (targets.length === 0) targets = c.targets;
    }
  }
  if (file === undefined) throw new UsageError('run needs a pipeline file (or --resume DIR)');
  let nodeTimeoutMs = 0;
  if (opts.nodeTimeout !== undefined) {
    const s = Number(opts.nodeTimeout);
    if (!Number.isFinite(s) || s <= 0)
      throw new UsageError(`--node-timeout "${opts.nodeTimeout}": expected a number of seconds > 0`);
    nodeTimeoutMs = Math.round(s * 1000);
  }
  const envBackend = opts.backend ?? process.env['CORTEXFLOW_BACKEND'];
  // The worker loads the same blocks and pipeline meanwhile (see cli/run.ts).
  const prepared = prepareWorker({
    file,
    sets,
    plugins: pluginSpecs,
    targets,
    ...(envBackend ? { backend: envBackend } : {}),
  });
  try {
    return await runChecked(file, opts, { sets, pluginSpecs, targets, previous, nodeTimeoutMs, prepared });
  } finally {
    await prepared.dispose();
  }
}

async function runChecked(
  file: string,
  opts: RunOptions,
  c: {
    sets: string[];
    pluginSpecs: string[];
    targets: string[];
    previous: Manifest | undefined;
    nodeTimeoutMs: number;
    prepared: PreparedWorker;
  },
): Promise<number> {
  const { sets, pluginSpecs, targets, previous, nodeTimeoutMs, prepared } = c;
  const { registry, plugins } = await makeRegistry(pluginSpecs);
  const loaded = await readPipeline(file, registry, sets);
  if ('errors' in loaded) {
    if (opts.json) writeOut(`${JSON.stringify({ type: 'invalid-pipeline', data: { file, errors: loaded.errors } })}\n`);
    process.stderr.write(`${file}: invalid pipeline, nothing was run:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  const { pipeline } = loaded;
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const t of targets)
    if (!pipeline.byId.has(t))
      throw new UsageError(`--target "${t}": no such node (nodes: ${[...pipeline.byId.keys()].join(', ')})`);
  const maxMb = Number(opts.maxArtifactMb);
  if (!Number.isFinite(maxMb) || maxMb < 0)
    throw new UsageError(
      `--max-artifact-mb "${opts.maxArtifactMb}": expected a number of megabytes >= 0 (0 = no limit)`,
    );
  const dir = resolve(opts.resume ?? opts.out ?? join('runs', `${slug(pipeline.name)}-${stamp()}`));
  let lock;
  try {
    lock = await lockOutDir(dir);
  } catch (e) {
    if (e instanceof OutDirError) throw new UsageError(e.message);
    throw e;
  }
  try {
    const stale = await cleanStaleTemps(dir);
    if (stale > 0) process.stderr.write(`removed ${stale} temporary file(s) a killed run left in ${dir}\n`);
    const keys = nodeKeys(pipeline);
    let reuse: string[] = [];
    if (previous) {
      const resumable = resumePlan(previous, pipeline, keys, targets, dir);
      if (resumable.alreadyDone) {
        process.stderr.write(`${dir}: this run is already done (same pipeline and params); nothing to resume\n`);
        return 0;
      }
      reuse = resumable.keys;
      const was =
        previous.status === 'running'
          ? `its run${previous.pid !== undefined ? ` (pid ${previous.pid})` : ''} was interrupted`
          : `its run ended ${previous.status}`;
      process.stderr.write(`resuming ${dir} (${was}): ${reuse.length} finished node(s) reused\n`);
    } else await rm(valuesDir(dir), { recursive: true, force: true });
    const maxArtifactBytes = Math.round(maxMb * 2 ** 20);
    const recorder = new RunRecorder(dir, pipeline, {
      file,
      overrides: sets,
      plugins,
      maxArtifactBytes,
      command: {
        file: resolve(file),
        sets,
        plugins: pluginSpecs.map((p) => (looksLikePath(p) ? resolve(p) : p)),
        targets,
      },
      ...(previous ? { previous } : {}),
    });
    const display: Display | undefined = opts.json
      ? undefined
      : process.stderr.isTTY
        ? barsDisplay(process.stderr)
        : linesDisplay(process.stderr);
    const heldLock = lock;
    const status = await runInWorker({
      prepared,
      start: { nodeTimeoutMs, maxValueBytes: maxArtifactBytes, reuseKeys: reuse, valuesDir: valuesDir(dir) },
      recorder,
      display,
      json: (e) => {
        if (opts.json) writeOut(`${JSON.stringify(e)}\n`);
      },
      exitNow: () => {
        display?.stop();
        heldLock.releaseSync();
        process.exit(130);
      },
      log: (l) => process.stderr.write(`${l}\n`),
    });
    display?.stop();
    await recorder.flush();
    for (const f of recorder.writeFailures) process.stderr.write(`error writing results: ${f}\n`);
    if (recorder.skipped.length)
      process.stderr.write(
        `not written (over --max-artifact-mb ${opts.maxArtifactMb}; listed in manifest.json, 0 writes everything): ${recorder.skipped.join(', ')}\n`,
      );
    for (const line of resultsLines(dir)) process.stderr.write(`${line}\n`);
    if (status === 'cancelled') return 130;
    return status === 'failed' || recorder.writeFailures.length > 0 ? 1 : 0;
  } finally {
    await lock.release();
  }
}
