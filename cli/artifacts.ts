/**
 * Writing run results to disk: every output's artifacts under DIR/NODE/PORT.EXT and a manifest,
 * each file written atomically (temporary file in the same folder, then rename), so an interrupted
 * run never leaves a half-written file. Temporary names end in `.tmp-PID-N`; the next run into the
 * folder removes those a killed run left (see outdir.ts).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import pLimit from 'p-limit';
import type { ResolvedPipeline } from '../core/index.ts';
import { valuesDir } from './outdir.ts';
import type { NodePayload, WireEvent } from './run-worker.ts';

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

import {
  RUN_MANIFEST_FORMAT,
  megabytes,
  skippedFile,
  type ManifestNode,
  type ManifestOutput,
  type NodeStatus,
  type RunCommand,
  type RunManifest,
} from '../core/index.ts';

/** The manifest types live in core (core/manifest.ts): the editor's run download writes the same document. */
export type { ManifestNode, ManifestOutput, NodeStatus, RunCommand } from '../core/index.ts';
export type Manifest = RunManifest;

/** How many files are written at the same time (a 2,000-node run writes ~10,000 files). */
const WRITE_CONCURRENCY = 16;

/**
 * Keeps the manifest in step with the run's events and writes each node's files as soon as the
 * node finishes. A node is marked "done" (or "cached") in the manifest only once all its files
 * are on disk: after a SIGKILL, every node the manifest calls done has its files.
 */
export class RunRecorder {
  readonly manifest: Manifest;
  private readonly limit = pLimit(WRITE_CONCURRENCY);
  private readonly tasks = new Set<Promise<void>>();
  private readonly failures: string[] = [];
  /** Nodes that finished computing and whose files are being written. */
  private readonly writing = new Map<string, 'done' | 'cached'>();
  private manifestWrite: Promise<void> | undefined;
  private manifestDirty = false;
  private final: { status: Manifest['status']; durationMs: number } | undefined;

  /** Files left out because of the size limit, as "NODE/PORT.EXT (SIZE MB)". */
  readonly skipped: string[] = [];
  /** Largest artifact file written, in bytes (0: no limit). */
  private readonly maxBytes: number;
  private readonly previous: Manifest | undefined;
  private readonly keepValues: boolean;

  constructor(
    readonly dir: string,
    private readonly pipeline: ResolvedPipeline,
    info: {
      file: string;
      overrides: string[];
      plugins: string[];
      maxArtifactBytes?: number;
      command?: RunCommand;
      /** The manifest of the run being resumed (its files are reused as they are). */
      previous?: Manifest;
      /** Keep finished nodes' values in DIR/.cortexflow/values for --resume (default true). */
      keepValues?: boolean;
    },
  ) {
    this.maxBytes = info.maxArtifactBytes ?? 0;
    this.previous = info.previous;
    this.keepValues = info.keepValues ?? true;
    this.manifest = {
      format: RUN_MANIFEST_FORMAT,
      version: 1,
      pipeline: pipeline.name,
      file: info.file,
      status: 'running',
      pid: process.pid,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
      ...(info.previous ? { resumedFrom: info.previous.startedAt } : {}),
      overrides: info.overrides,
      plugins: info.plugins,
      ...(info.command ? { command: info.command } : {}),
      nodes: {},
    };
  }

  /** Problems met while writing files (reported, never thrown mid-run). */
  get writeFailures(): readonly string[] {
    return this.failures;
  }

  /** The node's state, with "writing" for a node computed but whose files are not all on disk. */
  phase(id: string): NodeStatus | 'writing' {
    if (this.writing.has(id)) return 'writing';
    return this.manifest.nodes[id]?.status ?? 'queued';
  }

