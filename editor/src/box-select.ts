/** Shift + drag on the canvas background: select every node the box touches. */
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra } from './canvas-presets.ts';
import type { CfNode, Schemes } from './graph.ts';

export interface BoxSelectHost {
  readonly container: HTMLElement;
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  nodes(): CfNode[];
  position(id: string): { x: number; y: number } | undefined;
  addToSelection(id: string): Promise<void>;
  selectionChanged(): void;
}

export function installBoxSelect(canvas: BoxSelectHost): void {
  const c = canvas.container;
  let start: { x: number; y: number } | undefined;
  let box: HTMLDivElement | undefined;
  c.addEventListener(
    'pointerdown',
    (e) => {
      if (!e.shiftKey || e.button !== 0) return;
      if ((e.target as HTMLElement).closest('cf-node')) return;
      e.stopPropagation();
      e.preventDefault();
      const r = c.getBoundingClientRect();
      start = { x: e.clientX - r.left, y: e.clientY - r.top };
      box = document.createElement('div');
      box.className = 'select-box';
      box.dataset['testid'] = 'select-box';
      c.appendChild(box);
    },
    { capture: true },
  );
  window.addEventListener('pointermove', (e) => {
    if (!start || !box) return;
    const r = c.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    Object.assign(box.style, {
      left: `${Math.min(x, start.x)}px`,
      top: `${Math.min(y, start.y)}px`,
      width: `${Math.abs(x - start.x)}px`,
      height: `${Math.abs(y - start.y)}px`,
    });
  });
  window.addEventListener('pointerup', (e) => {
    if (!start || !box) return;
    const r = c.getBoundingClientRect();
    const end = { x: e.clientX - r.left, y: e.clientY - r.top };
    const { x: tx, y: ty, k } = canvas.area.area.transform;
    const toArea = (p: { x: number; y: number }) => ({ x: (p.x - tx) / k, y: (p.y - ty) / k });
    const a = toArea({ x: Math.min(start.x, end.x), y: Math.min(start.y, end.y) });
    const b = toArea({ x: Math.max(start.x, end.x), y: Math.max(start.y, end.y) });
    box.remove();
    box = undefined;
    start = undefined;
    const hit = canvas.nodes().filter((n) => {
      const p = canvas.position(n.id);
      if (!p) return false;
      return p.x < b.x && p.x + n.width > a.x && p.y < b.y && p.y + n.height > a.y;
    });
    void (async () => {
      for (const n of hit) await canvas.addToSelection(n.id);
      canvas.selectionChanged();
    })();
  });
}
