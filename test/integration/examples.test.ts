/**
 * The example pipelines: every one validates, and a shortened version of each (few samples, a few
 * training steps, few fixed-point starts) runs end to end through the real CLI and writes its report.
 * The full versions are measured by hand (times in each file's description).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatErrors, loadPipeline, parsePipelineText, Registry } from '../../core/index.ts';
import { registerBuiltins } from '../../nodes/index.ts';
import { applyOverrides } from '../../cli/overrides.ts';

import { runCli as cli } from './run-cli.ts';

interface Doc {
  name: string;
  description: string;
  nodes: Array<{ id: string; type: string; params: Record<string, unknown>; ui?: { x: number; y: number } }>;
  edges: unknown[];
}

const STUDY = [
  'and-task',
  'multitask-context',
  'pulse-vs-oscillation',
  'time-reproduction',
  'oscillation',
  'flip-flop-3bit',
  'pruning-study',
];
const ALL = readdirSync('examples')
  .filter((f) => f.endsWith('.json') && !f.startsWith('plugin-'))
  .map((f) => f.replace(/\.json$/, ''));
const read = (name: string) => JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')) as Doc;

/** Overrides that make an example small: few samples, a few training steps, few fixed-point starts. */
function shortened(doc: Doc): string[] {
  const sets: string[] = [];
  for (const n of doc.nodes) {
    if (n.type.startsWith('task.')) sets.push(`${n.id}.samples=120`);
    if (n.type === 'train.ctrnn') sets.push(`${n.id}.maxSteps=6`, `${n.id}.batchSize=16`, `${n.id}.criterionEvery=3`);
    if (n.type === 'analysis.fixed-points') sets.push(`${n.id}.starts=16`, `${n.id}.maxIters=150`);
    if (n.type === 'analysis.prune') sets.push(`${n.id}.fractions=[0,0.1,0.3]`);
    if (n.type === 'model.ctrnn') sets.push(`${n.id}.units=20`);
  }
  return sets.flatMap((s) => ['--set', s]);
}

