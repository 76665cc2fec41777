import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { decodeNpy } from '../lib/npy.ts';
import { andTask } from '../tasks/index.ts';
import { contextMux } from '../context/index.ts';
import { unzipSync } from 'fflate';
import { datasetArtifacts, DatasetPort, type Dataset } from './dataset.ts';

async function dataset(): Promise<Dataset> {
  const tasks = [
    (
      await runBlock<{ dataset: Dataset }>(andTask, {
        params: { samples: 12, testFraction: 0.25, seed: 5, baseline: 0 },
      })
    ).outputs.dataset,
  ];
  return (
    await runBlock<{ dataset: Dataset }>(contextMux, {
      inputs: { tasks },
      params: { levels: { and: 1 }, probeJitters: [1, 50] },
    })
  ).outputs.dataset;
}

describe('Dataset artifacts', () => {
  it('the port writes them as one compressed .npz (the same members), shared by content, the same bytes every time', async () => {
    const d = await dataset();
    const [npz, ...rest] = (await DatasetPort.artifacts?.(d)) ?? [];
    expect(rest).toEqual([]);
    expect(npz).toMatchObject({ suffix: '.npz', shared: true });
    const members = unzipSync(npz!.data as Uint8Array);
    const enc = new TextEncoder();
    const folder = datasetArtifacts(d).map((a) => [a.suffix.slice(1), typeof a.data === 'string' ? enc.encode(a.data) : a.data]);
    expect(Object.keys(members)).toEqual(folder.map(([k]) => k));
    for (const [k, v] of folder) expect(members[k as string]).toEqual(v);
    const raw = folder.reduce((a, [, v]) => a + (v as Uint8Array).byteLength, 0);
    expect((npz!.data as Uint8Array).byteLength).toBeLessThan(raw / 5);
    expect((await DatasetPort.artifacts?.(d))?.[0]?.data).toEqual(npz!.data);
  });

  it('writes inputs/targets/mask/condition/jitter as .npy with the right header and shape, plus meta.json and the probe', async () => {
    const d = await dataset();
    const files = datasetArtifacts(d);
    const byName = new Map(files.map((f) => [f.suffix, f.data]));
    expect([...byName.keys()]).toEqual([
      '/inputs.npy',
      '/targets.npy',
      '/mask.npy',
      '/condition.npy',
      '/jitter.npy',
      '/meta.json',
      '/probe/inputs.npy',
      '/probe/targets.npy',
      '/probe/mask.npy',
      '/probe/condition.npy',
      '/probe/jitter.npy',
      '/probe/meta.json',
    ]);
    const npy = (s: string) => decodeNpy(byName.get(s) as Uint8Array);
    const inputs = npy('/inputs.npy');
    expect(inputs.dtype).toBe('<f4');
    expect(inputs.fortranOrder).toBe(false);
    expect(inputs.shape).toEqual([12, 290, 3]);
    expect(Buffer.from(inputs.data.buffer).equals(Buffer.from(d.inputs.buffer))).toBe(true);
    expect(npy('/targets.npy').shape).toEqual([12, 290, 1]);
    expect(npy('/mask.npy').shape).toEqual([12, 290]);
    const cond = npy('/condition.npy');
    expect(cond.dtype).toBe('<i4');
    expect(cond.shape).toEqual([12]);
    const jit = npy('/jitter.npy');
    expect([...jit.data]).toEqual(d.conditions.map((c) => c.jitter));
    const meta = JSON.parse(byName.get('/meta.json') as string) as Record<string, unknown>;
    expect(meta).toMatchObject({
      samples: 12,
      T: 290,
      channels: 3,
      outputs: 1,
      channelNames: ['A', 'B', 'context'],
      dt: 1,
      seed: 1,
      testCount: 3,
      tasks: ['and'],
    });
    const conditions = meta['conditions'] as Array<{ key: string; context: number }>;
    expect(conditions).toHaveLength(4);
    expect([...cond.data].map((k) => conditions[k]?.key)).toEqual(d.conditions.map((c) => c.key));
    expect(meta['provenance']).toMatchObject({ block: 'context.mux', contextLevels: { and: 1 } });
    expect(npy('/probe/inputs.npy').shape).toEqual([8, 290, 3]);
    expect([...npy('/probe/jitter.npy').data]).toEqual([1, 1, 1, 1, 50, 50, 50, 50]);
  });

  it('summarises in one line', async () => {
    expect(DatasetPort.summarize(await dataset())).toBe('12 samples x 290 steps, 3 in / 1 out (and)');
  });
});
