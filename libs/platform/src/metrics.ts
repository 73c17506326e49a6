import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordedEvent } from '@handoff/contracts';
import type { HttpObserver } from './access-log';
import { Allow } from './http';

type Labels = Record<string, string | number>;
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * One service's metrics in Prometheus' text format (prom-client), on a registry of its own.
 * Counters move as things happen (requests, appends, dead letters); the gauges that need a
 * look at Kafka or PostgreSQL (lags, pools) are computed when scraped, so an idle service
 * does no work for them.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly eventsAppended: Counter<'type'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly breaches: Counter<'deadline' | 'of'>;
  private readonly escalations: Counter<'level' | 'trigger' | 'of'>;
  private readonly collectFailures: Counter<'source'>;
  private readonly marksPruned: Counter;
  private readonly pruneRounds: Counter<'outcome'>;
  private readonly webhookAttempts: Counter<'outcome'>;
  /** prom-client's sampler of the event loop's delay; it rests while the service does (see noteActivity). */
  private readonly eventLoopDelay: IntervalHistogram | undefined;
  private eventLoopDelayRests = false;
  private activeSince = 0;
  private restCheck: NodeJS.Timeout | undefined;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    this.eventLoopDelay = collectDefaultMetricsResting(this.registry);
    // Start-up counts as activity: a service nobody uses rests from then on.
    this.noteActivity();
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: 'handoff_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'handoff_http_request_duration_seconds',
      help: 'Time from a request reaching the service to its answer being sent.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.eventsAppended = new Counter({ name: 'handoff_events_appended_total', help: 'Events this service appended to its event store, by type.', labelNames: ['type'], registers });
    this.deadLetters = new Counter({
      name: 'handoff_dead_lettered_total',
      help: 'Messages this service sent to the dead-letter topic, by kind of reason (invalid_json, invalid_envelope, domain_refusal, handler_failed, ...).',
      labelNames: ['reason'],
      registers,
    });
    this.breaches = new Counter({ name: 'handoff_deadline_breaches_total', help: 'DeadlineBreached events this service recorded, by deadline, and whether of the ticket\'s round or of a sub-request.', labelNames: ['deadline', 'of'], registers });
    this.escalations = new Counter({ name: 'handoff_escalations_total', help: 'TicketEscalated events this service recorded, by level, trigger, and whether of the ticket\'s round or of a sub-request.', labelNames: ['level', 'trigger', 'of'], registers });
    this.collectFailures = new Counter({
      name: 'handoff_metrics_collect_failures_total',
      help: 'Scrapes in which a gauge could not be computed (Kafka or PostgreSQL did not answer); the gauge is left out of that scrape.',
      labelNames: ['source'],
      registers,
    });
    this.marksPruned = new Counter({ name: 'handoff_processed_events_pruned_total', help: 'Processed-event marks deleted by the pruner (past PROCESSED_EVENTS_RETENTION_HOURS and committed past).', registers });
    this.pruneRounds = new Counter({
      name: 'handoff_processed_events_prune_rounds_total',
      help: 'Pruning rounds, by outcome: pruned, held (the consumer group has not committed past the retention) or failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'handoff_webhook_deliveries_total',
      help: 'Webhook delivery attempts (intake), by outcome: delivered, retrying (failed, tried again later) or failed (its attempts used up).',
      labelNames: ['outcome'],
      registers,
    });
  }

  readonly observeHttp: HttpObserver = (exchange) => {
    // Probes and scrapes come every few seconds whether or not anyone uses the service.
    if (exchange.route !== '/metrics' && !exchange.route.startsWith('/health')) this.noteActivity();
    const labels = { method: exchange.method, route: exchange.route, status: String(exchange.status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, exchange.durationMs / 1000);
  };

  /**
   * The service is doing something (a request, an append, a consumed batch). The event loop's
   * delay is sampled by a timer (every 100 ms, so 10 wake-ups a second); an idle loop has no
   * delay to record, so the sampler rests once nothing has happened for EVENT_LOOP_REST_AFTER_MS
   * and starts again at the next activity, with no timer of its own while it rests. A stall of
   * 100 ms or more while the service works is always recorded, shorter ones when they cover a
   * sample; `nodejs_eventloop_lag_seconds` is measured at each scrape either way.
   */
  noteActivity(): void {
    this.activeSince = performance.now();
    if (!this.eventLoopDelay) return;
    if (this.eventLoopDelayRests) {
      this.eventLoopDelay.enable();
      this.eventLoopDelayRests = false;
    }
    this.restCheck ??= this.checkRest(EVENT_LOOP_REST_AFTER_MS);
  }

  /** Whether the event loop's delay is being sampled now (see noteActivity). */
  get eventLoopSampled(): boolean {
    return this.eventLoopDelay !== undefined && !this.eventLoopDelayRests;
  }

  private checkRest(afterMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const quietFor = performance.now() - this.activeSince;
      if (quietFor < EVENT_LOOP_REST_AFTER_MS) {
        this.restCheck = this.checkRest(EVENT_LOOP_REST_AFTER_MS - quietFor);
        return;
      }
      this.restCheck = undefined;
      this.eventLoopDelay?.disable();
      this.eventLoopDelayRests = true;
    }, afterMs);
    timer.unref();
    return timer;
  }

  recordAppended(events: readonly RecordedEvent[]): void {
    this.noteActivity();
    for (const event of events) {
      this.eventsAppended.inc({ type: event.type });
      const data = event.data as Record<string, unknown> | null;
      // A sub-request's deadline is another department's promise inside the ticket: told apart, so an alert on the round's breaches is not set off by it.
      const of = typeof data?.subRequestId === 'string' ? 'sub_request' : 'round';
      if (event.type === 'DeadlineBreached') this.breaches.inc({ deadline: String(data?.deadline ?? 'unknown'), of });
      if (event.type === 'TicketEscalated') this.escalations.inc({ level: String(data?.level ?? 'unknown'), trigger: String(data?.trigger ?? 'unknown'), of });
    }
  }

  recordPruneRound(outcome: string, pruned: number): void {
    this.pruneRounds.inc({ outcome });
    this.marksPruned.inc(pruned);
  }

  recordWebhookAttempt(outcome: 'delivered' | 'retrying' | 'failed'): void {
    this.webhookAttempts.inc({ outcome });
  }

  recordDeadLetter(reason: string): void {
    this.deadLetters.inc({ reason });
  }

  /** A gauge computed at each scrape; a source that fails is counted and left out of that scrape. */
  gauge(name: string, help: string, labelNames: readonly string[], source: string, samples: () => Promise<readonly Sample[]> | readonly Sample[]): void {
    const failures = this.collectFailures;
    new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const sample of await samples()) this.set(sample.labels, sample.value);
        } catch {
          failures.inc({ source });
        }
      },
    });
  }

  /**
   * A counter kept by another part (the relay's and consumers' own tallies) and read at each
   * scrape; it starts again from 0 when that part is started again, as a counter may.
   */
  counter(name: string, help: string, labelNames: readonly string[], source: string, samples: () => readonly Sample[]): void {
    const failures = this.collectFailures;
    new Counter({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      collect() {
        this.reset();
        try {
          for (const sample of samples()) this.inc(sample.labels, sample.value);
        } catch {
          failures.inc({ source });
        }
      },
    });
  }
}

/** How long a service does nothing before the event loop's delay sampler rests. */
export const EVENT_LOOP_REST_AFTER_MS = 10_000;

/**
 * prom-client's default metrics, its event-loop delay sampler taken in hand as it is made
 * (prom-client has no option to leave it out, nor to pause it) so that it can rest with the
 * service. Sampling every 100 ms instead of prom-client's 10 ms: 100 wake-ups a second cost an
 * idle service more than all its other work (`BENCH_ONLY=idle npm run bench`).
 */
function collectDefaultMetricsResting(registry: Registry): IntervalHistogram | undefined {
  // The very object prom-client requires, so that its call comes through here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const perfHooks = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const make = perfHooks.monitorEventLoopDelay;
  let made: IntervalHistogram | undefined;
  perfHooks.monitorEventLoopDelay = (options) => (made = make(options));
  try {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  } finally {
    perfHooks.monitorEventLoopDelay = make;
  }
  return made;
}

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get('metrics')
  @Allow('public')
  @ApiOperation({ summary: 'Metrics in Prometheus text format: HTTP, events, relay and consumer lag, dead letters, deadlines, connection pools.' })
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    response.status(200).set('content-type', this.metrics.registry.contentType).send(text);
  }
}
