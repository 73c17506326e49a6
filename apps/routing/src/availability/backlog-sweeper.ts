import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId } from '@handoff/contracts';
import { CONFIG, JsonLogger } from '@handoff/platform';
import type { RoutingConfig } from '../config';
import type { Organisation } from '../organisation/organisation';
import { ORGANISATION } from '../organisation/organisation-in-force';
import { DepartmentAssigner } from './department-assigner';

/**
 * Drains each automatic department's backlog on the deadline sweep's interval. Events drain it as
 * they happen; this catches what no event announces: an absence that ended by its `until`, and a
 * drain lost to a crash between a process manager's command and its mark.
 */
@Injectable()
export class BacklogSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly assigner: DepartmentAssigner,
    @Inject(CONFIG) private readonly config: RoutingConfig,
    private readonly logger: JsonLogger,
    @Inject(ORGANISATION) private readonly organisation: Organisation,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.inFlight = this.sweep();
    }, this.config.DEADLINE_CHECK_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  private async sweep(): Promise<void> {
    this.busy = true;
    const correlationId = `backlog-sweep-${newId()}`;
    try {
      for (const { id } of this.organisation.departments) {
        if (!this.assigner.assigns(id)) continue;
        try {
          await this.assigner.drain(this.dataSource.manager, id, { correlationId, causationId: `${correlationId}-${id}` });
        } catch (error) {
          this.logger.event('error', 'backlog sweep failed', { department: id, error: error instanceof Error ? error : String(error) });
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
