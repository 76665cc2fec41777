/**
 * Small helpers that make validation messages shorter and kinder; kept apart from document.ts and
 * schema.ts so that those only call them.
 */
import { closest, distance } from 'fastest-levenshtein';

/** `; did you mean "x"?` for a likely typo of one of `candidates`, or ''. */
export function suggestion(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(name, [...candidates]);
  const d = distance(name.toLowerCase(), best.toLowerCase());
  return d <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean "${best}"?` : '';
}

interface ErrorLike {
  path: string;
  message: string;
  code: string;
}

const PLUGIN_SENTENCE = / This pipeline names the plugin\(s\) .*$/;

/**
 * When blocks are unknown because a plugin is not loaded, say so once: the plugin sentence stays on
 * the first unknown type only, and the "input ... is not connected" errors of nodes fed by an
 * unknown block are dropped (their edges are there; the block behind them is what is missing).
 */
export function condenseMissingBlocks<E extends ErrorLike>(errors: E[], doc: unknown): E[] {
  const unknown = errors.filter((e) => e.code === 'unknown-type');
  if (unknown.length === 0) return errors;
  const d = doc as {
    nodes?: Array<{ id?: unknown }>;
    edges?: Array<{ from?: { node?: unknown }; to?: { node?: unknown; port?: unknown } }>;
  };
  const nodes = Array.isArray(d.nodes) ? d.nodes : [];
  const unknownIds = new Set<unknown>();
  for (const e of unknown) {
    const i = /^nodes\[(\d+)\]\.type$/.exec(e.path)?.[1];
    if (i !== undefined) unknownIds.add(nodes[Number(i)]?.id);
  }
  const fed = new Set<string>();
  for (const edge of Array.isArray(d.edges) ? d.edges : []) {
    if (!unknownIds.has(edge.from?.node)) continue;
    const idx = nodes.findIndex((n) => n.id === edge.to?.node);
    if (idx >= 0) fed.add(`nodes[${idx}]\u0000${String(edge.to?.port)}`);
  }
  let pluginSaid = false;
  const out: E[] = [];
  for (const e of errors) {
    if (e.code === 'missing-input') {
      const port = /^input "([^"]+)"/.exec(e.message)?.[1];
      if (port !== undefined && fed.has(`${e.path}\u0000${port}`)) continue;
    }
    if (e.code === 'unknown-type' && PLUGIN_SENTENCE.test(e.message)) {
      if (pluginSaid) {
        out.push({ ...e, message: `${e.message.replace(PLUGIN_SENTENCE, '')} (from the plugin named above)` });
        continue;
      }
      pluginSaid = true;
    }
    out.push(e);
  }
  return out;
}
