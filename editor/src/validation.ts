/** The document check the editor shows on nodes: the core's, with each error attached to its node. */
import { loadPipeline, type PipelineDocument, type Registry } from '../../core/index.ts';

/** Problems per node id: param name ('' for the node itself) and message. */
export type NodeIssues = Map<string, Array<{ param: string; message: string }>>;

/**
 * Check `doc` as the core would (incomplete inputs allowed) and group the errors by node. Errors
 * name their node and param (core/document/errors.ts): nothing here parses paths.
 */
export function nodeIssues(doc: PipelineDocument, registry: Registry): NodeIssues {
  const out: NodeIssues = new Map();
  const r = loadPipeline(doc, registry, { allowIncomplete: true });
  if (r.ok) return out;
  for (const e of r.errors) {
    if (e.node === undefined) continue;
    const list = out.get(e.node) ?? [];
    list.push({ param: e.param ?? '', message: e.message });
    out.set(e.node, list);
  }
  return out;
}
