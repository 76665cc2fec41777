import { describe, expectTypeOf, it } from 'vitest';
import { defineBlock, input, int, schema, NumberPort, Json, type InputValues } from './index.ts';

describe('block API types', () => {
  it('gives run exactly typed inputs and params', () => {
    const single = input(NumberPort);
    const many = input(NumberPort, { multiple: true });
    const _maybe = input(Json, { optional: true });
    expectTypeOf<InputValues<{ a: typeof single; b: typeof many; c: typeof _maybe }>>().toEqualTypeOf<{
      a: number;
      b: number[];
      c: unknown;
    }>();
    defineBlock({
      type: 'x.y',
      version: 1,
      title: 't',
      category: 'c',
      description: 'd',
      inputs: { a: single, b: many },
      outputs: { out: NumberPort },
      params: schema({ n: int(0, 10, 1) }),
      run: async ({ inputs, params }) => {
        expectTypeOf(inputs.a).toEqualTypeOf<number>();
        expectTypeOf(inputs.b).toEqualTypeOf<number[]>();
        expectTypeOf(params.n).toEqualTypeOf<number>();
        return { out: inputs.a + params.n };
      },
    });
  });
  it('rejects outputs of the wrong type', () => {
    defineBlock({
      type: 'x.z',
      version: 1,
      title: 't',
      category: 'c',
      description: 'd',
      inputs: {},
      outputs: { out: NumberPort },
      params: schema({}),
      // @ts-expect-error a string is not a Number output
      run: async () => ({ out: 'nope' }),
    });
  });
});
