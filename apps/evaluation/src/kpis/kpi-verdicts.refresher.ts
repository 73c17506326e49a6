import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppliedEvents, CONFIG, JsonLogger, PolicyBook } from '@handoff/platform';
import type { DeadlinePolicy } from '@handoff/service-time';
import type { EvaluationConfig } from '../config';
import { deadlinePolicyKey } from './kpi-deadlines-now';
import { deadlinesForFacts, judgeStaleFacts, putDeadlinePolicy, type JudgedUpTo } from './kpi-verdicts.writer';

/** Tickets judged per transaction: a short one, as it holds those rows from the timeline. */
const CHUNK = 1000;

/**
 * Keeps the `policy=now` verdicts stored with the KPI facts under the deadline policy in force:
 * puts it where the timeline projection reads it (kpi_deadline_policy), and judges again, a chunk
 * at a time, the facts judged under another policy or not at all (after a change, a migration, a
 * rebuild). Reports are exact meanwhile, only slower: they judge those tickets' rounds themselves
 * (kpi-facts.reader.ts). Idempotent, and two instances share the work (judgeStaleFacts).
 */
@Injectable()
export class KpiVerdictsRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private put: string | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PolicyBook,
    private readonly logger: JsonLogger,
    @Inject(AppliedEvents) private readonly applied: AppliedEvents,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
  ) {}

  onApplicationBootstrap(): void {
    const refresh = () => void this.refresh().catch((error: Error) => this.logger.event('warn', 'policy=now verdicts not refreshed; reports judge those tickets themselves', { error: error.message }));
    // At start (facts a rebuild left unjudged), when this instance's consumer applied a policy
    // change (once the book has read it), and on the book's own timer, which is how the other
    // instances take a change up: a pass costs a few statements, so an idle service does not
    // make them every second.
    refresh();
    this.stopListening = this.applied.on('policies', () => void this.policies.refresh().then(refresh, refresh));
    this.timer = setInterval(refresh, this.config.POLICY_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass: the policy put, then every stale ticket judged; one pass at a time. */
  refresh(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const inForce = this.policies.current<DeadlinePolicy>('deadlines');
    const put = `${inForce.version}:${deadlinePolicyKey(inForce.document)}`;
    if (put !== this.put) {
      await putDeadlinePolicy(this.dataSource.manager, inForce.document, inForce.version);
      this.put = put;
    }
    // The row's policy, which may be a newer one another instance put: facts are judged under one policy only.
    const deadlines = await deadlinesForFacts(this.dataSource.manager);
    if (!deadlines) return;
    let judged = 0;
    // Through the stale tickets in the order they were opened, then once more from the start for
    // any passed over (held by the timeline meanwhile, or made stale behind the walk).
    for (const walk of ['in order', 'again'] as const) {
      let upTo: JudgedUpTo | undefined;
      for (;;) {
        if (this.stopped) return;
        const chunk = await this.dataSource.transaction((manager) => judgeStaleFacts(manager, deadlines, CHUNK, walk === 'in order' ? upTo : undefined));
        judged += chunk.judged;
        upTo = chunk.upTo;
        if (chunk.seen < CHUNK) break;
      }
    }
    if (judged > 0) this.logger.event('info', 'policy=now verdicts judged under the deadline policy in force', { tickets: judged, policy: deadlines.policy.version });
  }
}
