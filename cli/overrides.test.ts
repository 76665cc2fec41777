import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../core/index.ts';
import { doc, testRegistry } from '../test/fixtures/blocks.ts';
import { applyOverrides } from './overrides.ts';

const reg = testRegistry();

describe('overrides', () => {
  it('applies --set values as JSON or strings and reports unknown nodes', () => {
    const raw = doc(
      [
        { id: 'a', type: 'test.const' },
        { id: 'j', type: 'test.json' },
      ],
      [],
    );
    const r = applyOverrides(raw, ['a.value=5', 'j.label=hello']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const loaded = loadPipeline(r.document, reg);
    expect(loaded.ok && loaded.pipeline.byId.get('a')?.params).toEqual({ value: 5 });
    expect(loaded.ok && loaded.pipeline.byId.get('j')?.params).toEqual({ label: 'hello' });
    const bad = applyOverrides(raw, ['aa.value=1']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]?.message).toContain('did you mean "a"');
    const range = applyOverrides(raw, ['a.value=1e12']);
    expect(range.ok && loadPipeline(range.document, reg).ok).toBe(false);
  });});