  /** Counts of node states, as a run-finished event gives them. */
  counts(): { done: number; cached: number; failed: number; skipped: number; cancelled: number } {
    const c = { done: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    for (const [id, n] of Object.entries(this.manifest.nodes)) {
      const s = this.writing.get(id) ?? n.status;
      if (s in c) c[s as keyof typeof c]++;
    }
    return c;
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

  private track(p: Promise<void>): void {
    const t = p.catch((e: unknown) => {
      this.failures.push(e instanceof Error ? e.message : String(e));
    });
    this.tasks.add(t);
    void t.finally(() => this.tasks.delete(t));
  }

  /** Update the manifest for one event; write the node's files when it carries them. */
  record(e: WireEvent, payload?: NodePayload): void {
    switch (e.type) {
      case 'run-started':
        this.scheduleManifest();
        break;
      case 'node-queued':
        this.node(e.data.node);
        break;
      case 'node-running': {
        const n = this.node(e.data.node);
        if (n.status !== 'running') {
          n.status = 'running';
          this.scheduleManifest(); // the manifest shows what is running (progress updates are not written)
        }
        if (e.data.metrics) n.metrics = e.data.metrics;
        break;
      }
      case 'node-warning':
        this.node(e.data.node).warnings.push(e.data.message);
        break;
      case 'node-cached':
      case 'node-done': {
        const id = e.data.node;
        const n = this.node(id);
        n.key = e.data.key;
        if (e.type === 'node-done') n.durationMs = e.data.durationMs;
        this.setOutputs(id, e.data.outputs, payload);
        const status = e.type === 'node-cached' ? 'cached' : 'done';
        this.writing.set(id, status);
        this.track(
          this.writeNode(id, payload).then(
            () => {
              n.status = status;
              n.cached = status === 'cached';
              this.writing.delete(id);
              this.scheduleManifest();
            },
            (err: unknown) => {
              n.status = 'failed';
              n.error = `its results could not be written: ${err instanceof Error ? err.message : String(err)}`;
              this.writing.delete(id);
              this.scheduleManifest();
              throw err;
            },
          ),
        );
        break;
      }
      case 'node-error': {
        const n = this.node(e.data.node);
        n.status = 'failed';
        n.error = e.data.message;
        n.durationMs = e.data.durationMs;
        if (e.data.outputs && payload) {
          this.setOutputs(e.data.node, e.data.outputs, payload);
          this.track(this.writeNode(e.data.node, payload).then(() => this.scheduleManifest()));
        } else this.scheduleManifest();
        break;
      }
      case 'node-skipped': {
        const n = this.node(e.data.node);
        n.status = 'skipped';
        n.reason = e.data.reason;
        this.scheduleManifest();
        break;
      }
      case 'node-cancelled':
        this.node(e.data.node).status = 'cancelled';
        this.scheduleManifest();
        break;
      case 'run-finished':
        this.final = { status: e.data.status, durationMs: e.data.durationMs };
        break;
      default:
        break;
    }
  }

  private setOutputs(
    nodeId: string,
    outputs: Record<string, { type: string; summary: string }>,
    payload: NodePayload | undefined,
  ): void {
    const n = this.node(nodeId);
    for (const [port, o] of Object.entries(outputs)) {
      const entry: ManifestOutput = { type: o.type, summary: o.summary, files: [] };
      const p = payload?.outputs[port];
      if (p?.numbers) entry.numbers = p.numbers;
      for (const err of p?.errors ?? []) this.failures.push(err);
      n.outputs[port] = entry;
    }
  }

  /** Write one node's files (and its values for --resume); resolves when all are on disk. */
  private async writeNode(nodeId: string, payload: NodePayload | undefined): Promise<void> {
    if (!payload) return;
    const n = this.node(nodeId);
    if (payload.reused) {
      // The previous run's files, checked on disk before this run started.
      for (const [port, o] of Object.entries(this.previous?.nodes[nodeId]?.outputs ?? {})) {
        const entry = n.outputs[port];
        if (!entry) continue;
        entry.files = [...o.files];
        if (o.skipped) entry.skipped = o.skipped;
      }
      return;
    }
    const writes: Array<Promise<void>> = [];
    const filesOf = new Map<string, string[]>();
    for (const [port, o] of Object.entries(payload.outputs)) {
      const files: string[] = [];
      filesOf.set(port, files);
      for (const a of o.artifacts) {
        const file = join(this.dir, nodeId, `${port}${a.suffix}`);
        const rel = relative(this.dir, file);
        const bytes = typeof a.data === 'string' ? Buffer.byteLength(a.data) : a.data.byteLength;
        const skip = skippedFile(rel, bytes, this.maxBytes, '--max-artifact-mb');
        if (skip) {
          const out = n.outputs[port];
          if (out) (out.skipped ??= []).push(skip);
          this.skipped.push(`${rel} (${megabytes(bytes)})`);
          continue;
        }
        files.push(rel);
        writes.push(this.limit(() => writeAtomic(file, a.data)));
      }
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [port, files] of filesOf) {
      const entry = n.outputs[port];
      if (entry) entry.files = files;
    }
    if (payload.values && payload.key && this.keepValues) {
      const values = payload.values;
      await this.limit(() => writeAtomic(join(valuesDir(this.dir), `${payload.key}.v8`), values)).catch(
        (e: unknown) => {
          n.warnings.push(`outputs not kept for --resume: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    }
  }

  /** Write the manifest soon; writes requested while one is in flight coalesce into one more. */
  private scheduleManifest(): void {
    this.manifestDirty = true;
    if (this.manifestWrite) return;
    this.manifestWrite = (async () => {
      while (this.manifestDirty) {
        this.manifestDirty = false;
        try {
          await this.writeManifest();
        } catch (e) {
          this.failures.push(`manifest.json: ${e instanceof Error ? e.message : String(e)}`);
          break;
        }
      }
      this.manifestWrite = undefined;
    })();
  }

  /** Write manifest.json now (atomically). */
  writeManifest(): Promise<void> {
    return writeAtomic(join(this.dir, 'manifest.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }

  /** Write manifest.json synchronously with a final status (the second Ctrl-C exits at once). */
  writeManifestSync(status: Manifest['status']): void {
    this.manifest.status = status;
    this.manifest.finishedAt = new Date().toISOString();
    const file = join(this.dir, 'manifest.json');
    const tmp = `${file}.tmp-${process.pid}-${++tmpCounter}`;
    try {
      writeFileSync(tmp, `${JSON.stringify(this.manifest, null, 2)}\n`);
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  /**
   * Wait for every queued write, then write the final manifest. When the run ended "done" the
   * values kept for --resume are removed (nothing is left to resume).
   */
  async flush(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    while (this.manifestWrite) await this.manifestWrite;
    if (this.final) {
      this.manifest.status = this.final.status;
      this.manifest.finishedAt = new Date().toISOString();
      this.manifest.durationMs = this.final.durationMs;
    }
    await this.writeManifest();
    if (this.manifest.status === 'done') await rm(valuesDir(this.dir), { recursive: true, force: true });
  }
}
