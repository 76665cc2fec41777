import { describe, expect, it } from 'vitest';
import { labelSpot } from './render/eigenvalues.ts';

describe('labelSpot (the eigenvalue figure places its λ label off the data)', () => {
  const box = { left: 0, top: 0, right: 400, bottom: 400 };
  const size = { w: 120, h: 16 };
  const inside = (s: { x: number; y: number }) =>
    s.x - size.w / 2 >= box.left &&
    s.x + size.w / 2 <= box.right &&
    s.y - size.h / 2 >= box.top &&
    s.y + size.h / 2 <= box.bottom;
  const clearOf = (s: { x: number; y: number }, pts: Array<{ x: number; y: number }>) =>
    pts.every(
      (p) =>
        p.x < s.x - size.w / 2 - 10 ||
        p.x > s.x + size.w / 2 + 10 ||
        p.y < s.y - size.h / 2 - 10 ||
        p.y > s.y + size.h / 2 + 10,
    );

  it('uses the free corner on the dominant side, with a leader to the ringed point', () => {
    // Points on a circle of radius 150 around the centre; the dominant at its right edge.
    const pts = Array.from({ length: 60 }, (_, i) => ({
      x: 200 + 150 * Math.cos(i / 9.55),
      y: 200 + 150 * Math.sin(i / 9.55),
    }));
    const s = labelSpot({ x: 350, y: 200 }, 0, size, box, pts);
    expect(inside(s)).toBe(true);
    expect(clearOf(s, pts)).toBe(true);
    expect(s.x).toBeGreaterThan(200);
    expect(s.leader).toBeDefined();
  });

  it('searches around the point when the corner is taken, and never lands on a point', () => {
    const pts = [
      { x: 390, y: 10 },
      { x: 300, y: 12 },
      { x: 10, y: 10 },
      { x: 200, y: 210 },
      { x: 220, y: 190 },
    ];
    const s = labelSpot({ x: 200, y: 200 }, Math.PI / 4, size, box, pts);
    expect(inside(s)).toBe(true);
    expect(clearOf(s, pts.slice(0, 3))).toBe(true);
    expect(clearOf(s, pts)).toBe(true);
  });
});
