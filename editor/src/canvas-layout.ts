/** Where nodes go when a document has no positions, and the defaults of a block's params. */
import type { ResolvedPipeline } from '../../core/index.ts';

/** The defaults of a params JSON Schema (top-level properties). */
export function defaultParams(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, s] of Object.entries(props)) if (s['default'] !== undefined) out[k] = structuredClone(s['default']);
  return out;
}

/** Positions for nodes without `ui`: columns by depth, rows in document order. */
export function layeredPositions(p: ResolvedPipeline): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const d = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = p.byId.get(id);
    let v = 0;
    if (n) for (const ends of Object.values(n.inputs)) for (const e of ends) v = Math.max(v, d(e.node, seen) + 1);
    depth.set(id, v);
    return v;
  };
  // Stack each column's nodes by their height, with room for what a run adds (loss curve, messages).
  const nextY = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of p.nodes) {
    const col = d(n.id, new Set());
    const y = nextY.get(col) ?? 0;
    const ports = Object.keys(n.block.inputs).length + Object.keys(n.block.outputs).length;
    nextY.set(col, y + 88 + ports * 26 + 90);
    out.set(n.id, { x: col * 300, y });
  }
  return out;
}
