import { describe, expect, it } from 'vitest';
import { columnTitle } from './sweep-figures.ts';

describe('sweep figure titles', () => {
  it('gives headline numbers human titles and axis labels with units', () => {
    expect(columnTitle('eigen.spectrum.radius')).toEqual({
      title: 'Spectral radius of W_rec, node eigen',
      axis: 'spectral radius |λ|max (dimensionless)',
    });
    expect(columnTitle('train.history.seconds').axis).toBe('training time (s)');
    expect(columnTitle('wstats.stats.W_rec.std').title).toBe('Weight standard deviation (W_rec), node wstats');
  });
  it('keeps an unknown column as its id', () => {
    expect(columnTitle('x.y.zeta')).toEqual({ title: 'x.y.zeta', axis: 'zeta' });
  });
});
