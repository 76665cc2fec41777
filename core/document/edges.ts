/**
 * Loader stage 3: the edges, through the one set of edge rules (core/graph.ts) the editor uses too.
 */
import { didYouMean } from '../registry.ts';
import { echo } from '../limits.ts';
import { edgeProblem, portProblem, type GraphEdge } from '../graph.ts';
import { docError, type DocumentError } from './errors.ts';
import type { EdgeDocument, PipelineDocument } from './schema.ts';
import type { ResolvedNode } from './types.ts';

function danglingEnds(e: EdgeDocument, i: number, ids: ReadonlySet<string>, errors: DocumentError[]): void {
  for (const side of ['from', 'to'] as const) {
    const end = e[side];
    if (ids.has(end.node)) continue;
    const hint = end.node.length <= 200 ? didYouMean(end.node, ids) : undefined;
    errors.push(
      docError(
        `edges[${i}].${side}.node`,
        `no node with id ${echo(end.node)}${hint ? `; did you mean "${hint}"?` : ''}`,
        'dangling-edge',
      ),
    );
  }
}

/**
 * Stage 3: check every edge and wire the accepted ones into their target's `inputs`. Returns the
 * accepted edges (what cycle detection looks at).
 */
export function connectEdges(
  d: PipelineDocument,
  byId: ReadonlyMap<string, ResolvedNode>,
  errors: DocumentError[],
): GraphEdge[] {
  const ids = new Set(d.nodes.map((n) => n.id));
  const accepted: GraphEdge[] = [];
  const acceptedIndex: number[] = [];
  // First accepted edge into each input, so the single-input rule is a lookup, not a scan.
  const into = new Map<string, number>();
  const key = (node: string, port: string): string => `${node}\u0000${port}`;
  const taken = (node: string, port: string): number => into.get(key(node, port)) ?? -1;
  d.edges.forEach((e, i) => {
    danglingEnds(e, i, ids, errors);
    const from = byId.get(e.from.node);
    const to = byId.get(e.to.node);
    let portsOk = true;
    for (const [side, node] of [
      ['from', from],
      ['to', to],
    ] as const) {
      const p = node ? portProblem(node, side, e[side].port) : null;
      if (!node || !p) continue;
      portsOk = false;
      errors.push(
        docError(`edges[${i}].${side}.port`, p.message, 'unknown-port', { node: node.id, port: e[side].port.slice(0, 200) }),
      );
    }
    if (!from || !to || !portsOk) return;
    const problem = edgeProblem(from, e.from.port, to, e.to.port, accepted, { taken });
    if (problem?.code === 'incompatible') {
      errors.push(docError(`edges[${i}].to.port`, problem.message, 'incompatible', { node: to.id, port: e.to.port }));
      return;
    }
    if (problem?.code === 'single-input') {
      const prev = acceptedIndex[problem.conflict ?? -1];
      errors.push(
        docError(`edges[${i}].to`, `${problem.message} (edges[${prev}])`, 'single-input', { node: to.id, port: e.to.port }),
      );
      return;
    }
    if (!into.has(key(e.to.node, e.to.port))) into.set(key(e.to.node, e.to.port), accepted.length);
    accepted.push(e);
    acceptedIndex.push(i);
    to.inputs[e.to.port]?.push({ ...e.from });
  });
  return accepted;
}
