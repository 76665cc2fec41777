import { describe, expect, it } from 'vitest';
import { DOMParser } from 'linkedom';
import { runBlock } from '../../core/index.ts';
import type { Dataset, Spectrum, Trajectories } from '../ports/index.ts';
import { FigurePort, type Figure } from '../ports/figure.ts';
import { plotCurve, plotEigenvalues, plotHistogram, plotPca, plotTimeseries } from './index.ts';
import { conditionTitle, fittingConditionTitle } from './common.ts';
import { criterionThreshold, seriesProblem } from './curve.ts';
import { svgToPng } from './render/png.ts';
import { linePath, powerOfTen } from './render/frame.ts';
import * as td from '../../test/fixtures/port-values.ts';

type Out = { figure: Figure };

function parse(svg: string) {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  expect(root.tagName.toLowerCase()).toBe('svg');
  expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  return {
    root,
    all: (sel: string) => [...doc.querySelectorAll(sel)] as Element[],
    text: (sel: string) => [...doc.querySelectorAll(sel)].map((e) => (e as Element).textContent ?? ''),
  };
}

/** Every figure: a title (visible and <title>), labelled x and y axes. */
function expectFrame(f: Figure) {
  const s = parse(f.svg);
  expect(s.text('text.figure-title')[0]).toBe(f.title);
  expect(s.text('title')[0]).toBe(f.title);
  expect(s.text('text.axis-label.x').filter((t) => t.trim() !== '').length).toBeGreaterThan(0);
  expect(s.text('text.axis-label.y').filter((t) => t.trim() !== '').length).toBeGreaterThan(0);
  expect(Number(s.root.getAttribute('width'))).toBe(f.width);
  expect(Number(s.root.getAttribute('height'))).toBe(f.height);
  expect(f.caption.length).toBeGreaterThan(20);
  return s;
}

const ds = td.makeDataset(60);
const tr = td.makeTrajectories(ds, 12);

