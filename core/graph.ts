/**
 * The edge rules of a pipeline graph, written once: which output may feed which input (port exists,
 * types connect, a single input takes one edge, no cycles). The loader applies them to a whole
 * document; the editor applies them to one connection as the user draws it. Every walk here is
 * iterative, so a 10,000-node chain cannot overflow the stack.
 */
import type { AnyBlock } from './block.ts';
import { hasOwn } from './limits.ts';
import { connectionProblem, type InputSpec, type PortType } from './ports.ts';

/** A node as the edge rules see it. */
export interface GraphNode {
  id: string;
  type: string;
  block: Pick<AnyBlock, 'inputs' | 'outputs'>;
}

/** An edge as the edge rules see it. */
export interface GraphEdge {
  from: { node: string; port: string };
  to: { node: string; port: string };
}

/** Why an edge is refused. `side` says which end the problem is at. */
export interface EdgeProblem {
  code: 'unknown-port' | 'incompatible' | 'single-input' | 'duplicate' | 'cycle';
  side: 'from' | 'to';
  message: string;
  /** For `single-input` / `duplicate`: the index in `existing` of the edge already there. */
  conflict?: number;
}

/** The output port `port` of a block, looked up safely (`constructor` is not a port). */
export function outputPort(block: Pick<AnyBlock, 'outputs'>, port: string): PortType | undefined {
  return hasOwn(block.outputs, port) ? (block.outputs[port] as PortType) : undefined;
}

/** The input `port` of a block, looked up safely. */
export function inputPort(block: Pick<AnyBlock, 'inputs'>, port: string): InputSpec | undefined {
  return hasOwn(block.inputs, port) ? (block.inputs[port]) : undefined;
}

/** The problem with `port` as the `side` end of an edge at `node`: null when the port exists. */
export function portProblem(node: GraphNode, side: 'from' | 'to', port: string): EdgeProblem | null {
  const exists = side === 'from' ? outputPort(node.block, port) : inputPort(node.block, port);
  return exists ? null : noSuchPort(node, side, port);
}

function noSuchPort(node: GraphNode, side: 'from' | 'to', port: string): EdgeProblem {
  const ports = side === 'from' ? node.block.outputs : node.block.inputs;
  const names = Object.keys(ports);
  const what = side === 'from' ? 'output' : 'input';
  const expected = names.length ? `one of: ${names.join(', ')}` : `none (it has no ${what}s)`;
  return {
    code: 'unknown-port',
    side,
    message: `block "${node.type}" has no ${what} ${JSON.stringify(port).slice(0, 202)}; expected ${expected}`,
  };
}

/**
 * The problem with an edge `from.fromPort -> to.toPort` given the edges `existing` (null when it may
 * be drawn). `replacing`: the new edge replaces whatever enters a single input (the editor's drop).
 * `duplicates` / `cycles`: also refuse an edge that is already there or that closes a cycle (the
 * editor checks one edge at a time; the loader finds all cycles at once with {@link findCycles}).
 */
export function edgeProblem(
  from: GraphNode,
  fromPort: string,
  to: GraphNode,
  toPort: string,
  existing: readonly GraphEdge[],
  options: {
    replacing?: boolean;
    duplicates?: boolean;
    cycles?: boolean;
    /** Index in `existing` of the edge already entering `node.port`, or -1 (a whole document's loader keeps one). */
    taken?: (node: string, port: string) => number;
  } = {},
): EdgeProblem | null {
  const out = outputPort(from.block, fromPort);
  if (!out) return noSuchPort(from, 'from', fromPort);
  const inp = inputPort(to.block, toPort);
  if (!inp) return noSuchPort(to, 'to', toPort);
  const label = `(${from.id}.${fromPort} -> ${to.id}.${toPort})`;
  const p = connectionProblem(out, inp);
  if (p) return { code: 'incompatible', side: 'to', message: `${p} ${label}` };
  if (options.duplicates) {
    const same = existing.findIndex(
      (e) => e.from.node === from.id && e.from.port === fromPort && e.to.node === to.id && e.to.port === toPort,
    );
    if (same >= 0)
      return {
        code: 'duplicate',
        side: 'to',
        conflict: same,
        message: `${from.id}.${fromPort} is already connected to ${to.id}.${toPort}`,
      };
  }
  if (!inp.multiple && !options.replacing) {
    const taken = options.taken
      ? options.taken(to.id, toPort)
      : existing.findIndex((e) => e.to.node === to.id && e.to.port === toPort);
    if (taken >= 0)
      return {
        code: 'single-input',
        side: 'to',
        conflict: taken,
        message: `input "${toPort}" of node "${to.id}" takes a single edge and already has one`,
      };
  }
  if (options.cycles) {
    if (from.id === to.id) return { code: 'cycle', side: 'to', message: `a node cannot feed itself ("${from.id}")` };
    if (reaches(to.id, from.id, existing))
      return {
        code: 'cycle',
        side: 'to',
        message: `connecting ${from.id} -> ${to.id} would make a cycle; a pipeline must be acyclic`,
      };
  }
  return null;
}

/** Is `target` reachable from `start` along `edges`? */
export function reaches(start: string, target: string, edges: readonly GraphEdge[]): boolean {
  const succ = successors(edges);
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const v = stack.pop() as string;
    if (v === target) return true;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const w of succ.get(v) ?? []) stack.push(w);
  }
  return false;
}

function successors(edges: readonly GraphEdge[]): Map<string, string[]> {
  const succ = new Map<string, string[]>();
  for (const e of edges) {
    const list = succ.get(e.from.node);
    if (list) list.push(e.to.node);
    else succ.set(e.from.node, [e.to.node]);
  }
  return succ;
}

/**
 * One cycle per strongly connected component that has one (Tarjan's algorithm, iterative), each as
 * the node ids along the cycle through its alphabetically first node. `ids` gives the visiting order.
 */
export function findCycles(ids: readonly string[], edges: readonly GraphEdge[]): string[][] {
  const succ = successors(edges);
  let counter = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  for (const root of ids) {
    if (idx.has(root)) continue;
    // Each frame: a node and how many of its successors were visited.
    const frames: Array<{ v: string; i: number }> = [{ v: root, i: 0 }];
    idx.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    on.add(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1] as { v: string; i: number };
      const next = succ.get(f.v) ?? [];
      if (f.i < next.length) {
        const w = next[f.i++] as string;
        if (!idx.has(w)) {
          idx.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          on.add(w);
          frames.push({ v: w, i: 0 });
        } else if (on.has(w)) low.set(f.v, Math.min(low.get(f.v) as number, idx.get(w) as number));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(f.v) as number));
      if (low.get(f.v) !== idx.get(f.v)) continue;
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        comp.push(w);
      } while (w !== f.v);
      if (comp.length > 1 || next.includes(f.v)) out.push(orderCycle(comp, succ));
    }
  }
  return out;
}

/** Order a strongly connected component's nodes along one cycle through its first node. */
function orderCycle(comp: string[], succ: Map<string, string[]>): string[] {
  const set = new Set(comp);
  const start = [...comp].sort()[0] as string;
  const prev = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as string;
    for (const w of succ.get(v) ?? []) {
      if (!set.has(w)) continue;
      if (w === start) {
        const path = [v];
        let c = v;
        while (c !== start) {
          c = prev.get(c) as string;
          path.push(c);
        }
        return path.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}
