/** Where the canvas looks: readable fit, keeping a node in view, and pushing grown nodes apart. */
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra } from './canvas-presets.ts';
import type { CfNode, Schemes } from './graph.ts';

/** Lowest zoom at which a 14 px node title is still >= 11 px on screen. */
export const READABLE_ZOOM = 0.8;

export interface ViewportHost {
  readonly container: HTMLElement;
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  nodes(): CfNode[];
  node(id: string): CfNode | undefined;
  position(id: string): { x: number; y: number } | undefined;
}

/** The bounding box of every node, in graph coordinates. */
function bounds(c: ViewportHost): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of c.nodes()) {
    const p = c.position(n.id);
    if (!p) continue;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + n.width);
    y1 = Math.max(y1, p.y + n.height);
  }
  return Number.isFinite(x0) ? { x0, y0, x1, y1 } : undefined;
}

/**
 * Fit the graph in view, but never below {@link READABLE_ZOOM}: a graph too large to fit legibly
 * opens at that zoom on its start (top left; inputs come first), the rest a pan or a minimap
 * click away. Computed from the node model's sizes rather than measured from the DOM
 * (AreaExtensions.zoomAt measures every node: a quarter second at 200 nodes).
 */
export async function zoomToFit(c: ViewportHost): Promise<void> {
  const b = bounds(c);
  if (!b) return;
  const w = c.container.clientWidth;
  const h = c.container.clientHeight;
  const pad = 24;
  const fit = Math.min((w - 2 * pad) / (b.x1 - b.x0 || 1), (h - 2 * pad) / (b.y1 - b.y0 || 1));
  const k = Math.min(1, Math.max(READABLE_ZOOM, fit));
  await c.area.area.zoom(k, 0, 0);
  const gw = (b.x1 - b.x0) * k;
  const gh = (b.y1 - b.y0) * k;
  const tx = gw <= w - 2 * pad ? (w - gw) / 2 - b.x0 * k : pad - b.x0 * k;
  const ty = gh <= h - 2 * pad ? (h - gh) / 2 - b.y0 * k : pad - b.y0 * k;
  await c.area.area.translate(tx, ty);
}

/** Pan (at the same zoom) so node `id` is inside the canvas, if it is not (then `margin` px inside). */
export async function ensureVisible(c: ViewportHost, id: string, margin = 24): Promise<void> {
  const n = c.node(id);
  const p = c.position(id);
  if (!n || !p) return;
  const { x, y, k } = c.area.area.transform;
  const w = c.container.clientWidth;
  const h = c.container.clientHeight;
  let dx = 0;
  let dy = 0;
  const right = x + (p.x + n.width) * k;
  const left = x + p.x * k;
  // Only a node that is (partly) out of view moves the view; `margin` is the room it then gets.
  if (right > w) dx = w - margin - right;
  if (left + dx < 0) dx = margin - left;
  const top = y + p.y * k;
  if (top < 0 || top > h - 40) dy = margin - top;
  if (dx || dy) await c.area.area.translate(x + dx, y + dy);
}

/**
 * Push nodes down until no two boxes overlap (with a gap), keeping their order from top to
 * bottom. Run after nodes grow (thumbnails, loss curves, messages); returns how many moved.
 */
export async function resolveOverlaps(c: ViewportHost, gap = 20): Promise<number> {
  const boxes = c
    .nodes()
    .map((n) => ({ n, p: c.position(n.id) ?? { x: 0, y: 0 } }))
    .sort((a, b) => a.p.y - b.p.y || a.p.x - b.p.x);
  const placed: typeof boxes = [];
  let moved = 0;
  for (const b of boxes) {
    let y = b.p.y;
    for (let again = true; again;) {
      again = false;
      for (const a of placed) {
        const xOverlap = a.p.x < b.p.x + b.n.width + gap && b.p.x < a.p.x + a.n.width + gap;
        if (xOverlap && a.p.y < y + b.n.height + gap && y < a.p.y + a.n.height + gap) {
          y = a.p.y + a.n.height + gap;
          again = true;
        }
      }
    }
    if (y !== b.p.y) {
      b.p = { x: b.p.x, y };
      await c.area.translate(b.n.id, b.p);
      moved++;
    }
    placed.push(b);
  }
  return moved;
}
