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
import { checkArtifacts, parseArtifacts, shellWord, type ArtifactSelection } from './artifact-select.ts';
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
  /** `--artifacts SPEC` (cli/artifact-select.ts). */
  artifacts?: string;
  /** `--store DIR`: content-addressed folder for shared files (datasets). */
  store?: string;
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
      if (opts.artifacts === undefined && c.artifacts !== undefined) opts.artifacts = c.artifacts;
      if (opts.store === undefined && c.store !== undefined) opts.store = c.store;
    }
  }
  let selection: ArtifactSelection | undefined;
  try {
    if (opts.artifacts !== undefined) selection = parseArtifacts(opts.artifacts);
  } catch (e) {
    throw new UsageError((e as Error).message);
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
    return await runChecked(file, opts, { sets, pluginSpecs, targets, previous, nodeTimeoutMs, prepared, selection });
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
    selection: ArtifactSelection | undefined;
  },
): Promise<number> {
  const { sets, pluginSpecs, targets, previous, nodeTimeoutMs, prepared, selection } = c;
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
  if (selection) {
    const outputs = new Map(pipeline.nodes.map((n) => [n.id, Object.keys(n.block.outputs)]));
    const bad = checkArtifacts(selection, outputs);
    if (bad !== undefined) throw new UsageError(bad);
  }
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
    const command = {
      file: resolve(file),
      sets,
      plugins: pluginSpecs.map((p) => (looksLikePath(p) ? resolve(p) : p)),
      targets,
      ...(opts.artifacts !== undefined ? { artifacts: opts.artifacts } : {}),
      ...(opts.store !== undefined ? { store: resolve(opts.store) } : {}),
    };
    const recorder = new RunRecorder(dir, pipeline, {
      file,
      overrides: sets,
      plugins,
      maxArtifactBytes,
      command,
      ...(previous ? { previous } : {}),
      ...(selection ? { selection } : {}),
      ...(opts.store !== undefined ? { store: resolve(opts.store) } : {}),
      commandFor: (node, port) => writeItCommand(command, dir, node, port),
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
    for (const line of leftOutLines(recorder, opts)) process.stderr.write(`${line}\n`);
    for (const line of resultsLines(dir)) process.stderr.write(`${line}\n`);
    if (status === 'cancelled') return 130;
    return status === 'failed' || recorder.writeFailures.length > 0 ? 1 : 0;
  } finally {
    await lock.release();
  }
}

/**
 * The command that writes one left-out output: the same pipeline, params and plugins, only what
 * that node needs (`--target`), that output selected whatever its size, into a folder beside DIR.
 */
export function writeItCommand(
  c: { file: string; sets: string[]; plugins: string[] },
  dir: string,
  node: string,
  port: string,
): string {
  const words = ['npx', 'cortexflow', 'run', c.file];
  for (const s of c.sets) words.push('--set', s);
  for (const p of c.plugins) words.push('--plugin', p);
  words.push('--target', node, '--artifacts', `${node}.${port}`, '--out', `${dir}-${node}.${port}`);
  return words.map(shellWord).join(' ');
}

/** The end-of-run lines naming every file left out and the command that writes each output. */
export function leftOutLines(recorder: RunRecorder, opts: Pick<RunOptions, 'maxArtifactMb' | 'artifacts'>): string[] {
  if (recorder.skipped.length === 0) return [];
  const limit = recorder.leftOut.filter((l) => l.why === 'limit').length > 0;
  const selected = recorder.leftOut.filter((l) => l.why === 'selection').length > 0;
  const why = [
    ...(limit ? [`over --max-artifact-mb ${opts.maxArtifactMb}`] : []),
    ...(selected ? [`not selected by --artifacts ${opts.artifacts ?? ''}`] : []),
  ].join(', or ');
  const lines = [
    `not written (${why}; listed in manifest.json${limit ? ', 0 writes everything' : ''}): ${recorder.skipped.join(', ')}`,
  ];
  for (const l of recorder.leftOut) if (l.command) lines.push(`  to write ${l.output}: ${l.command}`);
  return lines;
}
