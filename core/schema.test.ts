import { describe, expect, it } from 'vitest';
import { checkValue, int, num, numberMap, oneOf, pointerToPath, schema, withDefaults } from './schema.ts';

const params = schema({ samples: int(1, 100, 10), lr: num(0, 1, 0.1), act: oneOf(['tanh', 'relu'], 'tanh') });

describe('params schema', () => {
  it('fills defaults', () => {
    expect(withDefaults(params, { samples: 3 })).toEqual({ samples: 3, lr: 0.1, act: 'tanh' });
  });
  it('keeps a given map param as given (no merging of the default map)', () => {
    const withMap = schema({ levels: numberMap({ and: 1, or: -1, xor: 0 }) });
    expect(withDefaults(withMap, { levels: { and: 1, or: -1 } })).toEqual({ levels: { and: 1, or: -1 } });
    expect(withDefaults(withMap, {})).toEqual({ levels: { and: 1, or: -1, xor: 0 } });
  });
  it('reports out-of-range with path and expectation', () => {
    expect(checkValue(params, { samples: 0, lr: 0.1, act: 'tanh' })).toEqual([
      { path: 'samples', message: 'expected an integer in [1, 100], got 0' },
    ]);
  });
  it('reports unknown params with the allowed names', () => {
    const issues = checkValue(params, { samples: 1, lr: 0.1, act: 'tanh', sampels: 2 });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('sampels');
    expect(issues[0]?.message).toContain('unknown param "sampels"');
  });
  it('reports enum mismatches', () => {
    expect(checkValue(params, { samples: 1, lr: 0.1, act: 'elu' })[0]?.message).toBe(
      'expected one of "tanh", "relu", got "elu"',
    );
  });
  it('converts pointers', () => {
    expect(pointerToPath('/levels/and')).toBe('levels.and');
    expect(pointerToPath('/list/3/x')).toBe('list[3].x');
  });
});
