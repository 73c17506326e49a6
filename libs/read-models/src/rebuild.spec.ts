import type { ReadModel } from './read-model';
import { formatProgress } from './rebuild-progress';
import { servicesOf } from './rebuild';
import { compareKeys } from './rebuild-tables';

const model = (topics: string[]): ReadModel => ({ name: 'test.model', topics, tables: ['t'], handler: () => ({ handle: async () => undefined }) });

describe('rebuild helpers', () => {
  it('reads the stores of the services whose topics a model reads', () => {
    expect(servicesOf(model(['routing.events', 'intake.events']))).toEqual(['routing', 'intake']);
    expect(() => servicesOf(model(['handoff.dead-letter']))).toThrow(/no service's event topic/);
  });

  it('orders keys as PostgreSQL\'s "C" collation does (UTF-8 bytes), column by column', () => {
    expect(compareKeys(['B'], ['a'])).toBeLessThan(0);
    expect(compareKeys(['z'], ['é'])).toBeLessThan(0);
    // U+FF5E sorts before an astral character in UTF-8, after it in UTF-16 code units.
    expect(compareKeys(['\uff5e'], ['\u{1f600}'])).toBeLessThan(0);
    expect(compareKeys(['billing', 'h-2'], ['billing', 'h-10'])).toBeGreaterThan(0);
    expect(compareKeys(['a', 'b'], ['a', 'b'])).toBe(0);
  });

  it('draws events done of total and the rate', () => {
    expect(formatProgress('routing.department-queue', { done: 45_120, total: 100_000, applied: 40_000, elapsedMs: 4_000 })).toBe(
      'routing.department-queue [##############................] 45,120 / 100,000 events  11,280 events/s',
    );
    expect(formatProgress('evaluation.quality', { done: 0, total: 0, applied: 0, elapsedMs: 0 })).toMatch(/\[#{30}\] 0 \/ 0 events {2}0 events\/s/);
  });
});
