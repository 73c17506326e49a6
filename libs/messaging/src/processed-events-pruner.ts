import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { errorFields, jsonLineLogger, type StructuredLogger } from './logging';
import { Sleeper } from './sleeper';

/**
 * A consumer group's partitions that still hold, at or after the group's committed offset, a
 * message Kafka timestamped before `before`: a restart or a rebalance would deliver it again.
 * A partition where the group has committed nothing counts from its start, as the consumers
 * (fromBeginning) would.
 */
export async function partitionsNotCommittedPast(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  before: Date,
): Promise<Array<{ topic: string; partition: number }>> {
  const [committed, ...perTopic] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [...topics] }),
    ...topics.map(async (topic) => {
      const [watermarks, atTime] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchTopicOffsetsByTimestamp(topic, before.getTime())]);
      return { watermarks, atTime };
    }),
  ]);
  const behind: Array<{ topic: string; partition: number }> = [];
  topics.forEach((topic, index) => {
    const offsets = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
    const { watermarks, atTime } = perTopic[index];
    const firstAtOrAfter = new Map(atTime.map((entry) => [entry.partition, Number(entry.offset)]));
    for (const { partition, high, low } of watermarks) {
      const at = offsets.get(partition);
      const from = at === undefined || at < 0 ? Number(low) : at;
      // -1: no message that recent, so every message of the partition is older than `before`.
      const found = firstAtOrAfter.get(partition);
      const needed = found === undefined || found < 0 ? Number(high) : found;
      if (from < needed) behind.push({ topic, partition });
    }
  });
  return behind;
}

export interface ProcessedEventsPrunerOptions {
  readonly dataSource: DataSource;
  /** Marks younger than this are always kept. */
  readonly retentionHours: number;
  /**
   * Whether something already processed could be delivered again: the partitions of the
   * service's consumer group not committed past messages produced before the given instant
   * (see partitionsNotCommittedPast). While any is, nothing is pruned.
   */
  readonly notCommittedPast: (before: Date) => Promise<ReadonlyArray<{ topic: string; partition: number }>>;
  /** Most marks deleted by one statement (default 5,000), so no delete holds locks for long. */
  readonly batchSize?: number;
  readonly logger?: StructuredLogger;
  readonly clock?: () => Date;
  /** Told of each round's outcome (for metrics). */
  readonly onRound?: (round: PruneRound) => void;
}

export type PruneRound =
  | { readonly outcome: 'pruned'; readonly pruned: number; readonly cutoff: Date }
  | { readonly outcome: 'held'; readonly cutoff: Date; readonly behind: ReadonlyArray<{ topic: string; partition: number }> }
  | { readonly outcome: 'failed'; readonly cutoff: Date };

/**
 * Kafka stamps a message with the relay's clock, `processed_at` comes from PostgreSQL's: the
 * offsets are checked this much later than the cutoff so that a relay clock ahead of the
 * database's by up to an hour still counts a pruned mark's message as committed.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 60 * 60 * 1000;

/**
 * Deletes `processed_events` marks no path can deliver their event again to (see the README,
 * "Pruning processed-event marks"): older than the retention, and only while the service's
 * consumer group has committed past every message produced before the cutoff.
 *
 * Several instances may prune at once: each statement takes only rows no other one has locked
 * (SKIP LOCKED), and deleting a mark twice is deleting it once.
 */
export class ProcessedEventsPruner {
  private readonly logger: StructuredLogger;
  private readonly batchSize: number;
  private readonly clock: () => Date;
  private readonly sleeper = new Sleeper();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private round: Promise<PruneRound> | undefined;

  constructor(private readonly options: ProcessedEventsPrunerOptions) {
    this.logger = options.logger ?? jsonLineLogger();
    this.batchSize = options.batchSize ?? 5_000;
    this.clock = options.clock ?? (() => new Date());
    if (!(options.retentionHours > 0)) throw new Error('ProcessedEventsPruner: retentionHours must be positive');
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error('ProcessedEventsPruner: batchSize must be a positive integer');
  }

  /** Prunes every `intervalMs`, the first time after `firstAfterMs` (instances started together need not prune together). */
  start(intervalMs: number, firstAfterMs = intervalMs): void {
    if (this.loop) throw new Error('ProcessedEventsPruner is already started');
    this.stopping = false;
    this.sleeper.restart();
    this.loop = (async () => {
      await this.sleeper.sleep(firstAfterMs);
      while (!this.stopping) {
        await this.pruneOnce();
        await this.sleeper.sleep(intervalMs);
      }
    })();
  }

  /** Finishes the statement in hand and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.stop();
    await this.loop;
    this.loop = undefined;
  }

  /** One round; a round already under way is joined rather than run twice. */
  pruneOnce(): Promise<PruneRound> {
    this.round ??= this.prune().finally(() => (this.round = undefined));
    return this.round;
  }

  private async prune(): Promise<PruneRound> {
    const started = Date.now();
    const cutoff = new Date(this.clock().getTime() - this.options.retentionHours * 3_600_000);
    let round: PruneRound;
    try {
      const behind = await this.options.notCommittedPast(new Date(cutoff.getTime() + CLOCK_SKEW_ALLOWANCE_MS));
      if (behind.length > 0) {
        round = { outcome: 'held', cutoff, behind };
        this.logger.log('warn', 'processed-event marks kept: the consumer group has not committed past the retention', {
          cutoff: cutoff.toISOString(),
          partitionsBehind: behind.map(({ topic, partition }) => `${topic}/${partition}`).join(','),
        });
      } else {
        let pruned = 0;
        for (;;) {
          const deleted = await this.deleteBatch(cutoff);
          pruned += deleted;
          // A stop waits only for the statement in hand; the next round goes on from there.
          if (deleted < this.batchSize || this.stopping) break;
        }
        round = { outcome: 'pruned', pruned, cutoff };
        this.logger.log('info', 'processed-event marks pruned', { pruned, cutoff: cutoff.toISOString(), durationMs: Date.now() - started });
      }
    } catch (error) {
      round = { outcome: 'failed', cutoff };
      this.logger.log('warn', 'pruning processed-event marks failed; trying again next round', { cutoff: cutoff.toISOString(), ...errorFields(error) });
    }
    this.options.onRound?.(round);
    return round;
  }

  private async deleteBatch(cutoff: Date): Promise<number> {
    const [{ deleted }] = (await this.options.dataSource.query(
      `WITH old AS (
         SELECT ctid FROM processed_events WHERE processed_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM processed_events WHERE ctid IN (SELECT ctid FROM old) RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`,
      [cutoff, this.batchSize],
    )) as Array<{ deleted: number }>;
    return deleted;
  }
}