describe('plot.timeseries', () => {
  it('draws one panel per condition with inputs, target, output and hidden units', async () => {
    const r = await runBlock<Out>(plotTimeseries, {
      inputs: { dataset: ds, trajectories: tr },
      params: { hiddenUnits: 2 },
      nodeId: 'ts',
    });
    const f = r.outputs.figure;
    expect(f.node).toBe('ts');
    const s = expectFrame(f);
    expect(s.all('g.panel.condition')).toHaveLength(12);
    expect(s.all('path.series-output')).toHaveLength(12);
    expect(s.all('path.series-target')).toHaveLength(12);
    expect(s.all('path.series-input')).toHaveLength(12 * 3);
    expect(s.all('path.series-hidden')).toHaveLength(12 * 2);
    expect(s.text('text.axis-label.x')[0]).toBe('time (ms)');
    const titles = s.text('text.panel-title');
    expect(titles[0]).toBe('and · A=0 B=0 · context +1');
    expect(titles[4]).toBe('or · A=0 B=0 · context −1');
    expect(r.warnings).toEqual([]);
  });

  it('draws a dataset alone (inputs and targets) and says hidden units need trajectories', async () => {
    const r = await runBlock<Out>(plotTimeseries, {
      inputs: { dataset: ds },
      params: { hiddenUnits: 3, maxPanels: 5 },
    });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('g.panel.condition')).toHaveLength(5);
    expect(s.all('path.series-output')).toHaveLength(0);
    expect(s.all('path.series-target')).toHaveLength(5);
    expect(r.warnings.join(' ')).toMatch(/hiddenUnits needs Trajectories/);
    expect(r.warnings.join(' ')).toMatch(/12 conditions, drawing the first 5/);
  });

  it('uses the probe of a dataset when it has one', async () => {
    const big: Dataset = {
      ...ds,
      samples: 24,
      inputs: new Float32Array(24 * 60 * 3),
      targets: new Float32Array(24 * 60),
      conditions: [...ds.conditions, ...ds.conditions],
      probe: ds,
    };
    const r = await runBlock<Out>(plotTimeseries, { inputs: { dataset: big } });
    expect(parse(r.outputs.figure.svg).all('g.panel.condition')).toHaveLength(12);
  });

  it('rejects no input, empty data and mismatched shapes with the reason', async () => {
    await expect(runBlock(plotTimeseries, { inputs: {} })).rejects.toThrow(/nothing to draw: connect a Dataset/);
    const empty: Dataset = {
      ...ds,
      samples: 0,
      inputs: new Float32Array(0),
      targets: new Float32Array(0),
      conditions: [],
    };
    await expect(runBlock(plotTimeseries, { inputs: { dataset: empty } })).rejects.toThrow(
      /samples is 0; there is nothing to draw/,
    );
    const short: Trajectories = { ...tr, y: tr.y.subarray(0, 10) };
    await expect(runBlock(plotTimeseries, { inputs: { trajectories: short } })).rejects.toThrow(
      /mismatched shapes: trajectories\.y has 10 values, expected 720/,
    );
    const other = td.makeTrajectories(td.makeDataset(40), 12);
    await expect(runBlock(plotTimeseries, { inputs: { dataset: ds, trajectories: other } })).rejects.toThrow(
      /mismatched shapes: the dataset has T=60.*trajectories have T=40/,
    );
    await expect(runBlock(plotTimeseries, { inputs: { dataset: ds }, params: { height: 50 } })).rejects.toThrow(
      /height: 50 px is too small for this figure; use at least 160 px, or 0 for automatic/,
    );
  });

  it('stacks one strip per output under the inputs when there are several outputs', async () => {
    const T = 30;
    const three: Dataset = {
      ...ds,
      samples: 2,
      T,
      channels: 6,
      outputs: 3,
      inputs: new Float32Array(2 * T * 6).map((_, i) => (i % 7 === 0 ? 1 : 0)),
      targets: new Float32Array(2 * T * 3).map((_, i) => i % 2),
      mask: new Float32Array(2 * T),
      conditions: [0, 1].map((k) => ({ task: 'flip-flop', key: `flip-flop b=${k}`, inputValues: [k], jitter: 0 })),
      channelNames: ['reset0', 'set0', 'reset1', 'set1', 'reset2', 'set2'],
      outputNames: ['bit0', 'bit1', 'bit2'],
      tasks: ['flip-flop'],
    };
    const r = await runBlock<Out>(plotTimeseries, { inputs: { dataset: three } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('g.panel.condition')).toHaveLength(2);
    expect(s.all('g.panel.strip')).toHaveLength(2 * 4);
    expect(s.all('path.series-target')).toHaveLength(2 * 3);
    expect(s.all('path.series-input')).toHaveLength(2 * 6);
    expect(s.text('text.strip-label').slice(0, 4)).toEqual(['inputs', 'bit0', 'bit1', 'bit2']);
  });

  it('condition titles name task, inputs and context once', () => {
    expect(
      conditionTitle({ task: 'xor', key: 'xor A=1 B=0 ctx=0', inputValues: [1, 0], context: 0, jitter: 3 }, true),
    ).toBe('xor · A=1 B=0 · context 0 · d=3');
    expect(conditionTitle({ task: 'not', key: 'not', inputValues: [1], jitter: 0 })).toBe('not · in 1');
    const c = { task: 'and', key: 'and A=1 B=0', inputValues: [1, 0], context: 1, jitter: 25 };
    expect(fittingConditionTitle(c, true, 400, 13)).toBe('and · A=1 B=0 · context +1 · d=25');
    expect(fittingConditionTitle(c, true, 150, 13)).toBe('and A=1 B=0 ctx +1 d=25');
  });

  it('narrow panels get compact titles that keep the jitter', async () => {
    const jittered: Dataset = { ...ds, conditions: ds.conditions.map((c, i) => ({ ...c, jitter: i })) };
    const r = await runBlock<Out>(plotTimeseries, {
      inputs: { dataset: jittered },
      params: { jitters: 'all', width: 960, columns: 4 },
    });
    const titles = parse(r.outputs.figure.svg).text('text.panel-title');
    expect(titles[5]).toBe('or A=0 B=1 ctx −1 d=5');
  });
});

