/**
 * The `cortexflow` command line: run, validate and list pipelines' blocks headless.
 *
 * Exit codes: 0 everything done; 1 a node failed; 2 invalid usage or invalid pipeline (nothing
 * ran); 130 cancelled with Ctrl-C (the manifest marks what was cancelled).
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import {
  execute,
  formatErrors,
  loadPlugin,
  loadPipeline,
  pluginPackageEntry,
  PluginError,
  parsePipelineText,
  Registry,
  serialiseEvent,
  slug,
  toJsonSchema,
  type DocumentError,
  type InputSpec,
  type PortType,
  type ResolvedPipeline,
} from '../core/index.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { RunRecorder } from './artifacts.ts';
import { applyOverrides } from './overrides.ts';
import { barsDisplay, linesDisplay, type Display } from './progress.ts';
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
          path = resolve(path, pluginPackageEntry(JSON.parse(readFileSync(pkgFile, 'utf8')), pkgFile));
        } catch (e) {
          if (e instanceof PluginError) throw new UsageError(e.message);
          throw new UsageError(
            `plugin "${spec}": cannot read its package.json (${e instanceof Error ? e.message : String(e)})`,
          );
        }
        if (!existsSync(path))
          throw new UsageError(`plugin "${spec}": its package.json points at ${path}, which does not exist`);
      }
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
      names.push((await loadPlugin(spec, () => import(url), registry)).name);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  return names;
}

async function makeRegistry(plugins: readonly string[]): Promise<{ registry: Registry; plugins: string[] }> {
  const registry = builtinRegistry({
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
    pluginHint: 'load them with --plugin PATH',
  });
  return { registry, plugins: await loadPlugins(registry, plugins) };
}

async function readPipeline(
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
}

async function runCommand(file: string, opts: RunOptions): Promise<number> {
  const { registry, plugins } = await makeRegistry(opts.plugin);
  const loaded = await readPipeline(file, registry, opts.set);
  if ('errors' in loaded) {
    if (opts.json)
      process.stdout.write(`${JSON.stringify({ type: 'invalid-pipeline', data: { file, errors: loaded.errors } })}\n`);
    process.stderr.write(`${file}: invalid pipeline, nothing was run:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  const { pipeline } = loaded;
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const t of opts.target)
    if (!pipeline.byId.has(t))
      throw new UsageError(`--target "${t}": no such node (nodes: ${[...pipeline.byId.keys()].join(', ')})`);
  const dir = resolve(opts.out ?? join('runs', `${slug(pipeline.name)}-${stamp()}`));
  const maxMb = Number(opts.maxArtifactMb);
  if (!Number.isFinite(maxMb) || maxMb < 0)
    throw new UsageError(
      `--max-artifact-mb "${opts.maxArtifactMb}": expected a number of megabytes >= 0 (0 = no limit)`,
    );
  const recorder = new RunRecorder(dir, pipeline, {
    file,
    overrides: opts.set,
    plugins,
    maxArtifactBytes: Math.round(maxMb * 2 ** 20),
  });
  const display: Display | undefined = opts.json
    ? undefined
    : process.stderr.isTTY
      ? barsDisplay(process.stderr)
      : linesDisplay(process.stderr);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\ncancelling (Ctrl-C again to quit at once)...\n');
      controller.abort(new Error('cancelled by the user'));
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const final: { status: 'done' | 'failed' | 'cancelled' } = { status: 'done' };
  const envBackend = opts.backend ?? process.env['CORTEXFLOW_BACKEND'];
  await new Promise<void>((resolveRun, rejectRun) => {
    execute(pipeline, {
      signal: controller.signal,
      ...(opts.target.length ? { targets: opts.target } : {}),
      env: { platform: 'node', ...(envBackend ? { backend: envBackend } : {}) },
    }).subscribe({
      next: (e) => {
        recorder.record(e);
        display?.event(e);
        if (opts.json) process.stdout.write(`${JSON.stringify(serialiseEvent(e))}\n`);
        if (e.type === 'run-finished') final.status = e.data.status;
      },
      error: rejectRun,
      complete: resolveRun,
    });
  });
  display?.stop();
  await recorder.flush();
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  for (const f of recorder.writeFailures) process.stderr.write(`error writing results: ${f}\n`);
  if (recorder.skipped.length)
    process.stderr.write(
      `not written (over --max-artifact-mb ${opts.maxArtifactMb}; listed in manifest.json, 0 writes everything): ${recorder.skipped.join(', ')}\n`,
    );
  process.stderr.write(`results: ${dir}\n`);
  if (final.status === 'cancelled') return 130;
  return final.status === 'failed' || recorder.writeFailures.length > 0 ? 1 : 0;
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

interface SweepCliOptions {
  seeds?: string;
  grid: string[];
  set: string[];
  plugin: string[];
  workers?: string;
  out?: string;
  backend?: string;
}

async function sweepCommand(file: string, opts: SweepCliOptions): Promise<number> {
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
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write(
      '\nstopping the sweep: running runs are cancelled, finished ones are kept; run the same command again to resume\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
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
  });
  process.off('SIGINT', onSigint);
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
  const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  const p = new Command('cortexflow')
    .description('Run, validate and inspect cortexflow pipelines headless.')
    .version(version, '-V, --version', 'print the cortexflow version')
    .exitOverride()
    .showHelpAfterError();
  p.command('run')
    .description('run a pipeline; write artifacts and manifest.json to --out')
    .argument('<pipeline>', 'pipeline JSON file')
    .option('-o, --out <dir>', 'results folder (default runs/<pipeline-name>-<timestamp>/)')
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
    .action(async (file: string, o: RunOptions) => setExit(await runCommand(file, o)));
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
    .argument('<pipeline>', 'pipeline JSON file')
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
    .action(async (file: string, o: SweepCliOptions) => setExit(await sweepCommand(file, o)));
  p.command('nodes')
    .description('list every block type with its ports (and params as JSON Schema with --json)')
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (o: { plugin: string[]; json?: boolean }) => setExit(await nodesCommand(o)));
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
