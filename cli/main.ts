/**
 * The `cortexflow` command line: run, validate and list pipelines' blocks headless.
 *
 * Exit codes: 0 everything done; 1 a node failed; 2 invalid usage or invalid pipeline (nothing
 * ran); 130 cancelled with Ctrl-C (the manifest marks what was cancelled).
 */
import { readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import {
  formatErrors,
  loadPlugin,
  loadPipeline,
  nodeKeys,
  pluginPackageEntry,
  PluginError,
  parsePipelineText,
  Registry,
  slug,
  toJsonSchema,
  type DocumentError,
  type InputSpec,
  type PortType,
  type ResolvedPipeline,
} from '../core/index.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { RunRecorder, type Manifest } from './artifacts.ts';
import { checkOutOption, cleanStaleTemps, lockOutDir, OutDirError, valuesDir } from './outdir.ts';
import { applyOverrides } from './overrides.ts';
import { barsDisplay, linesDisplay, type Display } from './progress.ts';
import { exportCommand, ExportUsageError } from './export.ts';
import { explainImportError, folderEntryProblem, moduleTypeProblem } from './plugin-checks.ts';
import { cortexflowVersion, pluginNew, PluginNewError } from './plugin-new.ts';
import { resultsLines } from './summary.ts';
import { ALLOW_URLS_ENV } from '../nodes/lib/files.ts';
import { prepareWorker, readManifest, resumePlan, runInWorker, type PreparedWorker } from './run.ts';
import {
  defaultWorkers,
  expandRuns,
  parseGridAxis,
  parseSeeds,
  readRaw,
  runSweep,
  seedParams,
  describeColumns,
} from './sweep.ts';
import {
  registerQueueCommands,
  sweepAction,
  sweepOnQueue,
  SWEEP_ACTIONS,
  type SweepQueueCliOptions,
} from './queue/commands.ts';

/** A usage or validation failure: printed, exit code 2, nothing run. */
class UsageError extends Error {
  override name = 'UsageError';
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || /\.(m?[jt]s)$/.test(spec) || existsSync(spec);
}

/** Import and install each `--plugin`; errors name the plugin. */
async function loadPlugins(registry: Registry, specs: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const spec of specs) {
    let url: string;
    if (looksLikePath(spec)) {
      let path = isAbsolute(spec) ? spec : resolve(process.cwd(), spec);
      if (!existsSync(path)) throw new UsageError(`plugin "${spec}": no such file (${path})`);
      if (statSync(path).isDirectory()) {
        // A plugin package folder: load the module its package.json exports.
        const pkgFile = join(path, 'package.json');
        if (!existsSync(pkgFile))
          throw new UsageError(
            `plugin "${spec}": the folder has no package.json; give the plugin's module file instead`,
          );
        try {
          const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as unknown;
          const noEntry = folderEntryProblem(spec, path, pkg);
          if (noEntry !== undefined) throw new UsageError(noEntry);
          path = resolve(path, pluginPackageEntry(pkg, pkgFile));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          if (e instanceof PluginError) throw new UsageError(e.message);
          throw new UsageError(
            `plugin "${spec}": cannot read its package.json (${e instanceof Error ? e.message : String(e)})`,
          );
        }
        if (!existsSync(path))
          throw new UsageError(`plugin "${spec}": its package.json points at ${path}, which does not exist`);
      }
      const notEsm = moduleTypeProblem(spec, path);
      if (notEsm !== undefined) throw new UsageError(notEsm);
      url = pathToFileURL(path).href;
    } else {
      try {
        url = pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve(spec)).href;
      } catch {
        throw new UsageError(
          `plugin "${spec}": package not found from ${process.cwd()} (npm install it, or give a path)`,
        );
      }
    }
    try {
      names.push(
        (
          await loadPlugin(
            spec,
            async () => {
              try {
                return (await import(url)) as Record<string, unknown>;
              } catch (e) {
                const clearer = explainImportError(spec, url.startsWith('file:') ? fileURLToPath(url) : undefined, e);
                throw new UsageError(
                  clearer ?? `plugin "${spec}": importing it threw: ${e instanceof Error ? e.message : String(e)}`,
                );
              }
            },
            registry,
          )
        ).name,
      );
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  return names;
}

/** A registry with the built-ins and the `--plugin`s (also used by the run's worker thread). */
export async function makeRegistry(
  plugins: readonly string[],
  onWarning: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
): Promise<{ registry: Registry; plugins: string[] }> {
  const registry = builtinRegistry({ onWarning, pluginHint: 'load them with --plugin PATH' });
  return { registry, plugins: await loadPlugins(registry, plugins) };
}

/** Read, override and validate a pipeline file (also used by the run's worker thread). */
export async function readPipeline(
  file: string,
  registry: Registry,
  sets: readonly string[],
): Promise<{ pipeline: ResolvedPipeline; warnings: string[] } | { errors: DocumentError[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`,
    );
  }
  const parsed = parsePipelineText(text);
  if (!parsed.ok) return { errors: [parsed.error] };
  const over = applyOverrides(parsed.value, sets, (type) =>
    registry.has(type) ? Object.keys((registry.get(type).params as { properties: object }).properties) : undefined,
  );
  if (!over.ok) return { errors: over.errors };
  const r = loadPipeline(over.document, registry);
  return r.ok ? { pipeline: r.pipeline, warnings: r.warnings } : { errors: r.errors };
}

function stamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
}

interface RunOptions {
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

async function runCommand(fileArg: string | undefined, opts: RunOptions): Promise<number> {
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

async function validateCommand(
  file: string,
  opts: { set: string[]; plugin: string[]; json?: boolean },
): Promise<number> {
  const { registry } = await makeRegistry(opts.plugin);
  const loaded = await readPipeline(file, registry, opts.set);
  if ('errors' in loaded) {
    if (opts.json) process.stdout.write(`${JSON.stringify({ valid: false, file, errors: loaded.errors }, null, 2)}\n`);
    else process.stderr.write(`${file}: invalid pipeline:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  const { pipeline, warnings } = loaded;
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ valid: true, file, name: pipeline.name, nodes: pipeline.nodes.length, edges: pipeline.edges.length, warnings }, null, 2)}\n`,
    );
  else {
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `${file}: valid ("${pipeline.name}", ${pipeline.nodes.length} nodes, ${pipeline.edges.length} edges)\n`,
    );
  }
  return 0;
}

async function nodesCommand(opts: { plugin: string[]; json?: boolean }): Promise<number> {
  const { registry } = await makeRegistry(opts.plugin);
  if (opts.json) {
    const list = registry.list().map((b) => ({
      type: b.type,
      version: b.version,
      category: b.category,
      title: b.title,
      description: b.description,
      inputs: Object.fromEntries(
        Object.entries(b.inputs as Record<string, InputSpec>).map(([k, i]) => [
          k,
          { type: i.type.name, multiple: i.multiple, optional: i.optional, accepts: i.accepts },
        ]),
      ),
      outputs: Object.fromEntries(
        Object.entries(b.outputs as Record<string, PortType>).map(([k, p]) => [k, { type: p.name }]),
      ),
      params: toJsonSchema(b.params),
    }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  for (const [cat, blocks] of registry.byCategory()) {
    process.stdout.write(`${cat}\n`);
    for (const b of blocks) {
      const ins = Object.entries(b.inputs as Record<string, InputSpec>)
        .map(([k, i]) => `${k}: ${i.type.name}${i.multiple ? '[]' : ''}${i.optional ? '?' : ''}`)
        .join(', ');
      const outs = Object.entries(b.outputs as Record<string, PortType>)
        .map(([k, p]) => `${k}: ${p.name}`)
        .join(', ');
      process.stdout.write(`  ${b.type.padEnd(26)} ${b.title}  (${ins || '-'}) -> (${outs || '-'})\n`);
    }
  }
  return 0;
}

interface SweepCliOptions extends SweepQueueCliOptions {
  seeds?: string;
  grid: string[];
  set: string[];
  plugin: string[];
  workers?: string;
  out?: string;
  backend?: string;
}

async function sweepCommand(file: string, sweepId: string | undefined, opts: SweepCliOptions): Promise<number> {
  if ((SWEEP_ACTIONS as readonly string[]).includes(file) && !existsSync(file)) return sweepAction(file, sweepId, opts);
  if (sweepId !== undefined) throw new UsageError(`sweep: unexpected argument "${sweepId}"`);
  const { registry } = await makeRegistry(opts.plugin);
  // Validate once up front, with the first run's overrides, so a broken file fails fast.
  const loaded = await readPipeline(file, registry, opts.set);
  if ('errors' in loaded) {
    process.stderr.write(`${file}: invalid pipeline, nothing was run:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  let seeds: number[] | undefined;
  let grid;
  try {
    seeds = opts.seeds !== undefined ? parseSeeds(opts.seeds) : undefined;
    grid = opts.grid.map(parseGridAxis);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (seeds === undefined && grid.length === 0) throw new UsageError('sweep needs --seeds and/or --grid');
  const raw = await readRaw(file);
  const seedKeys = seedParams(raw, (type) =>
    registry.has(type) ? Object.keys((registry.get(type).params as { properties: object }).properties) : undefined,
  );
  if (seeds !== undefined && seedKeys.length === 0)
    throw new UsageError(`${file}: no node has a "seed" param to sweep`);
  const runs = expandRuns(seeds, seedKeys, grid);
  const workers = opts.workers !== undefined ? Number(opts.workers) : defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers "${opts.workers}": expected an integer >= 1`);
  const out = resolve(opts.out ?? join('runs', `sweep-${slug(loaded.pipeline.name)}`));
  if (opts.queue)
    return sweepOnQueue({
      file,
      name: loaded.pipeline.name,
      runs,
      sets: opts.set,
      plugins: opts.plugin,
      backend: opts.backend,
      out,
      options: opts,
    });
  const controller = new AbortController();
  const hard = new AbortController();
  let stops = 0;
  // SIGINT or SIGTERM: forwarded to the runs, which cancel; the table of what finished is written.
  const onSigint = (): void => {
    stops++;
    if (stops === 1) {
      process.stderr.write(
        '\nstopping the sweep: running runs are cancelled, finished ones are kept; run the same command again to resume (again to kill them at once)\n',
      );
      controller.abort();
    } else hard.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  if (seeds !== undefined) process.stderr.write(`sweep: seeds set through ${seedKeys.join(', ')}\n`);
  const rows = await runSweep({
    pipeline: file,
    out,
    runs,
    workers,
    plugins: opts.plugin,
    sets: opts.set,
    ...(opts.backend ? { backend: opts.backend } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
    signal: controller.signal,
    kill: hard.signal,
  });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  const summary = describeColumns(rows);
  const failed = rows.filter((r) => r.status !== 'done');
  for (const [k, v] of Object.entries(summary))
    process.stdout.write(
      `${k.padEnd(48)} n=${v.n}  mean ${v.mean.toPrecision(4)}  std ${v.std.toPrecision(3)}  [${v.min.toPrecision(4)}, ${v.max.toPrecision(4)}]\n`,
    );
  for (const r of failed) process.stderr.write(`run ${r.run}: ${r.status}${r.error ? `: ${r.error}` : ''}\n`);
  process.stderr.write(`sweep table: ${join(out, 'sweep.csv')} (and sweep.json)\n`);
  if (controller.signal.aborted) return 130;
  return failed.length > 0 ? 1 : 0;
}

/** Build the command-line program. `setExit` receives the exit code of the command that ran. */
export function program(setExit: (code: number) => void): Command {
  const p = new Command('cortexflow')
    .description('Run, validate and inspect cortexflow pipelines headless.')
    .version(cortexflowVersion(), '-V, --version', 'print the cortexflow version')
    .exitOverride()
    .showHelpAfterError();
  const allowUrls = (): void => {
    // Read by the blocks that fetch (model.load), in this process and in sweep workers.
    process.env[ALLOW_URLS_ENV] = '1';
  };
  p.command('run')
    .description('run a pipeline; write artifacts and manifest.json to --out')
    .argument('[pipeline]', 'pipeline JSON file (with --resume: default, the one the run was started with)')
    .option('-o, --out <dir>', 'results folder (default runs/<pipeline-name>-<timestamp>/); locked while the run lasts')
    .option(
      '--resume <dir>',
      'continue the run in this results folder: nodes it finished (same type, version, params and inputs) are reused, the rest computed',
    )
    .option('--node-timeout <seconds>', 'fail a node that runs longer than this')
    .option(
      '-s, --set <node.param=value>',
      'override a param (repeatable); value parsed as JSON when it parses',
      collect,
      [],
    )
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('-t, --target <node>', 'run only what this node needs (repeatable)', collect, [])
    .addOption(new Option('-b, --backend <name>', 'tfjs backend for compute blocks').choices(['wasm', 'cpu']))
    .option('--json', 'print NDJSON run events on stdout instead of progress bars')
    .option(
      '--max-artifact-mb <mb>',
      'do not write result files larger than this (large datasets the pipeline regenerates); 0 = no limit',
      '64',
    )
    .option('--allow-urls', 'let blocks fetch http(s) URLs named in the pipeline (model.load); off by default')
    .action(async (file: string | undefined, o: RunOptions & { allowUrls?: boolean }) => {
      if (o.allowUrls) allowUrls();
      setExit(await runCommand(file, o));
    });
  p.command('validate')
    .description('check a pipeline file without running it')
    .argument('<pipeline>', 'pipeline JSON file')
    .option('-s, --set <node.param=value>', 'override a param (repeatable)', collect, [])
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { set: string[]; plugin: string[]; json?: boolean }) =>
      setExit(await validateCommand(file, o)),
    );
  p.command('sweep')
    .description('run a pipeline for many seeds and/or a params grid; resumable; one table of results')
    .argument('<pipeline>', 'pipeline JSON file, or status|collect|cancel (with --queue) followed by the sweep id')
    .argument('[sweep]', 'the sweep id, for status|collect|cancel')
    .option('--seeds <list>', 'seeds, e.g. 1..20 or 1,2,5: every "seed" param of the pipeline is set to each')
    .option(
      '-g, --grid <node.param=v1,v2>',
      'a grid axis (repeatable; the runs are the cartesian product)',
      collect,
      [],
    )
    .option('-s, --set <node.param=value>', 'override a param in every run (repeatable)', collect, [])
    .option('-p, --plugin <path|package>', 'load a plugin module (repeatable)', collect, [])
    .option('-w, --workers <k>', 'parallel runs (default: number of cores)')
    .option('-o, --out <dir>', 'sweep folder (default runs/sweep-<pipeline-name>/); re-running resumes it')
    .addOption(new Option('-b, --backend <name>', 'tfjs backend for compute blocks').choices(['wasm', 'cpu']))
    .option('--allow-urls', 'let blocks fetch http(s) URLs named in the pipeline (model.load); off by default')
    .option(
      '-q, --queue <url>',
      'run on a BullMQ queue served by `cortexflow worker`s: redis://[:PASSWORD@]HOST:PORT/DB or rediss://',
    )
    .option('--detach', 'with --queue: submit and return at once')
    .option('--attempts <n>', 'with --queue: attempts of a failing run before it is a failed row', '1')
    .option('--store <dir>', 'collect: copy the run folders from this worker store')
    .option('--json', 'status: print JSON')
    .action(async (file: string, sweepId: string | undefined, o: SweepCliOptions & { allowUrls?: boolean }) => {
      if (o.allowUrls) allowUrls();
      setExit(await sweepCommand(file, sweepId, o));
    });
  registerQueueCommands(p, setExit);
  p.command('nodes')
    .description('list every block type with its ports (and params as JSON Schema with --json)')
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (o: { plugin: string[]; json?: boolean }) => setExit(await nodesCommand(o)));
  p.command('export')
    .description(
      'write a saved model (model.json, its folder, or a Keras .h5) for Python: Keras HDF5, safetensors or .npz',
    )
    .argument('<model>', 'model.json, the folder holding one, or a Keras .h5 file')
    .addOption(
      new Option('--to <format>', 'target format (see docs/python.md)')
        .choices(['keras', 'safetensors', 'npz'])
        .makeOptionMandatory(),
    )
    .option('-o, --out <file>', 'output file (default: next to the model, model.h5 / model.safetensors / model.npz)')
    .option('-f, --force', 'replace the output file if it exists')
    .action(async (model: string, o: { to: string; out?: string; force?: boolean }) => {
      try {
        setExit(await exportCommand(model, o, (l) => process.stderr.write(`${l}\n`)));
      } catch (e) {
        if (e instanceof ExportUsageError) throw new UsageError(e.message);
        throw e;
      }
    });
  p.command('plugin')
    .description('plugin tools')
    .command('new')
    .description('write a ready plugin package (package.json, one block, one test, an example pipeline) into ./NAME')
    .argument('<name>', 'plugin name: lowercase letters, digits, dashes (also the block family)')
    .option('-d, --dir <folder>', 'where to write it (default ./NAME)')
    .action((name: string, o: { dir?: string }) => {
      try {
        const { folder, files } = pluginNew(name, o.dir);
        process.stdout.write(
          `wrote ${folder}: ${files.join(', ')}\nnext: cd ${folder} && npm install && npm test && npx cortexflow run example.json --plugin .\n`,
        );
        setExit(0);
      } catch (e) {
        if (e instanceof PluginNewError) throw new UsageError(e.message);
        throw e;
      }
    });
  return p;
}

/** Entry point: parse argv, run, return the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const p = program((c) => {
    code = c;
  });
  try {
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`cortexflow: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`cortexflow: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
