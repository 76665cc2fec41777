/**
 * What travels through the queue: one BullMQ job per run of a sweep, its id derived from the run's
 * content, and the small result a worker sends back (the run's manifest: headline numbers, statuses,
 * file list; never arrays). Shared by the submitter, the worker and `sweep status|collect|cancel`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Manifest } from '../artifacts.ts';
import type { SweepRun } from '../sweep.ts';

/** The BullMQ queue every sweep's runs go to (workers serve every sweep on a Redis database). */
export const QUEUE_NAME = 'cortexflow-runs';
/** Prefix of cortexflow's own keys beside BullMQ's (`bull:...`). */
export const KEY_PREFIX = 'cortexflow:sweep:';

/** The cortexflow version of this checkout (a worker refuses jobs from another version). */
export function cortexflowVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A plugin as a job names it: its declared name and a version both sides compute the same way. */
export interface PluginIdentity {
  name: string;
  version: string;
}

/** A loaded plugin: the `--plugin` spec this process was given and what it is. */
export interface LocalPlugin extends PluginIdentity {
  spec: string;
}

/** Resolve a `--plugin` spec (file, package folder or package name) to its module file. */
function pluginFile(spec: string): { file: string; pkgJson: string | undefined } {
  const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || /\.(m?[jt]s)$/.test(spec) || existsSync(spec);
  if (looksLikePath) {
    const path = isAbsolute(spec) ? spec : resolve(process.cwd(), spec);
    if (!existsSync(path)) throw new Error(`plugin "${spec}": no such file (${path})`);
    if (statSync(path).isDirectory()) {
      const pkgJson = join(path, 'package.json');
      if (!existsSync(pkgJson)) throw new Error(`plugin "${spec}": the folder has no package.json`);
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports?: unknown; main?: string };
      const exp = pkg.exports;
      const entry =
        typeof exp === 'string'
          ? exp
          : typeof exp === 'object' && exp !== null && typeof (exp as Record<string, unknown>)['.'] === 'string'
            ? ((exp as Record<string, unknown>)['.'] as string)
            : (pkg.main ?? 'index.js');
      return { file: resolve(path, entry), pkgJson };
    }
    return { file: path, pkgJson: undefined };
  }
  let file: string;
  try {
    file = createRequire(join(process.cwd(), 'noop.js')).resolve(spec);
  } catch {
    throw new Error(`plugin "${spec}": package not found from ${process.cwd()} (npm install it, or give a path)`);
  }
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return { file, pkgJson: existsSync(join(dir, 'package.json')) ? join(dir, 'package.json') : undefined };
}

/**
 * Name and version of each `--plugin`. The version is the plugin's own `version` export if it has
 * one, else its package.json version when it was loaded as a package, else `sha256:` of its module
 * file (a bare file has no version; its content is what must match between machines).
 */
export async function identifyPlugins(specs: readonly string[]): Promise<LocalPlugin[]> {
  const out: LocalPlugin[] = [];
  for (const spec of specs) {
    const { file, pkgJson } = pluginFile(spec);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const ns =
      typeof mod['default'] === 'object' && mod['default'] !== null && !('blocks' in mod) && !('register' in mod)
        ? (mod['default'] as Record<string, unknown>)
        : mod;
    const name = typeof ns['name'] === 'string' ? ns['name'] : spec;
    let version: string;
    if (typeof ns['version'] === 'string') version = ns['version'];
    else if (pkgJson) version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? '0';
    else version = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)}`;
    out.push({ spec, name, version });
  }
  return out;
}

/** Everything a worker needs to run one job. No URL, no password: this is stored in Redis. */
export interface RunJobData {
  sweep: string;
  run: SweepRun;
  /** The pipeline file's text as submitted; the worker writes it to STORE/SWEEP/pipeline.json. */
  pipelineText: string;
  /** The pipeline path on the submitting machine (shown in sweep.json, as in local mode). */
  pipelineFile: string;
  /** `--set` overrides of every run (the run's own seed/grid overrides are in `run.sets`). */
  sets: string[];
  plugins: PluginIdentity[];
  cortexflowVersion: string;
  backend?: string;
  submittedAt: number;
}

/** What a worker returns for a finished run (kept small: it is stored in Redis). */
export interface RunJobResult {
  manifest: Manifest;
  worker: string;
  /** Worker-side timings (ms since epoch): job taken, child started, child exited. */
  takenAt: number;
  childStartedAt: number;
  childExitedAt: number;
}

/** A sweep's description, stored at `cortexflow:sweep:ID` so any machine can follow it. */
export interface SweepMeta {
  id: string;
  name: string;
  pipelineFile: string;
  sets: string[];
  plugins: PluginIdentity[];
  cortexflowVersion: string;
  createdAt: string;
  /** Every run ever submitted to this sweep, in submission order. */
  runs: SweepRun[];
}

/** Progress a worker reports for a running job (BullMQ job progress). */
export interface RunProgress {
  /** 0..1 over the pipeline's nodes. */
  fraction: number;
  node?: string;
  worker: string;
}

function hash(text: string, n: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, n);
}

/**
 * The sweep id: the pipeline's name plus a hash of everything that makes its runs what they are
 * (the pipeline after `--set`, plugins and their versions, backend, cortexflow version), so
 * submitting the same sweep again, from any machine, lands on the same id and adds nothing.
 */
export function sweepIdOf(input: {
  name: string;
  resolvedDocument: unknown;
  plugins: PluginIdentity[];
  backend: string | undefined;
  version: string;
}): string {
  const slug =
    input.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'sweep';
  const key = JSON.stringify([
    input.resolvedDocument,
    [...input.plugins].sort((a, b) => a.name.localeCompare(b.name)),
    input.backend ?? '',
    input.version,
  ]);
  return `${slug}-${hash(key, 12)}`;
}

/**
 * The BullMQ job id of a run: the sweep id (pipeline content, versions) and the run id (seed and
 * grid point). BullMQ ignores an `add` whose id exists, which makes resubmission a no-op and a
 * stopped sweep resumable. (BullMQ forbids ':' in ids; run ids never contain one.)
 */
export function jobIdOf(sweep: string, run: SweepRun): string {
  return `${sweep}.${run.id.replace(/:/g, '-')}`;
}

/** The run folder of a job in the worker's store, laid out like a local sweep (STORE/SWEEP/runs/RUN). */
export function runDirOf(store: string, sweep: string, run: SweepRun): string {
  return join(store, sweep, 'runs', run.id);
}
