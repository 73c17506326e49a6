import { partitionsNotCommittedPast } from '@handoff/messaging';
import type { Admin, Kafka } from 'kafkajs';

/** A consumer group this service runs, as metrics and readiness see it. */
export interface WatchedConsumer {
  readonly groupId: string;
  /** Full (prefixed) topic names. */
  readonly topics: readonly string[];
  /** The consumer's own view of itself: started, and joined to its group with an assignment. */
  readonly state: () => { readonly running: boolean; readonly joined: boolean };
  /** Batches Kafka handed over since start and the messages in them, where the consumer counts them. */
  readonly deliveries?: () => { readonly batches: number; readonly messages: number };
}

/** The consumer groups this process runs; each consumer adds itself before it starts. */
export class ConsumerGroups {
  private readonly watched: WatchedConsumer[] = [];

  /** A consumer started again replaces its earlier entry. */
  register(consumer: WatchedConsumer): void {
    const index = this.watched.findIndex((watched) => watched.groupId === consumer.groupId);
    if (index >= 0) this.watched[index] = consumer;
    else this.watched.push(consumer);
  }

  all(): readonly WatchedConsumer[] {
    return this.watched;
  }
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Messages on the partition after the group's committed offset (from its start when it has none). */
  readonly lag: number;
}

const TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer from Kafka within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * The service's one admin connection to Kafka, for readiness and metrics. Consumer lag from the Kafka admin API, asked when a scrape or a readiness probe wants it: the
 * group's committed offsets against each partition's high watermark. Two metadata requests per
 * group and topic on one admin connection kept open; nothing runs between asks.
 */
export class KafkaLag {
  private admin: Admin | undefined;
  private connected: Promise<void> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async lagOf(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    const admin = await this.connect();
    try {
      const [committed, ...watermarks] = await withTimeout(
        Promise.all([admin.fetchOffsets({ groupId, topics: [...topics] }), ...topics.map((topic) => admin.fetchTopicOffsets(topic))]),
        `lag of ${groupId}`,
      );
      const lags: PartitionLag[] = [];
      topics.forEach((topic, index) => {
        const offsets = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
        for (const { partition, high, low } of watermarks[index]) {
          const at = offsets.get(partition);
          const from = at === undefined || at < 0 ? Number(low) : at;
          lags.push({ topic, partition, lag: Math.max(0, Number(high) - from) });
        }
      });
      return lags;
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  /** The group's partitions not committed past every message produced before `before` (see partitionsNotCommittedPast). */
  async notCommittedPast(groupId: string, topics: readonly string[], before: Date): Promise<Array<{ topic: string; partition: number }>> {
    const admin = await this.connect();
    try {
      return await withTimeout(partitionsNotCommittedPast(admin, groupId, topics, before), `committed offsets of ${groupId}`);
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  /** How many brokers the cluster reports: whether Kafka answers at all (readiness). */
  async brokerCount(): Promise<number> {
    const admin = await this.connect();
    try {
      return (await withTimeout(admin.describeCluster(), 'cluster description')).brokers.length;
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async connect(): Promise<Admin> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    this.connected ??= withTimeout(admin.connect(), 'admin connection');
    try {
      await this.connected;
    } catch (error) {
      // A failed connection is not kept: the next question tries afresh, the broker may be back.
      await this.reset();
      throw error;
    }
    return admin;
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