describe('plot.eigenvalues', () => {
  const spec = td.makeSpectrum(30);

  it('draws N points for an N x N matrix, the reference, the unit circle and the dominant pair', async () => {
    const r = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: spec } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('circle.eigenvalue')).toHaveLength(30);
    expect(s.all('circle.eigenvalue-reference')).toHaveLength(30);
    expect(s.all('circle.unit-circle')).toHaveLength(1);
    expect(s.all('path.dominant')).toHaveLength(spec.dominant.im === 0 ? 1 : 2);
    expect(s.text('text.axis-label.x')[0]).toMatch(/Re\(λ\)/);
    expect(s.text('.stats text').join(' ')).toMatch(/spectral radius/);
    expect(r.outputs.figure.caption).toMatch(/outside the circle/);
  });

  it('says a real dominant eigenvalue does not oscillate instead of giving frequency 0', async () => {
    const real: Spectrum = { ...spec, dominant: { re: 1.04, im: 0, abs: 1.04, freqTangent: 0, freqAtan2: 0 } };
    const r = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: real } });
    expect(parse(r.outputs.figure.svg).text('.stats text').join(' ')).toMatch(/dominant λ real: no oscillation/);
    expect(r.outputs.figure.caption).toMatch(/real: a non-oscillating mode/);
    expect(parse(r.outputs.figure.svg).all('path.dominant')).toHaveLength(1);
  });

  it('a separately connected reference wins; showReference=false hides it', async () => {
    const other = td.makeSpectrum(12, false);
    let r = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: spec, reference: other } });
    expect(parse(r.outputs.figure.svg).all('circle.eigenvalue-reference')).toHaveLength(12);
    r = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: spec }, params: { showReference: false } });
    expect(parse(r.outputs.figure.svg).all('circle.eigenvalue-reference')).toHaveLength(0);
  });

  it('rejects a spectrum whose eigenvalues do not match n, or are not finite', async () => {
    const bad: Spectrum = { ...spec, eigenvalues: spec.eigenvalues.slice(0, 5) };
    await expect(runBlock(plotEigenvalues, { inputs: { spectrum: bad } })).rejects.toThrow(
      /eigenvalues has 5 values, expected 30/,
    );
    const nan: Spectrum = { ...spec, eigenvalues: spec.eigenvalues.map((e, i) => (i === 3 ? { re: NaN, im: 0 } : e)) };
    await expect(runBlock(plotEigenvalues, { inputs: { spectrum: nan } })).rejects.toThrow(
      /eigenvalues\[3\] is not finite/,
    );
    await expect(
      runBlock(plotEigenvalues, { inputs: { spectrum: { ...spec, n: 0, eigenvalues: [] } } }),
    ).rejects.toThrow(/n \(matrix size\) is 0/);
  });
});