describe('example pipelines', () => {
  it('the study examples are all there', () => {
    for (const name of STUDY) expect(ALL).toContain(name);
  });

  it('every example validates as cortexflow validate does (as shipped and shortened)', () => {
    const registry = new Registry();
    registerBuiltins(registry);
    for (const name of ALL) {
      const parsed = parsePipelineText(readFileSync(`examples/${name}.json`, 'utf8'));
      expect(parsed.ok, name).toBe(true);
      if (!parsed.ok) continue;
      const sets = [[], shortened(read(name)).filter((_, i) => i % 2 === 1)];
      for (const s of sets) {
        const over = applyOverrides(parsed.value, s);
        expect(over.ok, `${name}: overrides ${s.join(' ')}`).toBe(true);
        if (!over.ok) continue;
        const r = loadPipeline(over.document, registry);
        expect(r.ok, `${name}: ${r.ok ? '' : formatErrors(r.errors)}`).toBe(true);
      }
    }
  });

  it('the CLI validates an example', async () => {
    const r = await cli(['validate', 'examples/and-task.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid \("AND task/);
  });

  it('every study example lays its nodes out for the editor and states its measured time', () => {
    for (const name of STUDY) {
      const doc = read(name);
      expect(doc.description, name).toMatch(/\d+(\.\d+)? (s|min)\b/);
      const pos = new Set<string>();
      for (const n of doc.nodes) {
        expect(n.ui, `${name}.${n.id}`).toBeDefined();
        const key = `${n.ui?.x},${n.ui?.y}`;
        expect(pos.has(key), `${name}: two nodes at ${key}`).toBe(false);
        pos.add(key);
      }
      // Left to right: every edge goes from a node left of its target.
      const x = new Map(doc.nodes.map((n) => [n.id, n.ui?.x ?? 0]));
      for (const e of doc.edges as Array<{ from: { node: string }; to: { node: string } }>)
        expect(x.get(e.from.node)!, `${name}: ${e.from.node} -> ${e.to.node}`).toBeLessThan(x.get(e.to.node)!);
    }
  });

  // Two at a time: each run is a separate process; a quiet 2-core machine runs the seven in about a minute.
  const pairs: string[][] = [];
  for (let i = 0; i < STUDY.length; i += 2) pairs.push(STUDY.slice(i, i + 2));
  for (const pair of pairs)
    it(`shortened runs: ${pair.join(', ')}`, { timeout: 120_000 }, async () => {
      await Promise.all(
        pair.map(async (name) => {
          const out = mkdtempSync(join(tmpdir(), `cortexflow-example-${name}-`));
          const doc = read(name);
          const r = await cli(['run', `examples/${name}.json`, '--out', out, ...shortened(doc)]);
          expect(r.code, `${name}: ${r.stderr.slice(-2000)}`).toBe(0);
          const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
            status: string;
            nodes: Record<string, { status: string; outputs: Record<string, { numbers?: Record<string, number> }> }>;
          };
          expect(m.status).toBe('done');
          for (const n of doc.nodes) expect(m.nodes[n.id]?.status, `${name}.${n.id}`).toBe('done');
          expect(existsSync(join(out, 'report', 'report.html')), `${name}: report`).toBe(true);
          for (const n of doc.nodes.filter((k) => k.type.startsWith('plot.')))
            expect(existsSync(join(out, n.id, 'figure.png')), `${name}.${n.id} png`).toBe(true);
          // Headline numbers reach the manifest (what sweeps tabulate).
          const train = doc.nodes.find((k) => k.type === 'train.ctrnn');
          if (train) expect(m.nodes[train.id]?.outputs['history']?.numbers?.['steps']).toBeGreaterThan(0);
          const eigen = doc.nodes.find((k) => k.type === 'analysis.eigen');
          // The reference is the orthogonal start: every |eigenvalue| equals the model's gain.
          const net = doc.nodes.find((k) => k.type === 'model.ctrnn');
          const gain = (net?.params['gain'] as number | undefined) ?? 1;
          if (eigen) expect(m.nodes[eigen.id]?.outputs['spectrum']?.numbers?.['referenceRadius']).toBeCloseTo(gain, 6);
        }),
      );
    });
});

describe('the E/I multitask example (plugin)', () => {
  it(
    'runs shortened with the Dale plugin: signs kept, start at radius 1, same analyses as the flagship',
    { timeout: 120_000 },
    async () => {
      const name = 'plugin-dale-multitask';
      const doc = read(name);
      const flagship = read('multitask-context');
      // The same scheme and analyses as the flagship, only the network differs (figure titles may say so).
      const ids = (d: Doc) =>
        d.nodes
          .filter((n) => n.id !== 'net' && !n.type.startsWith('dale.'))
          .map((n) => `${n.id}:${n.type}:${n.type.startsWith('plot.') ? '' : JSON.stringify(n.params)}`);
      expect(ids(doc)).toEqual(ids(flagship));
      const out = mkdtempSync(join(tmpdir(), `cortexflow-example-${name}-`));
      const sets = [...shortened(doc), '--set', 'net.units=20'];
      const r = await cli(['run', `examples/${name}.json`, '--plugin', 'plugins/dale', '--out', out, ...sets]);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        status: string;
        nodes: Record<string, { status: string; outputs: Record<string, { numbers?: Record<string, number> }> }>;
      };
      expect(m.status).toBe('done');
      for (const n of doc.nodes) expect(m.nodes[n.id]?.status, `${name}.${n.id}`).toBe('done');
      expect(m.nodes['eigen']?.outputs['spectrum']?.numbers?.['referenceRadius']).toBeCloseTo(1, 6);
      const after = JSON.parse(readFileSync(join(out, 'ei-after', 'stats.json'), 'utf8')) as {
        typesFrom: string;
        violations: { count: number };
      };
      expect(after.typesFrom).toBe('constraints');
      expect(after.violations.count).toBe(0);
      expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
    },
  );
});
