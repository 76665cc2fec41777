import { describe, expect, it } from 'vitest';
import { checkArtifacts, decide, parseArtifacts, shellWord } from './artifact-select.ts';

describe('--artifacts', () => {
  const d = (spec: string, node: string, port: string) => decide(parseArtifacts(spec), node, port);

  it('default, all, none; a list of NODE[.PORT] means only those; -NODE[.PORT] takes away from the default', () => {
    expect(d('default', 'mux', 'dataset')).toBe('capped');
    expect(d('all', 'mux', 'dataset')).toBe('always');
    expect(d('none', 'mux', 'dataset')).toBe('no');
    expect(d('mux.dataset', 'mux', 'dataset')).toBe('always');
    expect(d('mux.dataset', 'sim', 'trajectories')).toBe('no');
    expect(d('mux', 'mux', 'dataset')).toBe('always');
    expect(d('-sim0', 'sim0', 'trajectories')).toBe('no');
    expect(d('-sim0', 'sim', 'trajectories')).toBe('capped');
    expect(d('default,mux.dataset', 'mux', 'dataset')).toBe('always');
    expect(d('all,-sim.trajectories', 'sim', 'trajectories')).toBe('no');
    expect(d('none,train', 'train', 'model')).toBe('always');
  });

  it('says what is wrong with a bad value', () => {
    expect(() => parseArtifacts('')).toThrow(/empty item/);
    expect(() => parseArtifacts('mux,,sim')).toThrow(/empty item/);
    expect(() => parseArtifacts('mux,all')).toThrow(/"all" can only come first/);
    expect(() => parseArtifacts('mux/dataset')).toThrow(/"mux\/dataset" is not NODE, NODE.PORT/);
  });

  it('checks nodes and ports against the pipeline', () => {
    const outputs = new Map([
      ['mux', ['dataset']],
      ['sim', ['trajectories']],
    ]);
    expect(checkArtifacts(parseArtifacts('mux.dataset,-sim'), outputs)).toBeUndefined();
    expect(checkArtifacts(parseArtifacts('mux.data'), outputs)).toMatch(/node "mux" has no output "data" \(it has dataset\)/);
    expect(checkArtifacts(parseArtifacts('-mix'), outputs)).toMatch(/no node "mix" \(outputs: mux.dataset, sim.trajectories\)/);
  });

  it('quotes shell words only when needed', () => {
    expect(shellWord('mux.dataset')).toBe('mux.dataset');
    expect(shellWord('mux.levels={"and":1}')).toBe(`'mux.levels={"and":1}'`);
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});