describe('plot.histogram', () => {
  const ws = td.makeWeightStats(20, 25);

  it('draws one bar per bin, the fitted normal and the moments', async () => {
    const r = await runBlock<Out>(plotHistogram, { inputs: { stats: ws } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('rect.bar')).toHaveLength(25);
    expect(s.all('path.normal-fit')).toHaveLength(1);
    const stats = s.text('.stats text').join('\n');
    expect(stats).toMatch(/excess kurtosis/);
    expect(stats).toMatch(/n = 400/);
    const r2 = await runBlock<Out>(plotHistogram, { inputs: { stats: ws }, params: { showFit: false } });
    expect(parse(r2.outputs.figure.svg).all('path.normal-fit')).toHaveLength(0);
  });

  it('names the available matrices when asked for a missing one, and rejects broken histograms', async () => {
    await expect(runBlock(plotHistogram, { inputs: { stats: ws }, params: { matrix: 'W_out' } })).rejects.toThrow(
      /"W_out" but the statistics hold "W_rec"/,
    );
    const m = ws.matrices[0]!;
    const broken = {
      ...ws,
      matrices: [{ ...m, histogram: { edges: m.histogram.edges.slice(1), counts: m.histogram.counts } }],
    };
    await expect(runBlock(plotHistogram, { inputs: { stats: broken } })).rejects.toThrow(
      /25 counts but 25 edges \(expected 26\)/,
    );
    const empty = { ...ws, matrices: [{ ...m, histogram: { edges: [0], counts: [] } }] };
    await expect(runBlock(plotHistogram, { inputs: { stats: empty } })).rejects.toThrow(/histogram bins is 0/);
    await expect(runBlock(plotHistogram, { inputs: { stats: { label: 'x', matrices: [] } } })).rejects.toThrow(
      /hold no matrix/,
    );
  });
});

describe('plot.pca', () => {
  const pca = td.makePca(tr);
  const fps = td.makeFixedPoints(tr);

  it('draws one path per condition in each view, start/end markers, fixed points and variance labels', async () => {
    const r = await runBlock<Out>(plotPca, { inputs: { pca, fixedPoints: fps } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('g.view-1-2 path.trajectory')).toHaveLength(12);
    expect(s.all('g.view-1-3 path.trajectory')).toHaveLength(12);
    expect(s.all('g.view-1-2 path.start')).toHaveLength(12);
    expect(s.all('g.view-1-2 path.end')).toHaveLength(12);
    expect(s.all('g.view-1-2 path.fixed-point')).toHaveLength(4);
    expect(s.all('path.fixed-point-stable')[0]?.getAttribute('fill')).not.toBe('#ffffff');
    expect(s.all('path.fixed-point-unstable')[0]?.getAttribute('fill')).toBe('#ffffff');
    const labels = s.text('text.axis-label.x');
    expect(labels[0]).toMatch(/^PC1 \(a\.u\.\), [\d.]+ % of variance$/);
    expect(s.text('text.axis-label.y')[1]).toMatch(/^PC3/);
    // Colour by context: the three context levels give three stroke colours.
    expect(new Set(s.all('g.view-1-2 path.trajectory').map((e) => e.getAttribute('stroke'))).size).toBe(3);
  });

  it('draws one row per trajectory set and only PC1/PC2 when asked', async () => {
    const two = {
      ...pca,
      projections: [...pca.projections, ...pca.projections.map((q) => ({ ...q, set: 'untrained' }))],
    };
    const r = await runBlock<Out>(plotPca, { inputs: { pca: two }, params: { pc3View: false } });
    const s = parse(r.outputs.figure.svg);
    expect(s.all('g.view-1-3')).toHaveLength(0);
    expect(s.all('g.view-1-2')).toHaveLength(2);
    expect(s.all('path.trajectory')).toHaveLength(24);
    await expect(runBlock(plotPca, { inputs: { pca: two }, params: { set: 'nope' } })).rejects.toThrow(
      /"nope" but the PCA holds the sets "test network", "untrained"/,
    );
  });

  it('rejects mismatched fixed points and malformed projections', async () => {
    await expect(runBlock(plotPca, { inputs: { pca, fixedPoints: { ...fps, N: 99 } } })).rejects.toThrow(
      /fixed points live in N = 99 .* N = 12 units/,
    );
    const bad = { ...pca, projections: [{ ...pca.projections[0]!, points: new Float32Array(5) }] };
    await expect(runBlock(plotPca, { inputs: { pca: bad } })).rejects.toThrow(/projections\[0\]\.points has 5 values/);
    await expect(runBlock(plotPca, { inputs: { pca: { ...pca, projections: [] } } })).rejects.toThrow(
      /no projected conditions/,
    );
    await expect(runBlock(plotPca, { inputs: { pca: { ...pca, k: 1 } } })).rejects.toThrow(/at least 2 are needed/);
  });
});

describe('plot.curve', () => {
  it('draws training and validation loss on a log axis with the criterion step', async () => {
    const h = td.makeHistory(200);
    const r = await runBlock<Out>(plotCurve, { inputs: { history: h } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('path.series')).toHaveLength(2);
    expect(s.all('line.vline')).toHaveLength(1);
    expect(s.text('.axis.y text').join(' ')).toMatch(/10⁻/);
    expect(s.text('text.axis-label.y')[0]).toBe('loss (MSE)');
    const lin = await runBlock<Out>(plotCurve, { inputs: { history: h }, params: { yScale: 'linear' } });
    expect(parse(lin.outputs.figure.svg).text('.axis.y text').join(' ')).not.toMatch(/10⁻/);
    await expect(runBlock(plotCurve, { inputs: { history: { ...h, loss: h.loss.map(() => 0) } } })).rejects.toThrow(
      /no positive finite value .* set param "yScale" to "linear"/,
    );
    await expect(runBlock(plotCurve, { inputs: { history: { ...h, loss: [1] } } })).rejects.toThrow(
      /history\.loss has 1 values/,
    );
  });

  it('draws one line per pruning variant, a marker per point and the criterion', async () => {
    const p = td.makePruning();
    const r = await runBlock<Out>(plotCurve, { inputs: { pruning: p } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('path.series')).toHaveLength(2);
    expect(s.all('path.marker')).toHaveLength(20);
    expect(s.all('line.vline')).toHaveLength(2);
    expect(s.all('line.hline')).toHaveLength(1);
    const hollow = s.all('path.marker').filter((e) => e.getAttribute('fill') === '#ffffff').length;
    const failed = p.curves.flatMap((c) => c.points).filter((q) => !q.ok).length;
    expect(hollow).toBe(failed);
    const perCond = await runBlock<Out>(plotCurve, {
      inputs: { pruning: p },
      params: { showConditions: true, metric: 'accuracy' },
    });
    expect(parse(perCond.outputs.figure.svg).all('path.series')).toHaveLength(2 + 2 * 4);
    // A variant that never meets the criterion gets no "ok up to" line but a note saying so.
    const failing = {
      ...p,
      curves: [
        p.curves[0]!,
        { ...p.curves[1]!, points: p.curves[1]!.points.map((q) => ({ ...q, ok: false })), maxFractionOk: 0 },
      ],
    };
    const fr = parse((await runBlock<Out>(plotCurve, { inputs: { pruning: failing } })).outputs.figure.svg);
    expect(fr.all('line.vline')).toHaveLength(1);
    expect(fr.text('.notes text').join(' ')).toMatch(/positive only: criterion not met even at 0 % removed/);
    expect(criterionThreshold('mean distance <= 0.5', 'distance')).toBe(0.5);
    expect(criterionThreshold('accuracy >= 1e-1 on all', 'accuracy')).toBe(0.1);
    expect(criterionThreshold('all conditions correct', 'distance')).toBeUndefined();
  });

  it('draws generic series (also from plain JSON) and explains a bad shape', async () => {
    const series = {
      xLabel: 'delay (ms)',
      yLabel: 'distance (a.u.)',
      series: [{ name: 'N=50', x: [25, 50, 110], y: [0.99, 1.27, 1.7] }],
    };
    const r = await runBlock<Out>(plotCurve, { inputs: { series } });
    const s = expectFrame(r.outputs.figure);
    expect(s.all('path.series')).toHaveLength(1);
    expect(s.text('text.axis-label.x')[0]).toBe('delay (ms)');
    expect(seriesProblem({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [1, 2], y: [1] }] })).toMatch(
      /2 x values but 1 y values/,
    );
    expect(seriesProblem([1, 2])).toMatch(/xLabel and yLabel/);
    await expect(runBlock(plotCurve, { inputs: { series: { xLabel: 'x', yLabel: 'y', series: [] } } })).rejects.toThrow(
      /input "series": "series" must be a non-empty list/,
    );
  });

  it('needs exactly one input', async () => {
    await expect(runBlock(plotCurve, { inputs: {} })).rejects.toThrow(/connect one of the inputs/);
    await expect(
      runBlock(plotCurve, { inputs: { history: td.makeHistory(20), pruning: td.makePruning() } }),
    ).rejects.toThrow(/"history" and "pruning" are both connected/);
  });
});

describe('rendering', () => {
  it('is deterministic: the same data gives the same SVG', async () => {
    const a = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: td.makeSpectrum(10) } });
    const b = await runBlock<Out>(plotEigenvalues, { inputs: { spectrum: td.makeSpectrum(10) } });
    expect(a.outputs.figure.svg).toBe(b.outputs.figure.svg);
  });

  it('escapes text: a title with markup stays text', async () => {
    const r = await runBlock<Out>(plotEigenvalues, {
      inputs: { spectrum: td.makeSpectrum(8) },
      params: { title: 'a < b & "c"' },
    });
    expect(parse(r.outputs.figure.svg).text('text.figure-title')[0]).toBe('a < b & "c"');
    expect(r.outputs.figure.svg).toContain('a &lt; b &amp;');
  });

  it('keeps paths small: flat runs and repeated points collapse, corners stay', () => {
    expect(
      linePath([
        [0, 5],
        [1, 5],
        [2, 5],
        [3, 5],
        [3, 1],
        [4, 1.4],
        [5, 1],
        [5, 1],
        [6, NaN],
      ]),
    ).toBe('M0,5L3,5L3,1L4,1.4L5,1');
    expect(
      linePath([
        [0.123, 1],
        [1, 2],
        [2, 2.01],
      ]),
    ).toBe('M0.1,1L1,2L2,2');
    expect(linePath([])).toBe('');
  });

  it('writes superscript powers of ten', () => {
    expect([powerOfTen(-4), powerOfTen(0), powerOfTen(1), powerOfTen(12)]).toEqual(['10⁻⁴', '1', '10', '10¹²']);
  });

  it('checks sizes before running: a fixed-height plot has a floor in its schema', async () => {
    await expect(
      runBlock(plotEigenvalues, { inputs: { spectrum: td.makeSpectrum(8) }, params: { height: 100 } }),
    ).rejects.toThrow(/height: expected an integer in \[280, 8000\]/);
    await expect(runBlock(plotPca, { inputs: { pca: td.makePca(tr) }, params: { height: 100 } })).rejects.toThrow(
      /height: 100 px is too small/,
    );
  });

  it('rasterises to PNG and the Figure port writes .svg and .png', async () => {
    const r = await runBlock<Out>(plotHistogram, {
      inputs: { stats: td.makeWeightStats(10, 10) },
      params: { width: 400, height: 300 },
    });
    const png = svgToPng(r.outputs.figure.svg, { scale: 1 });
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([400, 300]);
    // Text is drawn (a font was found): the image is not just the white background and grey lines.
    expect(png.length).toBeGreaterThan(8000);
    const files = await FigurePort.artifacts!(r.outputs.figure);
    expect(files.map((f) => f.suffix)).toEqual(['.svg', '.png']);
    expect(() => svgToPng(r.outputs.figure.svg, { scale: 0 })).toThrow(/scale must be in/);
  });
});
