/**
 * Planning: which nodes a run needs, in which order, and each node's cache key. Iterative, so a
 * 10,000-node chain plans without deep recursion.
 */
import type { ResolvedNode, ResolvedPipeline } from '../document.ts';
import { hashKey } from '../hash.ts';

/** The distinct upstream node ids of a node, in input order. */
export function upstreamIds(node: ResolvedNode): string[] {
  return [...new Set(Object.values(node.inputs).flatMap((ends) => ends.map((e) => e.node)))];
}

function neededBy(pipeline: ResolvedPipeline, targets: readonly string[]): Set<string> {
  const needed = new Set<string>();
  const stack = [...targets].reverse();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (needed.has(id)) continue;
    const n = pipeline.byId.get(id);
    if (!n) throw new Error(`unknown node "${id}"; nodes: ${[...pipeline.byId.keys()].join(', ')}`);
    needed.add(id);
    for (const u of upstreamIds(n)) stack.push(u);
  }
  return needed;
}

/** The nodes needed for `targets`, in a stable topological order (document order breaks ties). */
export function plan(pipeline: ResolvedPipeline, targets?: readonly string[]): ResolvedNode[] {
  const needed = neededBy(pipeline, targets ?? pipeline.nodes.map((n) => n.id));
  const nodes = pipeline.nodes.filter((n) => needed.has(n.id));
  const indeg = new Map(nodes.map((n) => [n.id, 0]));
  const succ = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes)
    for (const ends of Object.values(n.inputs))
      for (const e of ends) {
        indeg.set(n.id, (indeg.get(n.id) ?? 0) + 1);
        succ.get(e.node)?.push(n.id);
      }
  const order: ResolvedNode[] = [];
  // A binary heap keyed by document index would be faster; sorting the (usually tiny) ready list
  // keeps the order identical to what it always was.
  const ready = nodes.filter((n) => indeg.get(n.id) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a.index - b.index);
    const n = ready.shift() as ResolvedNode;
    order.push(n);
    for (const s of succ.get(n.id) ?? []) {
      const d = (indeg.get(s) ?? 0) - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(pipeline.byId.get(s) as ResolvedNode);
    }
  }
  if (order.length !== nodes.length) throw new Error('the pipeline has a cycle');
  return order;
}

/** Cache key of every node of a pipeline (independent of what is planned). */
export function nodeKeys(pipeline: ResolvedPipeline): Map<string, string> {
  const keys = new Map<string, string>();
  for (const n of plan(pipeline)) {
    const inputs: Record<string, string[]> = {};
    for (const [port, ends] of Object.entries(n.inputs))
      inputs[port] = ends.map((e) => `${keys.get(e.node) ?? '?'}:${e.port}`);
    const pipelineInfo = n.block.usesPipelineInfo
      ? {
          name: pipeline.name,
          description: pipeline.document.description,
          nodes: pipeline.nodes.map((m) => [m.id, m.type, m.label, m.params]),
        }
      : undefined;
    keys.set(n.id, hashKey({ type: n.type, version: n.block.version, params: n.params, inputs, pipelineInfo }));
  }
  return keys;
}
