/**
 * The last run kept in the worker, so its results can leave the editor laid out exactly like the
 * CLI's run folder: `manifest.json` (the same fields, folded from the same run events as the CLI's
 * recorder) and `NODE/PORT.EXT` files made by each output port type's own `artifacts()`, the
 * serialisers the CLI writes with. DOM-free: it runs in the worker.
 */
import type { Artifact, PortType, ResolvedPipeline, RunEvent } from '../../core/index.ts';

/** The CLI's default `--max-artifact-mb`: larger files are listed as skipped, not written. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 64 * 2 ** 20;

export type ManifestStatus = 'queued' | 'running' | 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';

export interface ArchiveOutput {
  type: string;
  summary: string;
  files: string[];
  skipped?: Array<{ file: string; bytes: number; reason: string }>;
  numbers?: Record<string, number>;
}

export interface ArchiveNode {
  type: string;
  status: ManifestStatus;
  cached: boolean;
  /** Content key (type, version, params, upstream keys), as the CLI's manifest records it for --resume. */
  key?: string;
  durationMs?: number;
  error?: string;
  reason?: string;
  warnings: string[];
  outputs: Record<string, ArchiveOutput>;
  metrics?: Record<string, number>;
}

/** `manifest.json` of a run folder (cortexflow/run-manifest v1, as the CLI writes it). */
export interface ArchiveManifest {
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
  nodes: Record<string, ArchiveNode>;
}

/** One file of the run folder, path relative to it. */
export interface ArchiveFile {
  path: string;
  data: string | Uint8Array;
  mediaType: string;
  /** The port type that wrote it (the page rasterises `Figure` SVGs to PNG, as the CLI does). */
  portType: string;
}

export class RunArchive {
  readonly manifest: ArchiveManifest;
  private readonly values = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly pipeline: ResolvedPipeline,
    info: { file: string; plugins: string[] },
  ) {
    this.manifest = {
      format: 'cortexflow/run-manifest',
      version: 1,
      pipeline: pipeline.name,
      file: info.file,
      status: 'running',
      startedAt: new Date().toISOString(),
      overrides: [],
      plugins: info.plugins,
      nodes: {},
    };
  }

  private node(id: string): ArchiveNode {
    let n = this.manifest.nodes[id];
    if (!n) {
      n = { type: this.pipeline.byId.get(id)?.type ?? '?', status: 'queued', cached: false, warnings: [], outputs: {} };
      this.manifest.nodes[id] = n;
    }
    return n;
  }

  /** Fold one run event (the CLI recorder's rules) and keep output values for export. */
  record(e: RunEvent): void {
    switch (e.type) {
      case 'node-queued':
        this.node(e.data.node);
        break;
      case 'node-running': {
        const n = this.node(e.data.node);
        n.status = 'running';
        if (e.data.metrics) n.metrics = e.data.metrics;
        break;
      }
      case 'node-warning':
        this.node(e.data.node).warnings.push(e.data.message);
        break;
      case 'node-cached':
      case 'node-done': {
        const n = this.node(e.data.node);
        n.status = e.type === 'node-cached' ? 'cached' : 'done';
        n.cached = e.type === 'node-cached';
        n.key = e.data.key;
        if (e.type === 'node-done') n.durationMs = e.data.durationMs;
        this.keep(e.data.node, e.data.outputs, e.data.values);
        break;
      }
      case 'node-error': {
        const n = this.node(e.data.node);
        n.status = 'failed';
        n.error = e.data.message;
        n.durationMs = e.data.durationMs;
        if (e.data.outputs && e.data.values) this.keep(e.data.node, e.data.outputs, e.data.values);
        break;
      }
      case 'node-skipped': {
        const n = this.node(e.data.node);
        n.status = 'skipped';
        n.reason = e.data.reason;
        break;
      }
      case 'node-cancelled':
        this.node(e.data.node).status = 'cancelled';
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

  private keep(
    nodeId: string,
    outputs: Record<string, { type: string; summary: string }>,
    values: Record<string, unknown>,
  ): void {
    const node = this.pipeline.byId.get(nodeId);
    if (!node) return;
    const n = this.node(nodeId);
    for (const [port, o] of Object.entries(outputs)) {
      const entry: ArchiveOutput = { type: o.type, summary: o.summary, files: [] };
      const pt = node.block.outputs[port] as PortType | undefined;
      if (pt?.numbers && values[port] !== undefined) {
        try {
          entry.numbers = pt.numbers(values[port]);
        } catch {
          // The CLI reports and omits them too.
        }
      }
      n.outputs[port] = entry;
    }
    this.values.set(nodeId, values);
  }

  /** The artifacts of one output (paths `NODE/PORT.EXT`), or undefined when it has none. */
  async portFiles(nodeId: string, port: string): Promise<ArchiveFile[] | undefined> {
    const node = this.pipeline.byId.get(nodeId);
    const value = this.values.get(nodeId)?.[port];
    const pt = node?.block.outputs[port] as PortType | undefined;
    if (value === undefined || !pt?.artifacts) return undefined;
    const arts: Artifact[] = await pt.artifacts(value);
    return arts.map((a) => ({
      path: `${nodeId}/${port}${a.suffix}`,
      data: a.data,
      mediaType: a.mediaType ?? 'application/octet-stream',
      portType: pt.name,
    }));
  }

  /**
   * Every output's files, in the CLI's order, with the manifest's `files` and `skipped` lists filled
   * in (files over `maxBytes` are listed as skipped, as the CLI does).
   */
  async files(maxBytes = DEFAULT_MAX_ARTIFACT_BYTES): Promise<ArchiveFile[]> {
    const out: ArchiveFile[] = [];
    for (const [nodeId, values] of this.values) {
      const entryNode = this.node(nodeId);
      for (const port of Object.keys(values)) {
        const entry = entryNode.outputs[port];
        if (entry) {
          entry.files = [];
          delete entry.skipped;
        }
        let files: ArchiveFile[] | undefined;
        try {
          files = await this.portFiles(nodeId, port);
        } catch {
          continue;
        }
        for (const f of files ?? []) {
          const bytes = typeof f.data === 'string' ? new TextEncoder().encode(f.data).byteLength : f.data.byteLength;
          if (maxBytes > 0 && bytes > maxBytes) {
            const mb = (x: number): string => `${(x / 2 ** 20).toFixed(x < 2 ** 20 ? 3 : 1)} MB`;
            (entry?.skipped ?? (entry ? (entry.skipped = []) : [])).push({
              file: f.path,
              bytes,
              reason: `${mb(bytes)} is over the ${mb(maxBytes)} limit (--max-artifact-mb); the pipeline regenerates it`,
            });
            continue;
          }
          out.push(f);
          entry?.files.push(f.path);
        }
      }
    }
    return out;
  }
}
