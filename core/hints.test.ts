import { describe, expect, it } from 'vitest';
import { loadPipeline } from './document.ts';
import { suggestion } from './hints.ts';
import { doc, testRegistry } from '../test/fixtures/blocks.ts';

const reg = testRegistry();

describe('validation hints', () => {
  it('a misspelled param gets a "did you mean", like a misspelled block type', () => {
    const r = loadPipeline(doc([{ id: 'a', type: 'test.const', params: { valeu: 2 } }], []), reg);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: 'nodes[0].params.valeu',
        message: 'unknown param "valeu"; expected one of: value; did you mean "value"?',
      }),
    ]);
    expect(suggestion('zzzzzz', ['value'])).toBe('');
    expect(suggestion('Units', ['units', 'alpha'])).toBe('; did you mean "units"?');
  });

  it('a pipeline naming a missing plugin says so once, and not once per input its blocks feed', () => {
    const raw = {
      ...doc(
        [
          { id: 'p', type: 'plug.source' },
          { id: 'q', type: 'plug.source' },
          { id: 's', type: 'test.add' },
        ],
        [
          ['p', 'value', 's', 'a'],
          ['q', 'value', 's', 'b'],
        ],
      ),
      plugins: ['cortexflow-plugin-plug'],
    };
    const r = loadPipeline(raw, reg);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^nodes\[0\]\.type: unknown block type "plug\.source".*names the plugin\(s\) cortexflow-plugin-plug/,
      ),
      'nodes[1].type: unknown block type "plug.source" (from the plugin named above)',
    ]);
    // an input with no edge at all is still reported
    const lone = loadPipeline(
      {
        ...doc(
          [
            { id: 'p', type: 'plug.source' },
            { id: 's', type: 'test.add' },
          ],
          [['p', 'value', 's', 'a']],
        ),
        plugins: ['x'],
      },
      reg,
    );
    expect(lone.ok ? [] : lone.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/input "b" .* of node "s" is not connected/),
    );
    expect(lone.ok ? [] : lone.errors.map((e) => e.message)).not.toContainEqual(expect.stringMatching(/input "a" /));
  });
});
