import { EVENT_LOOP_REST_AFTER_MS, ServiceMetrics } from './metrics';

describe('the event loop delay sampler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const request = (route: string) => ({ method: 'GET', route, status: 200, durationMs: 1, requestId: 'r', aborted: false });

  it('rests once the service has done nothing for a while, and samples again at the next request', () => {
    const metrics = new ServiceMetrics('resting');
    expect(metrics.eventLoopSampled).toBe(true);
    jest.advanceTimersByTime(EVENT_LOOP_REST_AFTER_MS - 1);
    expect(metrics.eventLoopSampled).toBe(true);
    jest.advanceTimersByTime(2);
    expect(metrics.eventLoopSampled).toBe(false);
    // A resting sampler has no timer of its own left: nothing wakes an idle service for it.
    expect(jest.getTimerCount()).toBe(0);

    metrics.observeHttp(request('/v1/tickets'));
    expect(metrics.eventLoopSampled).toBe(true);
  });

  it('keeps sampling while work goes on, however long', () => {
    const metrics = new ServiceMetrics('busy');
    for (let i = 0; i < 10; i++) {
      jest.advanceTimersByTime(EVENT_LOOP_REST_AFTER_MS / 2);
      metrics.recordAppended([]);
    }
    expect(metrics.eventLoopSampled).toBe(true);
    jest.advanceTimersByTime(EVENT_LOOP_REST_AFTER_MS + 1);
    expect(metrics.eventLoopSampled).toBe(false);
  });

  it('is not kept awake by probes and scrapes, which come whether or not anyone uses the service', () => {
    const metrics = new ServiceMetrics('probed');
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(EVENT_LOOP_REST_AFTER_MS / 4);
      metrics.observeHttp(request('/health/ready'));
      metrics.observeHttp(request('/metrics'));
    }
    expect(metrics.eventLoopSampled).toBe(false);
  });

  it('still reports the delay percentiles in the Prometheus text', async () => {
    const metrics = new ServiceMetrics('reported');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds\{service="reported"\} [0-9.e+-]+/);
  });
});
