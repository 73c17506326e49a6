import { Inject, Injectable, type FactoryProvider, type InjectionToken, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
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
import { EventConsumer, inGroups, jsonLineLogger, ProcessedEventsPruner, withEventTrace, type EventHandler, type OwnEvents, type StructuredLogger } from '@handoff/messaging';
import type { ServiceReadModels } from '@handoff/read-models';
import { CLOCK, type Clock } from './clock';
import type { BaseConfig } from './config';
import { ConsumerGroups, KafkaLag } from './kafka-lag';
import { ServiceMetrics } from './metrics';
import { AppliedEvents } from './applied-events';
import { CONFIG, KAFKA, OWN_EVENTS, prefixed } from './service.module';

/** One handler of an app's consumer: a read model or a process manager. */
export interface ConsumerDefinition {
  /** Unique within the service; its processed-event marks are kept under `<service>.<name>`. */
  readonly name: string;
  /** Unprefixed topic names (TOPICS.*). */
  readonly topics: readonly string[];
  readonly handler: EventHandler;
}
export const CONSUMERS = Symbol('CONSUMERS');

/**
 * A feature's handlers on its service's consumer, declared in the feature's folder beside what
 * they run, with the Nest tokens they are built from: the module only lists its features.
 */
export interface ConsumerDeclaration {
  readonly inject: readonly InjectionToken[];
  /** Nest hands over the dependencies untyped: declareConsumers ties them to `inject`. */
  readonly build: (...dependencies: unknown[]) => readonly ConsumerDefinition[];
}

/** `build` is given what `inject` names, in that order. */
export function declareConsumers<D extends unknown[]>(inject: { [K in keyof D]: InjectionToken }, build: (...dependencies: D) => readonly ConsumerDefinition[]): ConsumerDeclaration {
  return { inject, build: build as unknown as ConsumerDeclaration['build'] };
}

/**
 * The service's CONSUMERS: its features' handlers in the order the module lists the features
 * (process managers first, see ConsumersLifecycle).
 */
export function consumersProvider(declarations: readonly ConsumerDeclaration[]): FactoryProvider<ConsumerDefinition[]> {
  return {
    provide: CONSUMERS,
    inject: declarations.flatMap((declaration) => declaration.inject),
    useFactory: (...dependencies: unknown[]) => {
      let next = 0;
      return declarations.flatMap((declaration) => {
        const own = dependencies.slice(next, (next += declaration.inject.length));
        return declaration.build(...own);
      });
    },
  };
}

/**
 * The live handlers of a service's read models, run by the service's consumer (group
 * `handoff-<service>`), with processed-event marks under the model's name: what a rebuild writes
 * and an in-place rebuild replaces.
 */
export function readModelConsumers({ service, models }: ServiceReadModels): ConsumerDeclaration {
  return declareConsumers([], () =>
    models.map((model) => {
      if (!model.name.startsWith(`${service}.`)) throw new Error(`read model ${model.name} does not belong to ${service}`);
      return { name: model.name.slice(service.length + 1), topics: model.topics, handler: model.handler({ live: true }) };
    }),
  );
}

/** The consumer group of a service's consumer: `handoff-<service>` (under KAFKA_TOPIC_PREFIX). */
export const serviceConsumerGroup = (service: string): string => `handoff-${service}`;

/**
 * Runs an app's handlers behind one Kafka consumer (group `handoff-<service>`) once the app is up
 * (topics exist by then), and stops it first on shutdown.
 *
 * One consumer for all of a service's read models and process managers: each message is fetched,
 * parsed and validated once for the service, and a partition's batch is applied by every handler
 * in one transaction, instead of one consumer group per handler, each fetching, committing offsets
 * and committing to PostgreSQL on its own (measured in issue 6: about twelve groups, 25 deliveries
 * and 50 statements per ticket at light load). Handlers run in the order the app lists them;
 * apps list process managers first so that the transaction takes its id only once the
 * projections write (see EventConsumer.processTogether).
 */
@Injectable()
export class ConsumersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: EventConsumer | undefined;
  private pruner: ProcessedEventsPruner | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject('SERVICE_NAME') private readonly service: string,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONSUMERS) private readonly definitions: readonly ConsumerDefinition[],
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(ConsumerGroups) private readonly groups: ConsumerGroups,
    @Inject(KafkaLag) private readonly kafkaLag: KafkaLag,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppliedEvents) private readonly applied: AppliedEvents,
    @Inject(OWN_EVENTS) private readonly ownEvents: OwnEvents,
  ) {}

  onApplicationBootstrap(): void {
    if (this.definitions.length === 0) return;
    const topics = [...new Set(this.definitions.flatMap((definition) => definition.topics))];
    const groupId = prefixed(this.config, serviceConsumerGroup(this.service));
    this.groups.register({
      groupId,
      topics: topics.map((topic) => prefixed(this.config, topic)),
      state: () => {
        const status = this.consumer?.status();
        return { running: status?.state === 'running', joined: status?.joined ?? false };
      },
      deliveries: () => {
        const status = this.consumer?.status();
        return { batches: status?.batches ?? 0, messages: status?.batchedMessages ?? 0 };
      },
    });
    const logger = jsonLineLogger({ minLevel: this.config.LOG_LEVEL, base: { service: this.service } });
    const consumer = new EventConsumer({
      kafka: this.kafka,
      groupId,
      topics: topics.map((topic) => prefixed(this.config, topic)),
      deadLetterTopic: prefixed(this.config, TOPICS.deadLetter),
      dataSource: this.dataSource,
      handlers: this.definitions.map((definition) => ({
        name: `${this.service}.${definition.name}`,
        handler: definition.handler,
        // A handler sees its own topics only, as with a consumer of its own.
        topics: definition.topics.map((topic) => prefixed(this.config, topic)),
      })),
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      // Under load a fetch brings many messages per partition: one transaction for them instead of one each.
      maxBatchSize: this.config.KAFKA_CONSUMER_MAX_BATCH,
      maxWaitTimeInMs: this.config.KAFKA_CONSUMER_MAX_WAIT_MS,
      lingerMs: this.config.KAFKA_CONSUMER_LINGER_MS,
      ownEvents: this.ownEvents,
      commitIntervalMs: this.config.KAFKA_CONSUMER_COMMIT_INTERVAL_MS,
      logger,
      onDeadLettered: (reason) => this.metrics.recordDeadLetter(reason),
      onCommitted: (name, events) => {
        this.metrics.noteActivity();
        this.applied.committed(name.slice(this.service.length + 1), events);
      },
    });
    this.consumer = consumer;
    // The broker may not be there yet: readiness says the consumer is not running until it is.
    consumer.startWhenAvailable();
    this.startPruning(groupId, topics.map((topic) => prefixed(this.config, topic)), logger);
  }

  /** The marks of this service's handlers, pruned under the rule in the README ("Pruning processed-event marks"). */
  private startPruning(groupId: string, topics: readonly string[], logger: StructuredLogger): void {
    const intervalMs = this.config.PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES * 60_000;
    if (intervalMs === 0) return;
    this.pruner = new ProcessedEventsPruner({
      dataSource: this.dataSource,
      retentionHours: this.config.PROCESSED_EVENTS_RETENTION_HOURS,
      notCommittedPast: (before) => this.kafkaLag.notCommittedPast(groupId, topics, before),
      logger,
      clock: this.clock,
      onRound: (round) => this.metrics.recordPruneRound(round.outcome, round.outcome === 'pruned' ? round.pruned : 0),
    });
    // Instances started together (a rollout) spread their rounds over the interval.
    this.pruner.start(intervalMs, Math.round(intervalMs * (0.5 + Math.random() / 2)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pruner?.stop();
    await this.consumer?.stop();
  }

  /** Per handler: the consumer's state, and what the handler applied, skipped and refused. */
  statuses() {
    const status = this.consumer?.status();
    return this.definitions.map((definition, index) => ({
      name: definition.name,
      state: status?.state ?? 'stopped',
      joined: status?.joined ?? false,
      applied: status?.handlers[index].applied ?? 0,
      duplicates: status?.handlers[index].duplicates ?? 0,
      deadLettered: status?.handlers[index].deadLettered ?? 0,
    }));
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
  // A batch holds several tickets, each event from a trace of its own: each event's commands run
  // in its trace, so the appends they make (and the next service's work) continue it.
  const reactTraced = (event: RecordedEvent) => withEventTrace(event, () => react(event));
  const react = async (event: RecordedEvent) => {
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
    issuesCommands: true,
    // Tickets are independent: their reactions go side by side, each ticket's in order. The
    // commands write to the event store, not through the consumer's transaction.
    handle: (events) => inGroups(events, (event) => event.ticketId, REACTIONS_AT_ONCE, reactTraced),
  };
}

/** Tickets whose reactions a process manager runs at once (each a few round trips to the store's pool). */
const REACTIONS_AT_ONCE = 4;
