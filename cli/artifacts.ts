/**
 * Writing run results to disk: every output's artifacts under DIR/NODE/PORT.EXT and a manifest.
 * Node statuses come from core's run-state fold (the one the progress display and the editor use);
 * what this file adds is the disk: a node is "done" in the manifest only once its files are on disk,
 * outputs are written whole or not at all (size limit, `--artifacts` selection), every file left out
 * is listed with the command that writes it, and shared content (datasets) goes through the store.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import pLimit from 'p-limit';
import {
  applyRunEvent,
  createRunState,
  megabytes,
  RUN_MANIFEST_FORMAT,
  type ManifestNode,
  type ManifestOutput,
  type ManifestSkip,
  type ManifestStored,
  type NodeStatus,
  type ResolvedPipeline,
  type RunCommand,
  type RunManifest,
} from '../core/index.ts';
import { leftOutFiles, type ArtifactSelection } from './artifact-select.ts';
import { sha256, tmpName, writeAtomic, writeShared } from './file-store.ts';
import { valuesDir } from './outdir.ts';
import type { NodePayload, WireEvent } from './run-worker.ts';

export { writeAtomic } from './file-store.ts';
/** The manifest types live in core (core/manifest.ts): the editor's run download writes the same document. */
export type { ManifestNode, ManifestOutput, NodeStatus, RunCommand } from '../core/index.ts';
export type Manifest = RunManifest;

/** How many files are written at the same time (a 2,000-node run writes ~10,000 files). */
const WRITE_CONCURRENCY = 16;

/** What the recorder adds to the fold's view of a node: its key and its files on disk. */
interface DiskState {
  key?: string;
  outputs: Record<string, ManifestOutput>;
  /** Computed, files being written: the manifest still shows `before`. */
  writing?: { before: NodeStatus };
  /** Why its files could not be written (the node is then "failed"). */
  writeError?: string;
  warnings: string[];
}

/** Options of a {@link RunRecorder}. */
export interface RecorderInfo {
  file: string;
  overrides: string[];
  plugins: string[];
  /** An output whose files together are larger is not written (0: no limit). */
  maxArtifactBytes?: number;
  command?: RunCommand;
  /** The manifest of the run being resumed (its files are reused as they are). */
  previous?: Manifest;
  /** Keep finished nodes' values in DIR/.cortexflow/values for --resume (default true). */
  keepValues?: boolean;
  /** Which outputs to write (default: every output within the size limit). */
  selection?: ArtifactSelection;
  /** Content-addressed store for shared files (datasets); none: written in the run folder only. */
  store?: string;
  /** The command that writes a left-out output (named in the manifest and the summary). */
  commandFor?: (node: string, port: string) => string;
}

/**
 * Keeps the manifest in step with the run's events and writes each node's files as soon as the
 * node finishes. A node is marked "done" (or "cached") in the manifest only once all its files
 * are on disk: after a SIGKILL, every node the manifest calls done has its files.
 */
export class RunRecorder {
  private readonly head: Omit<Manifest, 'nodes'>;
  /** Core's fold of the events: the nodes' statuses, warnings, metrics, errors. */
  private readonly state = createRunState();
  private readonly disk = new Map<string, DiskState>();
  private readonly limit = pLimit(WRITE_CONCURRENCY);
  private readonly tasks = new Set<Promise<void>>();
  private readonly failures: string[] = [];
  private manifestWrite: Promise<void> | undefined;
  private manifestDirty = false;
  private final: { status: Manifest['status']; durationMs: number } | undefined;

  /** Files left out, as "NODE/PORT.EXT (SIZE MB)". */
  readonly skipped: string[] = [];
  /** Outputs left out, with the command that writes each. */
  readonly leftOut: Array<{ output: string; why: 'limit' | 'selection'; command?: string }> = [];
  private readonly maxBytes: number;

  constructor(
    readonly dir: string,
    private readonly pipeline: ResolvedPipeline,
    private readonly info: RecorderInfo,
  ) {
    this.maxBytes = info.maxArtifactBytes ?? 0;
    this.head = {
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
    };
  }

  /** The manifest as it stands: the fold's node states with what is on disk. */
  get manifest(): Manifest {
    const nodes: Record<string, ManifestNode> = {};
    for (const id of this.disk.keys()) nodes[id] = this.manifestNode(id);
    return { ...this.head, nodes };
  }

