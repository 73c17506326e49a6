import { parsePrometheus, sumOfSeries } from './prometheus';

describe('reading a Prometheus scrape', () => {
  const scrape = parsePrometheus(
    [
      '# HELP handoff_http_requests_total Requests answered.',
      '# TYPE handoff_http_requests_total counter',
      'handoff_http_requests_total{route="/v1/departments",status="200",service="routing"} 3',
      'handoff_http_requests_total{route="/v1/departments",status="404",service="routing"} 1',
      'handoff_http_requests_total{route="/v1/tickets",status="200",service="routing"} 2',
      'handoff_dead_lettered_total{reason="say \\"no\\"\\\\back\\nslash"} 1 1700000000000',
      'process_start_time_seconds 1.7e9',
      '',
    ].join('\n'),
  );

  it('reads each sample with its labels, escaped characters undone, and a value without labels', () => {
    expect(scrape).toHaveLength(5);
    expect(scrape[3]).toEqual({ name: 'handoff_dead_lettered_total', labels: { reason: 'say "no"\\back\nslash' }, value: 1 });
    expect(scrape[4]).toEqual({ name: 'process_start_time_seconds', labels: {}, value: 1.7e9 });
  });

  it('sums the series whose labels include the ones asked for, and gives 0 for none', () => {
    expect(sumOfSeries(scrape, 'handoff_http_requests_total')).toBe(6);
    expect(sumOfSeries(scrape, 'handoff_http_requests_total', { status: '200' })).toBe(5);
    expect(sumOfSeries(scrape, 'handoff_http_requests_total', { route: '/v1/departments', status: '200' })).toBe(3);
    expect(sumOfSeries(scrape, 'handoff_http_requests_total', { status: '500' })).toBe(0);
  });

  it('refuses a line that is not a sample, rather than reading it as none', () => {
    expect(() => parsePrometheus('handoff_up{service="intake" 1')).toThrow(/not a Prometheus sample line/);
  });
});
