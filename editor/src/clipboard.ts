/** Copy and paste of nodes with the edges between them (in the page, not the system clipboard). */
import type { Canvas } from './canvas.ts';
import type { CfNode } from './graph.ts';

interface Clip {
  nodes: Array<{ id: string; type: string; params: Record<string, unknown>; label: string; x: number; y: number }>;
  edges: Array<{ from: string; fromPort: string; to: string; toPort: string }>;
}

export class Clipboard {
  private clip: Clip | undefined;

  constructor(private readonly canvas: Canvas) {}

  copy(selected: readonly string[]): number {
    const ids = new Set(selected);
    if (ids.size === 0) return 0;
    this.clip = {
      nodes: [...ids].map((id) => {
        const n = this.canvas.node(id) as CfNode;
        const p = this.canvas.position(id) ?? { x: 0, y: 0 };
        return { id, type: n.type, params: structuredClone(n.params), label: n.label, x: p.x, y: p.y };
      }),
      edges: this.canvas.editor
        .getConnections()
        .filter((c) => ids.has(c.source) && ids.has(c.target))
        .map((c) => ({ from: c.source, fromPort: c.sourceOutput, to: c.target, toPort: c.targetInput })),
    };
    return ids.size;
  }

  async paste(offset = 40): Promise<string[]> {
    const clip = this.clip;
    if (!clip) return [];
    const map = new Map<string, string>();
    for (const n of clip.nodes) {
      if (!this.canvas.registry.has(n.type)) continue;
      const node = await this.canvas.addNode(
        n.type,
        { x: n.x + offset, y: n.y + offset },
        { params: n.params, label: n.label },
      );
      map.set(n.id, node.id);
    }
    for (const e of clip.edges) {
      const s = map.get(e.from);
      const t = map.get(e.to);
      if (s && t) await this.canvas.connect(s, e.fromPort, t, e.toPort);
    }
    // Paste again shifts further.
    for (const n of clip.nodes) {
      n.x += offset;
      n.y += offset;
    }
    return [...map.values()];
  }
}
