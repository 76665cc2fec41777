/** The document check the editor shows on nodes: the core's, with each error attached to its node. */
import { loadPipeline, type PipelineDocument, type Registry } from '../../core/index.ts';

/** Problems per node id: param name ('' for the node itself) and message. */
export type NodeIssues = Map<string, Array<{ param: string; message: string }>>;

/** Check `doc` as the core would (incomplete inputs allowed) and group the errors by node. */
export function nodeIssues(doc: PipelineDocument, registry: Registry): NodeIssues {
  const out: NodeIssues = new Map();
  const r = loadPipeline(doc, registry, { allowIncomplete: true });
  if (r.ok) return out;
  for (const e of r.errors) {
    const m = /^nodes\[(\d+)\](?:\.params\.([^.[]+))?/.exec(e.path);
    const node = m ? doc.nodes[Number(m[1])] : undefined;
    if (!node) continue;
    const list = out.get(node.id) ?? [];
    list.push({ param: m?.[2] ?? '', message: e.message });
    out.set(node.id, list);
  }
  return out;
}
