/**
 * Writing run results to disk: every output's artifacts under DIR/NODE/PORT.EXT and a manifest,
 * each file written atomically (temporary file in the same folder, then rename), so an interrupted
 * run never leaves a half-written file.
 */
import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  applyRunEvent,
  createRunState,
  type Artifact,
  type NodeStatus,
  type PortType,
  type ResolvedPipeline,
  type RunEvent,
} from '../core/index.ts';

let tmpCounter = 0;

/** Write a file atomically. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${++tmpCounter}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A node's status: the core run-state fold's (core/run-state.ts). */
export type { NodeStatus };

export interface ManifestOutput {
  type: string;
  summary: string;
  files: string[];
  /** Files not written because they exceed the run's size limit (`--max-artifact-mb`). */
  skipped?: Array<{ file: string; bytes: number; reason: string }>;
  /** Headline numbers of the value (see PortType.numbers). */
  numbers?: Record<string, number>;
}

export interface ManifestNode {
  type: string;
  status: NodeStatus;
  cached: boolean;
  durationMs?: number;
  error?: string;
  reason?: string;
  warnings: string[];
  outputs: Record<string, ManifestOutput>;
  /** Last metrics the node reported (final loss, ...). */
  metrics?: Record<string, number>;
}

export interface Manifest {
  format: 'cortexflow/run-manifest';
  version: 1;
  pipeline: string;
  file: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  overrides: string[];
  plugins: string[];
  nodes: Record<string, ManifestNode>;
}

/** Keeps the manifest in step with the event stream and writes artifacts as outputs arrive. */
export class RunRecorder {
  readonly manifest: Manifest;
  private pending: Promise<void> = Promise.resolve();
  private readonly failures: string[] = [];

  /** Files left out because of the size limit, as "NODE/PORT.EXT (SIZE MB)". */
  readonly skipped: string[] = [];
  /** Largest artifact file written, in bytes (0: no limit). */
  private readonly maxBytes: number;

  constructor(
    readonly dir: string,
    private readonly pipeline: ResolvedPipeline,
    info: { file: string; overrides: string[]; plugins: string[]; maxArtifactBytes?: number },
  ) {
    this.maxBytes = info.maxArtifactBytes ?? 0;
    this.manifest = {
      format: 'cortexflow/run-manifest',
      version: 1,
      pipeline: pipeline.name,
      file: info.file,
      status: 'running',
      startedAt: new Date().toISOString(),
      overrides: info.overrides,
      plugins: info.plugins,
      nodes: {},
    };
  }

  /** Problems met while writing files (reported, never thrown mid-run). */
  get writeFailures(): readonly string[] {
    return this.failures;
  }

  private node(id: string): ManifestNode {
    let n = this.manifest.nodes[id];
    if (!n) {
      n = {
        type: this.pipeline.byId.get(id)?.type ?? '?',
        status: 'queued',
        cached: false,
        warnings: [],
        outputs: {},
      };
      this.manifest.nodes[id] = n;
    }
    return n;
  }

  private enqueue(task: () => Promise<void>): void {
    this.pending = this.pending.then(task).catch((e: unknown) => {
      this.failures.push(e instanceof Error ? e.message : String(e));
    });
  }

  /** The run folded from its events (core/run-state.ts); the manifest's node entries mirror it. */
  private readonly state = createRunState();

  /** Copy the folded state of one node into its manifest entry. */
  private sync(id: string): void {
    const s = this.state.nodes.get(id);
    if (!s) return;
    const n = this.node(id);
    n.status = s.status;
    n.cached = s.cached;
    n.warnings = s.warnings;
    if (s.durationMs !== undefined) n.durationMs = s.durationMs;
    if (s.error !== undefined) n.error = s.error;
    if (s.reason !== undefined) n.reason = s.reason;
    if (s.metrics !== undefined) n.metrics = s.metrics;
  }

  /** Update the manifest for one event (and queue artifact writes). */
  record(e: RunEvent): void {
    const changed = applyRunEvent(this.state, e);
    if (changed !== undefined) this.sync(changed);
    switch (e.type) {
      case 'run-started':
        this.enqueue(() => this.writeManifest());
        break;
      case 'node-cached':
      case 'node-done':
        this.writeOutputs(e.data.node, e.data.outputs, e.data.values);
        break;
      case 'node-error':
        if (e.data.outputs && e.data.values) this.writeOutputs(e.data.node, e.data.outputs, e.data.values);
        else this.enqueue(() => this.writeManifest());
        break;
      case 'run-finished':
        this.manifest.status = e.data.status;
        this.manifest.finishedAt = new Date().toISOString();
        this.manifest.durationMs = e.data.durationMs;
        break;
      default:
        break;
    }
  }

  private writeOutputs(
    nodeId: string,
    outputs: Record<string, { type: string; summary: string }>,
    values: Record<string, unknown>,
  ): void {
    const node = this.pipeline.byId.get(nodeId);
    if (!node) return;
    const n = this.node(nodeId);
    for (const [port, o] of Object.entries(outputs)) {
      const entry: ManifestOutput = { type: o.type, summary: o.summary, files: [] };
      const pt = node.block.outputs[port] as PortType | undefined;
      if (pt?.numbers && values[port] !== undefined) {
        try {
          entry.numbers = pt.numbers(values[port]);
        } catch (e) {
          this.failures.push(`${nodeId}.${port}: numbers() threw: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      n.outputs[port] = entry;
    }
    this.enqueue(async () => {
      for (const [port, value] of Object.entries(values)) {
        const pt = node.block.outputs[port] as PortType | undefined;
        if (!pt?.artifacts) continue;
        let arts: Artifact[];
        try {
          arts = await pt.artifacts(value);
        } catch (e) {
          this.failures.push(`${nodeId}.${port}: could not serialise: ${e instanceof Error ? e.message : String(e)}`);
          continue;
        }
        for (const a of arts) {
          const file = join(this.dir, nodeId, `${port}${a.suffix}`);
          const bytes = typeof a.data === 'string' ? Buffer.byteLength(a.data) : a.data.byteLength;
          if (this.maxBytes > 0 && bytes > this.maxBytes) {
            const rel = relative(this.dir, file);
            const mb = (x: number) => `${(x / 2 ** 20).toFixed(x < 2 ** 20 ? 3 : 1)} MB`;
            const out = n.outputs[port];
            if (out)
              (out.skipped ??= []).push({
                file: rel,
                bytes,
                reason: `${mb(bytes)} is over the ${mb(this.maxBytes)} limit (--max-artifact-mb); the pipeline regenerates it`,
              });
            this.skipped.push(`${rel} (${mb(bytes)})`);
            continue;
          }
          await writeAtomic(file, a.data);
          n.outputs[port]?.files.push(relative(this.dir, file));
        }
      }
      await this.writeManifest();
    });
  }

  /** Write manifest.json now (atomically). */
  writeManifest(): Promise<void> {
    return writeAtomic(join(this.dir, 'manifest.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }

  /** Wait for every queued write, then write the final manifest. */
  async flush(): Promise<void> {
    await this.pending;
    await this.writeManifest();
  }
}
