/**
 * The last run kept in the worker, so its results can leave the editor laid out exactly like the
 * CLI's run folder: `manifest.json` (the same fields, folded from the same run events as the CLI's
 * recorder) and `NODE/PORT.EXT` files made by each output port type's own `artifacts()`, the
 * serialisers the CLI writes with. DOM-free: it runs in the worker.
 */
import {
  applyRunEvent,
  createRunState,
  RUN_MANIFEST_FORMAT,
  skippedOutput,
  type Artifact,
  type ManifestNode,
  type ManifestOutput,
  type PortType,
  type ResolvedPipeline,
  type RunEvent,
  type RunManifest,
} from '../../core/index.ts';

/** The CLI's default `--max-artifact-mb`: a larger output is listed as skipped, not written. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 64 * 2 ** 20;

/** The manifest's parts, as core describes them for the CLI and the editor alike (core/manifest.ts). */
export type ArchiveOutput = ManifestOutput;
export type ArchiveNode = ManifestNode;
export type ArchiveManifest = RunManifest;

/** One file of the run folder, path relative to it. */
export interface ArchiveFile {
  path: string;
  data: string | Uint8Array;
  mediaType: string;
  /** The port type that wrote it (the page rasterises `Figure` SVGs to PNG, as the CLI does). */
  portType: string;
  /** Content other runs may share (a dataset): the manifest records its SHA-256, as the CLI's does. */
  shared?: boolean;
}

/** SHA-256, hex, with Web Crypto (the editor's worker; Node has it too). */
async function sha256Hex(data: string | Uint8Array): Promise<string> {
  // Web Crypto takes only ArrayBuffer-backed views (never a SharedArrayBuffer): copy one that may be shared.
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class RunArchive {
  readonly manifest: ArchiveManifest;
  private readonly values = new Map<string, Record<string, unknown>>();
  /** The run folded by core; the manifest's node entries mirror it. */
  private readonly state = createRunState();

  constructor(
    private readonly pipeline: ResolvedPipeline,
    info: { file: string; plugins: string[] },
  ) {
    this.manifest = {
      format: RUN_MANIFEST_FORMAT,
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

  /** Fold one run event with core's run-state fold (the CLI's too) and keep output values for export. */
  record(e: RunEvent): void {
    const id = applyRunEvent(this.state, e);
    if (e.type === 'run-finished') {
      this.manifest.status = e.data.status;
      this.manifest.finishedAt = new Date().toISOString();
      this.manifest.durationMs = e.data.durationMs;
      return;
    }
    const s = id === undefined ? undefined : this.state.nodes.get(id);
    if (id === undefined || !s) return;
    const n = this.node(id);
    n.status = s.status;
    n.cached = s.cached;
    n.warnings = [...s.warnings];
    if (s.durationMs !== undefined) n.durationMs = s.durationMs;
    if (s.error !== undefined) n.error = s.error;
    if (s.reason !== undefined) n.reason = s.reason;
    if (s.metrics !== undefined) n.metrics = s.metrics;
    if (e.type === 'node-done' || e.type === 'node-cached') {
      n.key = e.data.key;
      this.keep(id, e.data.outputs, e.data.values);
    } else if (e.type === 'node-error' && e.data.outputs && e.data.values) this.keep(id, e.data.outputs, e.data.values);
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
      ...(a.shared ? { shared: true } : {}),
    }));
  }

  /**
   * Every output's files, in the CLI's order, with the manifest's `files` and `skipped` lists filled
   * in (an output whose files together are over `maxBytes` is listed as skipped, as the CLI does).
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
          delete entry.stored;
        }
        let files: ArchiveFile[] | undefined;
        try {
          files = await this.portFiles(nodeId, port);
        } catch {
          continue;
        }
        const sized = (files ?? []).map((f) => ({
          file: f.path,
          bytes: typeof f.data === 'string' ? new TextEncoder().encode(f.data).byteLength : f.data.byteLength,
        }));
        const skip = skippedOutput(sized, maxBytes, '--max-artifact-mb');
        if (skip) {
          if (entry) entry.skipped = skip;
          continue;
        }
        for (const f of files ?? []) {
          out.push(f);
          entry?.files.push(f.path);
          if (f.shared && entry) (entry.stored ??= []).push({ file: f.path, sha256: await sha256Hex(f.data) });
        }
      }
    }
    return out;
  }
}
