/**
 * The editor's graph model: Rete nodes that mirror the pipeline document's nodes, and the
 * conversion both ways. The pipeline document (core/document.ts) is the truth that is saved, run and
 * validated; the Rete graph is only its editable view.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import {
  edgeProblem as coreEdgeProblem,
  isNodeId,
  PIPELINE_FORMAT,
  PIPELINE_VERSION,
  type AnyBlock,
  type InputSpec,
  type PipelineDocument,
  type PortType,
  type Registry,
  type NodeStatus,
  type OutputSummary,
} from '../../core/index.ts';

/** A socket carries its port type, for colouring and for the connection check. */
export class PortSocket extends ClassicPreset.Socket {
  constructor(readonly port: PortType) {
    super(port.name);
  }
}

/** What the editor shows of a node's last run: the core run-state fold's status. */
export type { NodeStatus };

/** The CSS / `data-status` name of a status (the page calls a failed node "error"). */
export function statusClass(s: NodeStatus): string {
  return s === 'failed' ? 'error' : s;
}

/** A figure-like output value kept for display (plot thumbnails and the side panel). */
export interface FigurePreview {
  port: string;
  title: string;
  caption: string;
  svg: string;
}

export const NODE_WIDTH = 230;

/** One block instance on the canvas. */
// Rete's classic scheme wants an empty controls map typed `{}` (Record<string, never> breaks its socket typing).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export class CfNode extends ClassicPreset.Node<Record<string, PortSocket>, Record<string, PortSocket>, {}> {
  width = NODE_WIDTH;
  height = 120;
  status: NodeStatus = 'idle';
  /** The error message, skip reason or last warning shown on the node. */
  message = '';
  progress: { value: number; max: number } | undefined;
  /** Training loss values reported while running (live curve). */
  losses: number[] = [];
  /** Optimiser step of each loss value. */
  lossSteps: number[] = [];
  /** Last metrics reported while running (loss, lr, criterionPassed/Total, ...). */
  metrics: Record<string, number> = {};
  /** When the page saw the node start running (performance.now), for the ETA. */
  startedAt: number | undefined;
  results: Record<string, OutputSummary> = {};
  figures: FigurePreview[] = [];
  durationMs: number | undefined;
  /** Problems found by validation (param name or '' -> message). */
  issues: Array<{ param: string; message: string }> = [];
  /** Bumped on every visual change so the Lit view re-renders. */
  rev = 0;

  constructor(
    id: string,
    readonly block: AnyBlock,
    public params: Record<string, unknown>,
    label: string = block.title,
  ) {
    super(label);
    this.id = id;
    for (const [name, spec] of Object.entries(block.inputs as Record<string, InputSpec>)) {
      const inp = new ClassicPreset.Input(new PortSocket(spec.type), name, spec.multiple);
      this.addInput(name, inp);
    }
    for (const [name, pt] of Object.entries(block.outputs as Record<string, PortType>)) {
      this.addOutput(name, new ClassicPreset.Output(new PortSocket(pt), name));
    }
    this.height = this.computeHeight();
  }

  get type(): string {
    return this.block.type;
  }

  /** Height used by the area, the minimap and auto-arrange. */
  computeHeight(): number {
    const ports = Object.keys(this.inputs).length + Object.keys(this.outputs).length;
    let h = 58 + 22 + ports * 26 + 8;
    if (this.losses.length > 1) h += 54;
    if (this.figures.length > 0) h += 126;
    if (this.message) h += 34;
    return h;
  }

  /** Reset the run display (a new run starts, or the graph changed). */
  resetRun(): void {
    this.status = 'idle';
    this.message = '';
    this.progress = undefined;
    this.losses = [];
    this.lossSteps = [];
    this.metrics = {};
    this.startedAt = undefined;
    this.results = {};
    this.figures = [];
    this.durationMs = undefined;
  }
}

export class CfConnection extends ClassicPreset.Connection<CfNode, CfNode> {
  isLoop?: boolean;
  /** Creation order: the edge's place in the document. */
  seq?: number;
}

export type Schemes = GetSchemes<CfNode, CfConnection>;

/** Is there a problem with connecting `fromPort` of `from` into `toPort` of `to`? The core's rule. */
export function edgeProblem(
  from: CfNode,
  fromPort: string,
  to: CfNode,
  toPort: string,
  existing: ReadonlyArray<{ target: string; targetInput: string; source: string; sourceOutput: string }>,
  options: { replacing?: boolean } = {},
): string | null {
  const edges = existing.map((c) => ({ from: { node: c.source, port: c.sourceOutput }, to: { node: c.target, port: c.targetInput } }));
  const problem = coreEdgeProblem(from, fromPort, to, toPort, edges, { ...options, duplicates: true, cycles: true });
  return problem?.message ?? null;
}

/**
 * A fresh node id for a block type: the type's last segment, numbered when taken; always a valid
 * node id (core/limits.ts), whatever the type is called.
 */
export function freshId(type: string, taken: ReadonlySet<string>): string {
  const clean = (p: string): string => {
    const c = p.replace(/[^a-z0-9-]/gi, '-').slice(0, 56);
    return /^[A-Za-z]/.test(c) ? c : `n${c}`.slice(0, 56);
  };
  const parts = type.split('.').map(clean);
  const free = (id: string): boolean => !taken.has(id) && isNodeId(id);
  const base = parts[parts.length - 1] ?? 'node';
  if (free(base)) return base;
  const qualified = parts.join('-').slice(0, 56);
  if (free(qualified)) return qualified;
  for (let i = 2; ; i++) if (free(`${qualified}-${i}`)) return `${qualified}-${i}`;
}

/** Build the pipeline document of the current graph. */
export function toDocument(
  meta: { name: string; description?: string | undefined },
  nodes: readonly CfNode[],
  connections: readonly CfConnection[],
  position: (id: string) => { x: number; y: number } | undefined,
): PipelineDocument {
  const doc: PipelineDocument = {
    format: PIPELINE_FORMAT,
    version: PIPELINE_VERSION,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map((n) => {
      const p = position(n.id);
      return {
        id: n.id,
        type: n.type,
        version: n.block.version,
        params: structuredClone(n.params),
        ...(n.label !== n.block.title ? { label: n.label } : {}),
        ...(p ? { ui: { x: Math.round(p.x), y: Math.round(p.y) } } : {}),
      };
    }),
    edges: connections.map((c) => ({
      from: { node: c.source, port: c.sourceOutput },
      to: { node: c.target, port: c.targetInput },
    })),
  };
  return doc;
}

/** The block of a type, or undefined. */
export function blockOf(registry: Registry, type: string): AnyBlock | undefined {
  return registry.has(type) ? registry.get(type) : undefined;
}
