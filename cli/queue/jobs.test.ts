import { describe, expect, it } from 'vitest';
import { cortexflowVersion, identifyPlugins, jobIdOf, sweepIdOf, type RunJobData } from './jobs.ts';
import { refusal } from './worker.ts';

const doc = { nodes: [{ id: 's', type: 'test.seeded', params: { scale: 3 } }] };
const base = { name: 'My Pipeline', resolvedDocument: doc, plugins: [], backend: undefined, version: '0.1.0' };

describe('job and sweep ids', () => {
  it('are derived from content: same sweep, same id; any change, another id', () => {
    const id = sweepIdOf(base);
    expect(id).toMatch(/^my-pipeline-[0-9a-f]{12}$/);
    expect(sweepIdOf({ ...base })).toBe(id);
    expect(sweepIdOf({ ...base, version: '0.2.0' })).not.toBe(id);
    expect(sweepIdOf({ ...base, backend: 'cpu' })).not.toBe(id);
    expect(sweepIdOf({ ...base, resolvedDocument: { nodes: [{ ...doc.nodes[0], params: { scale: 4 } }] } })).not.toBe(
      id,
    );
    expect(sweepIdOf({ ...base, plugins: [{ name: 'p', version: '1' }] })).not.toBe(
      sweepIdOf({ ...base, plugins: [{ name: 'p', version: '2' }] }),
    );
    const run = { id: 'seed-3_train.lr=0.01', seed: 3, sets: ['s.seed=3', 'train.lr=0.01'] };
    expect(jobIdOf(id, run)).toBe(`${id}.seed-3_train.lr=0.01`);
    expect(jobIdOf(id, run)).not.toContain(':');
  });
});

describe('worker refusal', () => {
  it('refuses another cortexflow version or a missing / different plugin, with what to do', async () => {
    const mine = await identifyPlugins(['test/fixtures/test-plugin.ts']);
    expect(mine[0]).toMatchObject({ name: 'cortexflow-test-blocks', version: expect.stringMatching(/^sha256:/) });
    const v = cortexflowVersion();
    const job = (over: Partial<RunJobData>): RunJobData => ({
      sweep: 's',
      run: { id: 'seed-1', seed: 1, sets: [] },
      pipelineText: '{}',
      pipelineFile: 'p.json',
      sets: [],
      plugins: [{ name: 'cortexflow-test-blocks', version: mine[0]?.version ?? '' }],
      cortexflowVersion: v,
      submittedAt: 0,
      ...over,
    });
    expect(refusal(job({}), v, mine)).toBeUndefined();
    expect(refusal(job({ cortexflowVersion: '9.9.9' }), v, mine)).toMatch(
      /runs cortexflow .* submitted with cortexflow 9\.9\.9/,
    );
    expect(refusal(job({}), v, [])).toMatch(/no plugin "cortexflow-test-blocks".*--plugin/);
    expect(refusal(job({ plugins: [{ name: 'cortexflow-test-blocks', version: 'sha256:other' }] }), v, mine)).toMatch(
      /has version sha256:.*needs sha256:other/,
    );
  });
});
