/**
 * The editor's graph model: Rete nodes that mirror the pipeline document's nodes, and the
 * conversion both ways. The pipeline document (core/document.ts) is the truth that is saved, run and
 * validated; the Rete graph is only its editable view.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import {
  connectionProblem,
  PIPELINE_FORMAT,
  PIPELINE_VERSION,
  type AnyBlock,
  type InputSpec,
  type PipelineDocument,
  type PortType,
  type Registry,
  type OutputSummary,
} from '../../core/index.ts';

/** A socket carries its port type, for colouring and for the connection check. */
export class PortSocket extends ClassicPreset.Socket {
  constructor(readonly port: PortType) {
    super(port.name);
  }
}

/** What the editor shows of a node's last run. */
export type NodeStatus = 'idle' | 'queued' | 'running' | 'cached' | 'done' | 'error' | 'skipped' | 'cancelled';

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
  if (from.id === to.id) return `a node cannot feed itself ("${from.id}")`;
  const out = from.block.outputs[fromPort] as PortType | undefined;
  const inp = to.block.inputs[toPort] as InputSpec | undefined;
  if (!out) return `block "${from.type}" has no output "${fromPort}"`;
  if (!inp) return `block "${to.type}" has no input "${toPort}"`;
  const p = connectionProblem(out, inp);
  if (p) return `${p} (${from.id}.${fromPort} -> ${to.id}.${toPort})`;
  if (
    existing.some(
      (c) => c.source === from.id && c.sourceOutput === fromPort && c.target === to.id && c.targetInput === toPort,
    )
  )
    return `${from.id}.${fromPort} is already connected to ${to.id}.${toPort}`;
  if (!inp.multiple && !options.replacing && existing.some((c) => c.target === to.id && c.targetInput === toPort))
    return `input "${toPort}" of node "${to.id}" takes a single edge and already has one`;
  if (reaches(to.id, from.id, existing))
    return `connecting ${from.id} -> ${to.id} would make a cycle; a pipeline must be acyclic`;
  return null;
}

/** Is `target` reachable from `start` along existing connections? */
function reaches(start: string, target: string, conns: ReadonlyArray<{ target: string; source: string }>): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const v = stack.pop() as string;
    if (v === target) return true;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const c of conns) if (c.source === v) stack.push(c.target);
  }
  return false;
}

/** A fresh node id for a block type: the type's last segment, numbered when taken. */
export function freshId(type: string, taken: ReadonlySet<string>): string {
  const parts = type.split('.').map((p) => p.replace(/[^a-z0-9-]/gi, '-'));
  const base = parts[parts.length - 1] ?? 'node';
  if (!taken.has(base)) return base;
  const qualified = parts.join('-');
  if (!taken.has(qualified)) return qualified;
  for (let i = 2; ; i++) if (!taken.has(`${qualified}-${i}`)) return `${qualified}-${i}`;
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
