/**
 * Socket positions for connection ends, measured in batches. Rete's DOM watcher measures each
 * socket as it renders (a forced layout per socket, interleaved with the next node's DOM writes)
 * and looks positions up by scanning every socket: opening 200 nodes spent seconds there. This one
 * measures every pending socket in one pass (one layout) and indexes positions by node/side/key.
 */
import { BaseSocketPosition } from 'rete-render-utils';
import type { BaseSchemes } from 'rete';

type Position = { x: number; y: number };
type Side = 'input' | 'output';

interface SocketPayload {
  element: HTMLElement;
  side: Side;
  key: string;
  nodeId: string;
  position: Position;
}

/** Same interface as rete-render-utils' SocketsPositionsStorage, with O(1) lookups. */
class IndexedStorage {
  elements = new Map<HTMLElement, SocketPayload[]>();
  private readonly index = new Map<string, SocketPayload>();

  private static id(d: { nodeId: string; side: Side; key: string }): string {
    return `${d.nodeId}\u0000${d.side}\u0000${d.key}`;
  }

  getPosition(data: { nodeId: string; key: string; side: Side }): Position | null {
    return this.index.get(IndexedStorage.id(data))?.position ?? null;
  }

  add(data: SocketPayload): void {
    const list = (this.elements.get(data.element) ?? []).filter(
      (t) => t.nodeId !== data.nodeId || t.key !== data.key || t.side !== data.side,
    );
    list.push(data);
    this.elements.set(data.element, list);
    this.index.set(IndexedStorage.id(data), data);
  }

  remove(element: HTMLElement): void {
    for (const d of this.elements.get(element) ?? []) {
      const id = IndexedStorage.id(d);
      if (this.index.get(id) === d) this.index.delete(id);
    }
    this.elements.delete(element);
  }

  snapshot(): SocketPayload[] {
    return [...this.elements.values()].flat();
  }
}

interface Pending {
  element: HTMLElement;
  parent: HTMLElement;
  side: Side;
  tries: number;
  resolve: (p: Position | null) => void;
}

/** Centre of `child` relative to `parent` through the offsetParent chain (ignores CSS transforms). */
function centre(child: HTMLElement, parent: HTMLElement): Position | null {
  if (!child.offsetParent) return null;
  let x = child.offsetLeft;
  let y = child.offsetTop;
  let cur = child.offsetParent as HTMLElement | null;
  while (cur !== null && cur !== parent) {
    x += cur.offsetLeft + cur.clientLeft;
    y += cur.offsetTop + cur.clientTop;
    cur = cur.offsetParent as HTMLElement | null;
  }
  return { x: x + child.offsetWidth / 2, y: y + child.offsetHeight / 2 };
}

export class BatchedSocketPosition<S extends BaseSchemes, K> extends BaseSocketPosition<S, K> {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor() {
    super();
    this.sockets = new IndexedStorage();
  }

  calculatePosition(nodeId: string, side: Side, _key: string, element: HTMLElement): Promise<Position | null> {
    const view = this.area?.nodeViews.get(nodeId);
    if (!view?.element) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.pending.push({ element, parent: view.element, side, tries: 0, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const retry: Pending[] = [];
    // Reads only: one layout for the whole batch.
    const results = batch.map((p) => {
      const c = p.element.isConnected ? centre(p.element, p.parent) : null;
      if (!c && p.element.isConnected && p.tries < 30) retry.push({ ...p, tries: p.tries + 1 });
      return c;
    });
    batch.forEach((p, i) => {
      const c = results[i];
      if (c) p.resolve({ x: c.x + 12 * (p.side === 'input' ? -1 : 1), y: c.y });
      else if (!p.element.isConnected || p.tries >= 30) p.resolve(null);
    });
    if (retry.length) {
      // Not laid out yet (no offsetParent): try again shortly, as Rete's watcher does.
      this.pending.push(...retry);
      this.scheduled = true;
      setTimeout(() => this.flush(), 16);
    }
  }
}
