import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  TOPICS,
  typedEventOf,
  type Actor,
  type Command,
  type Decider,
  type DomainEvent,
  type EventRegistry,
  type Reaction,
  type ReactionContext,
  type RecordedEvent,
  type RecordedOf,
} from '@handoff/contracts';
import type { CommandHandler } from '@handoff/event-store';
import { EventConsumer, inGroups, jsonLineLogger, type EventHandler } from '@handoff/messaging';
import type { BaseConfig } from './config';
import { CONFIG, KAFKA, prefixed } from './service.module';

/** One Kafka consumer of an app: a read model or a process manager. */
export interface ConsumerDefinition {
  /** Unique within the service; the consumer group is `handoff-<service>.<name>`. */
  readonly name: string;
  /** Unprefixed topic names (TOPICS.*). */
  readonly topics: readonly string[];
  readonly handler: EventHandler;
}
export const CONSUMERS = Symbol('CONSUMERS');

/** Starts an app's consumers once the app is up (topics exist by then) and stops them first on shutdown. */
@Injectable()
export class ConsumersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running: EventConsumer[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject('SERVICE_NAME') private readonly service: string,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONSUMERS) private readonly definitions: readonly ConsumerDefinition[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const definition of this.definitions) {
      const consumer = new EventConsumer({
        kafka: this.kafka,
        groupId: prefixed(this.config, `handoff-${this.service}.${definition.name}`),
        consumerName: `${this.service}.${definition.name}`,
        topics: definition.topics.map((topic) => prefixed(this.config, topic)),
        deadLetterTopic: prefixed(this.config, TOPICS.deadLetter),
        dataSource: this.dataSource,
        handler: definition.handler,
        sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
        // Under load a fetch brings many messages per partition: one transaction for them instead of one each.
        maxBatchSize: this.config.KAFKA_CONSUMER_MAX_BATCH,
        logger: jsonLineLogger({ minLevel: this.config.LOG_LEVEL, base: { service: this.service, consumer: definition.name } }),
      });
      await consumer.start();
      this.running.push(consumer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((consumer) => consumer.stop()));
  }

  statuses() {
    return this.running.map((consumer, index) => ({ name: this.definitions[index].name, ...consumer.status() }));
  }
}

/**
 * A process manager as a consumer: the pure `react` says which commands an event causes; each
 * goes through the command handler, whose causation check makes a redelivered event harmless.
 */
export function reactorHandler<E extends DomainEvent, C extends Command, S>(options: {
  readonly registry: EventRegistry<E>;
  readonly eventTypes: readonly E['type'][];
  readonly react: (event: RecordedOf<E>, context: ReactionContext) => readonly Reaction<C>[];
  readonly decider: Decider<C, DomainEvent, S>;
  readonly commands: CommandHandler;
  readonly actor: Actor;
  readonly clock?: () => Date;
  /** Commands that usually start their stream (see HandleOptions.usuallyNewStream). */
  readonly startsStream?: (command: C) => boolean;
}): EventHandler {
  const handle = async (event: RecordedEvent) => {
    const typed = typedEventOf(options.registry, event);
    if (!typed) return;
    const reactions = options.react(typed, { now: (options.clock ?? (() => new Date()))(), actor: options.actor });
    for (const reaction of reactions) {
      await options.commands.handle(reaction.streamId, options.decider, reaction.command, {
        ticketId: event.ticketId,
        usuallyNewStream: options.startsStream?.(reaction.command) ?? false,
      });
    }
  };
  return {
    eventTypes: options.eventTypes,
    handle,
    // Tickets are independent: their reactions go side by side, each ticket's in order. The
    // commands write to the event store, not through the consumer's transaction.
    handleBatch: (events) => inGroups(events, (event) => event.ticketId, REACTIONS_AT_ONCE, handle),
  };
}

/** Tickets whose reactions a process manager runs at once (each a few round trips to the store's pool). */
const REACTIONS_AT_ONCE = 4;