  /** Problems met while writing files (reported, never thrown mid-run). */
  get writeFailures(): readonly string[] {
    return this.failures;
  }

  /** A node's status as the manifest gives it: "done" only once its files are on disk. */
  private status(id: string): NodeStatus {
    const d = this.disk.get(id);
    if (d?.writeError !== undefined) return 'failed';
    if (d?.writing) return d.writing.before;
    const s = this.state.nodes.get(id)?.status ?? 'queued';
    return s === 'idle' ? 'queued' : s;
  }

  private manifestNode(id: string): ManifestNode {
    const d = this.disk.get(id) as DiskState;
    const f = this.state.nodes.get(id);
    const status = this.status(id);
    const error = d.writeError ?? f?.error;
    return {
      type: this.pipeline.byId.get(id)?.type ?? '?',
      status,
      cached: status === 'cached',
      ...(d.key !== undefined ? { key: d.key } : {}),
      ...(f?.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(f?.reason !== undefined ? { reason: f.reason } : {}),
      warnings: [...(f?.warnings ?? []), ...d.warnings],
      outputs: d.outputs,
      ...(f?.metrics !== undefined ? { metrics: { ...f.metrics } } : {}),
    };
  }

  /** The node's state, with "writing" for a node computed but whose files are not all on disk. */
  phase(id: string): NodeStatus | 'writing' {
    return this.disk.get(id)?.writing ? 'writing' : this.status(id);
  }

  /** Counts of node states, as a run-finished event gives them (a node being written counts as finished). */
  counts(): { done: number; cached: number; failed: number; skipped: number; cancelled: number } {
    const c = { done: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    for (const [id, d] of this.disk) {
      const s = d.writeError !== undefined ? 'failed' : (this.state.nodes.get(id)?.status ?? 'queued');
      if (s in c) c[s as keyof typeof c]++;
    }
    return c;
  }

  private diskOf(id: string): DiskState {
    let d = this.disk.get(id);
    if (!d) {
      d = { outputs: {}, warnings: [] };
      this.disk.set(id, d);
    }
    return d;
  }

  private track(p: Promise<void>): void {
    const t = p.catch((e: unknown) => {
      this.failures.push(e instanceof Error ? e.message : String(e));
    });
    this.tasks.add(t);
    void t.finally(() => this.tasks.delete(t));
  }

  /** Fold one event (core's fold); write the node's files when it carries them. */
  record(e: WireEvent, payload?: NodePayload): void {
    const id = e.type === 'run-started' || e.type === 'run-finished' ? undefined : e.data.node;
    const before = id === undefined ? undefined : this.status(id);
    applyRunEvent(this.state, e);
    if (id !== undefined) this.diskOf(id);
    switch (e.type) {
      case 'run-started':
        this.scheduleManifest();
        break;
      case 'node-running':
        if (before !== 'running') this.scheduleManifest(); // what is running (progress is not written)
        break;
      case 'node-cached':
      case 'node-done': {
        const d = this.diskOf(e.data.node);
        d.key = e.data.key;
        this.setOutputs(d, e.data.outputs, payload);
        d.writing = { before: before ?? 'queued' };
        this.track(
          this.writeNode(e.data.node, d, payload).then(
            () => {
              delete d.writing;
              this.scheduleManifest();
            },
            (err: unknown) => {
              delete d.writing;
              d.writeError = `its results could not be written: ${err instanceof Error ? err.message : String(err)}`;
              this.scheduleManifest();
              throw err;
            },
          ),
        );
        break;
      }
      case 'node-error': {
        const d = this.diskOf(e.data.node);
        if (e.data.outputs && payload) {
          this.setOutputs(d, e.data.outputs, payload);
          this.track(this.writeNode(e.data.node, d, payload).then(() => this.scheduleManifest()));
        } else this.scheduleManifest();
        break;
      }
      case 'node-skipped':
      case 'node-cancelled':
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
    d: DiskState,
    outputs: Record<string, { type: string; summary: string }>,
    payload: NodePayload | undefined,
  ): void {
    for (const [port, o] of Object.entries(outputs)) {
      const entry: ManifestOutput = { type: o.type, summary: o.summary, files: [] };
      const p = payload?.outputs[port];
      if (p?.numbers) entry.numbers = p.numbers;
      for (const err of p?.errors ?? []) this.failures.push(err);
      d.outputs[port] = entry;
    }
  }

  /** Which of an output's files are left out (whole output: size limit or selection), or none. */
  private leaveOut(nodeId: string, port: string, files: Array<{ file: string; bytes: number }>): ManifestSkip[] | undefined {
    const left = leftOutFiles(this.info.selection, this.maxBytes, nodeId, port, files);
    if (!left) return undefined;
    const command = this.info.commandFor?.(nodeId, port);
    this.leftOut.push({ output: `${nodeId}.${port}`, why: left.why, ...(command ? { command } : {}) });
    for (const sk of left.skips) this.skipped.push(`${sk.file} (${megabytes(sk.bytes)})`);
    return command ? left.skips.map((sk) => ({ ...sk, command })) : left.skips;
  }

  /** Write one node's files (and its values for --resume); resolves when all are on disk. */
  private async writeNode(nodeId: string, d: DiskState, payload: NodePayload | undefined): Promise<void> {
    if (!payload) return;
    if (payload.reused) {
      // The previous run's files, checked on disk before this run started.
      for (const [port, o] of Object.entries(this.info.previous?.nodes[nodeId]?.outputs ?? {})) {
        const entry = d.outputs[port];
        if (!entry) continue;
        entry.files = [...o.files];
        if (o.stored) entry.stored = o.stored;
        if (!o.skipped?.length) continue;
        entry.skipped = o.skipped;
        // Still left out: named at the end of this run too.
        const command = o.skipped[0]?.command;
        const why = o.skipped[0]?.reason.startsWith('not selected') ? 'selection' : 'limit';
        this.leftOut.push({ output: `${nodeId}.${port}`, why, ...(command ? { command } : {}) });
        for (const sk of o.skipped) this.skipped.push(`${sk.file} (${megabytes(sk.bytes)})`);
      }
      return;
    }
    const writes: Array<Promise<void>> = [];
    const done: Array<() => void> = [];
    for (const [port, o] of Object.entries(payload.outputs)) {
      const entry = d.outputs[port];
      const arts = o.artifacts.map((a) => {
        const file = join(this.dir, nodeId, `${port}${a.suffix}`);
        const bytes = typeof a.data === 'string' ? Buffer.byteLength(a.data) : a.data.byteLength;
        return { a, file, rel: relative(this.dir, file), bytes };
      });
      const skip = this.leaveOut(
        nodeId,
        port,
        arts.map((x) => ({ file: x.rel, bytes: x.bytes })),
      );
      if (skip) {
        if (entry) entry.skipped = skip;
        continue;
      }
      const stored: ManifestStored[] = [];
      for (const { a, file, rel } of arts) {
        if (a.shared) {
          const hash = sha256(a.data);
          const s: ManifestStored = { file: rel, sha256: hash };
          stored.push(s);
          const store = this.info.store;
          if (store !== undefined) {
            writes.push(
              this.limit(async () => {
                s.object = await writeShared(store, this.dir, file, a.data, hash);
              }),
            );
            continue;
          }
        }
        writes.push(this.limit(() => writeAtomic(file, a.data)));
      }
      done.push(() => {
        if (!entry) return;
        entry.files = arts.map((x) => x.rel);
        if (stored.length > 0) entry.stored = stored;
      });
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const f of done) f();
    if (payload.values && payload.key && (this.info.keepValues ?? true)) {
      const values = payload.values;
      await this.limit(() => writeAtomic(join(valuesDir(this.dir), `${payload.key}.v8`), values)).catch(
        (e: unknown) => {
          d.warnings.push(`outputs not kept for --resume: ${e instanceof Error ? e.message : String(e)}`);
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
    this.head.status = status;
    this.head.finishedAt = new Date().toISOString();
    const file = join(this.dir, 'manifest.json');
    const tmp = tmpName(file);
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
      this.head.status = this.final.status;
      this.head.finishedAt = new Date().toISOString();
      this.head.durationMs = this.final.durationMs;
    }
    await this.writeManifest();
    if (this.head.status === 'done') await rm(valuesDir(this.dir), { recursive: true, force: true });
  }
}
