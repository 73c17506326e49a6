import { distributionOf, percentile, rate } from './statistics';

describe('statistics', () => {
  it('interpolates percentiles between the closest ranks', () => {
    // rank (5 − 1) × 0.9 = 3.6 → 40 + 0.6 × (50 − 40) = 46
    expect(percentile([50, 10, 40, 20, 30], 0.9)).toBe(46);
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    expect(distributionOf([3, 1, 2])).toEqual({ count: 3, median: 2, p90: 2.8 });
  });

  it('gives no rate out of nothing', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
  });
});
