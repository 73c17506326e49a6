import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TOPICS, type RecordedEvent } from '@handoff/contracts';
import { CommandHandler, type EventStore } from '@handoff/event-store';
import { AppendListeners, createPostgresEventStore, createEventStoreDbEventStore, observeAppends, traceAppends } from '@handoff/event-store';
import { startTracing } from '@handoff/tracing';
import { createKafka, ensureTopics, EventRelay, MESSAGING_MIGRATIONS, type OwnEvents } from '@handoff/messaging';
import { TransactionPipelineClient, databaseUrl, ensureDatabase } from '@handoff/read-models';
import { CustomerKeyStore, CustomerVault } from '@handoff/vault';
import { CLOCK, systemClock } from './clock';
import type { BaseConfig } from './config';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health';
import { consumersReadiness, relayReadiness } from './readiness';
import { AuthGuard } from './http';
import { personTokensFrom } from './oidc/config';
import { ConsumerGroups, KafkaLag } from './kafka-lag';
import { JsonLogger } from './logger';
import { MetricsController, ServiceMetrics, type Sample } from './metrics';
import { AppliedEvents } from './applied-events';
import { RelayLagProbe } from './relay-lag';
import { TRACING, TracingLifecycle } from './tracing';

export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const KAFKA = Symbol('KAFKA');
export const RELAY = Symbol('RELAY');
export const CUSTOMER_VAULT = Symbol('CUSTOMER_VAULT');
/** The relay's lag as PostgreSQL sees it; null with another event store. */
export const RELAY_LAG = Symbol('RELAY_LAG');
/** The service's own events (OwnEvents): the topic its relay publishes to, prefixed, the streams it publishes, and the store's appends. */
export const OWN_EVENTS = Symbol('OWN_EVENTS');

export interface ServiceSpec {
  readonly name: string;
  /** The topic this service's relay publishes its own events to. */
  readonly ownTopic: string;
  /** Every stream this service owns starts with it; it never writes another's. */
  readonly streamPrefix: string;
  readonly entities: readonly Function[];
  readonly migrations: readonly Function[];
  /** Only services that seal or show contact details get the customer keys. */
  readonly usesVault?: boolean;
}

/** Every topic of the system; each service creates all of them, so start order never matters. */
export const ALL_TOPICS = Object.values(TOPICS);

/** The name of a topic (or consumer group) under this stack's prefix. */
export const prefixed = (config: Pick<BaseConfig, 'KAFKA_TOPIC_PREFIX'>, name: string): string => `${config.KAFKA_TOPIC_PREFIX}${name}`;

@Injectable()
class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(RELAY) private readonly relay: EventRelay,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault | null,
    @Inject(KafkaLag) private readonly lag: KafkaLag,
  ) {}

  /** The broker may not be there yet: the service answers meanwhile (not ready) and creates its topics and starts the relay when it comes. */
  onApplicationBootstrap(): void {
    this.relay.startWhenAvailable(() =>
      ensureTopics(
        this.kafka,
        ALL_TOPICS.map((topic) => ({ topic: prefixed(this.config, topic), numPartitions: this.config.KAFKA_TOPIC_PARTITIONS })),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.lag.close();
    await this.store.close();
    await this.vault?.close();
  }
}

@Module({})
export class PlatformModule {
  static forService(spec: ServiceSpec, config: BaseConfig): DynamicModule {
    const url = databaseUrl(config.DATABASE_URL, config.DATABASE_NAME);
    const logger = new JsonLogger(spec.name, config.LOG_LEVEL);
    const metrics = new ServiceMetrics(spec.name);
    const relayName = `${spec.name}-relay`;
    // What the relay publishes, and what the consumer may apply ahead of its messages (EventConsumer's ownEvents).
    const appends = new AppendListeners();
    const ownEvents: OwnEvents = { topic: prefixed(config, spec.ownTopic), streamPrefix: spec.streamPrefix, appends };
    const observed = (events: readonly RecordedEvent[]) => {
      metrics.recordAppended(events);
      appends.tell(events);
    };
    // The events are stored by then; a listener's fault is logged, not made the append's.
    const observerFailed = (error: unknown) => logger.error(`an append's observer failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined, 'EventStore');
    // Before any provider runs: the relay and the consumers start tracing as soon as they start.
    const tracing = startTracing(spec.name);
    return {
      module: PlatformModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(config.DATABASE_URL, config.DATABASE_NAME);
            return {
              type: 'postgres' as const,
              url,
              entities: [...spec.entities],
              migrations: [...MESSAGING_MIGRATIONS, ...spec.migrations],
              migrationsRun: true,
              migrationsTableName: 'read_model_migrations',
              synchronize: false,
              logging: false,
              // Every consumer batch is a transaction: its BEGIN goes with its first statement, and its
              // writes nobody reads with its next statement or its COMMIT (queryWithNext).
              extra: {
                max: config.DATABASE_POOL_READ_MODELS,
                connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS,
                application_name: `handoff-${spec.name}-read-models`,
                Client: TransactionPipelineClient,
              },
            };
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: 'SERVICE_NAME', useValue: spec.name },
        { provide: OWN_EVENTS, useValue: ownEvents },
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: LOGGER, useValue: logger },
        { provide: JsonLogger, useValue: logger },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: AppliedEvents, useValue: new AppliedEvents() },
        { provide: TRACING, useValue: tracing },
        TracingLifecycle,
        { provide: ConsumerGroups, useValue: new ConsumerGroups() },
        { provide: KafkaLag, useFactory: (kafka: Kafka) => new KafkaLag(kafka), inject: [KAFKA] },
        {
          provide: RELAY_LAG,
          useFactory: (dataSource: DataSource) => (config.EVENT_STORE === 'postgres' ? new RelayLagProbe(dataSource, relayName, spec.streamPrefix) : null),
          inject: [getDataSourceToken()],
        },
        {
          provide: EVENT_STORE,
          useFactory: async (): Promise<EventStore> => {
            if (config.EVENT_STORE === 'eventstoredb') {
              if (!config.EVENTSTORE_CONNECTION_STRING) throw new Error('EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb');
              return observeAppends(traceAppends(await createEventStoreDbEventStore({ connectionString: config.EVENTSTORE_CONNECTION_STRING }), 'eventstoredb'), observed, observerFailed);
            }
            await ensureDatabase(config.DATABASE_URL, config.DATABASE_NAME);
            const store = await createPostgresEventStore({
              connectionString: url,
              poolSize: config.DATABASE_POOL_EVENT_STORE,
              connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS,
              applicationName: `handoff-${spec.name}-event-store`,
              // Nothing in a service LISTENs (its relay watches; a LISTEN connection per instance adds
              // up on a shared server): a NOTIFY per append was a statement nobody heard.
              notifyOtherProcesses: false,
            });
            return observeAppends(traceAppends(store, 'postgresql'), observed, observerFailed);
          },
        },
        { provide: KAFKA, useFactory: () => createKafka({ brokers: config.KAFKA_BROKERS, clientId: `handoff-${spec.name}` }) },
        {
          provide: CommandHandler,
          useFactory: (store: EventStore) => new CommandHandler(store),
          inject: [EVENT_STORE],
        },
        {
          provide: RELAY,
          useFactory: (store: EventStore, kafka: Kafka, dataSource: DataSource) =>
            new EventRelay({
              name: relayName,
              store,
              kafka,
              dataSource,
              topic: ownEvents.topic,
              streamPrefix: ownEvents.streamPrefix,
              checkpointIntervalMs: config.RELAY_CHECKPOINT_INTERVAL_MS,
              minReadGapMs: config.RELAY_MIN_READ_GAP_MS,
            }),
          inject: [EVENT_STORE, KAFKA, getDataSourceToken()],
        },
        {
          provide: CUSTOMER_VAULT,
          useFactory: async (): Promise<CustomerVault | null> => {
            if (!spec.usesVault) return null;
            await ensureDatabase(config.DATABASE_URL, config.VAULT_DATABASE_NAME);
            const keys = await CustomerKeyStore.open({
              connectionString: databaseUrl(config.DATABASE_URL, config.VAULT_DATABASE_NAME),
              masterKey: config.VAULT_MASTER_KEY,
              poolSize: config.DATABASE_POOL_VAULT,
              connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS,
              applicationName: `handoff-${spec.name}-vault`,
            });
            return new CustomerVault(keys, config.VAULT_PEPPER);
          },
        },
        InfrastructureLifecycle,
        {
          // The gauges computed at each scrape, from what this module holds.
          provide: 'METRIC_SOURCES',
          useFactory: (dataSource: DataSource, relay: EventRelay, store: EventStore, vault: CustomerVault | null, groups: ConsumerGroups, lag: KafkaLag, relayLag: RelayLagProbe | null) => {
            const relayLabels = { relay: relayName };
            if (relayLag) {
              metrics.gauge('handoff_relay_lag_events', 'Events of this service not yet published to Kafka (after the stored relay checkpoint).', ['relay'], 'relay_lag', async () => [
                { labels: relayLabels, value: (await relayLag.lag()).events },
              ]);
              metrics.gauge('handoff_relay_lag_seconds', 'Age of the oldest event not yet published to Kafka (0 when none is waiting).', ['relay'], 'relay_lag', async () => [
                { labels: relayLabels, value: (await relayLag.lag()).seconds },
              ]);
            }
            metrics.gauge(
              'handoff_relay_horizon_held_back_seconds',
              'How long appended events have been invisible to the relay because an older open transaction holds the PostgreSQL visibility horizon back.',
              ['relay'],
              'relay',
              () => [{ labels: relayLabels, value: relay.heldBackSeconds() }],
            );
            metrics.counter('handoff_relay_pages_total', 'Pages the relay read from the store and published to Kafka, each in one produce round.', ['relay'], 'relay', () => [
              { labels: relayLabels, value: relay.status().publishedBatches },
            ]);
            metrics.counter('handoff_relay_published_events_total', 'Events the relay published to Kafka; against handoff_relay_pages_total, the events each round carries.', ['relay'], 'relay', () => [
              { labels: relayLabels, value: relay.status().publishedEvents },
            ]);
            const deliveries = (pick: (counted: { batches: number; messages: number }) => number): Sample[] =>
              groups.all().flatMap((group) => {
                const counted = group.deliveries?.();
                return counted ? [{ labels: { group: group.groupId }, value: pick(counted) }] : [];
              });
            metrics.counter('handoff_consumer_batches_total', 'Batches Kafka handed to each consumer group (the messages of one partition in one fetch).', ['group'], 'consumers', () => deliveries((counted) => counted.batches));
            metrics.counter('handoff_consumer_batched_messages_total', 'Messages in those batches; against handoff_consumer_batches_total, the messages each batch carries.', ['group'], 'consumers', () => deliveries((counted) => counted.messages));
            metrics.gauge('handoff_consumer_lag_messages', "Messages after each consumer group's committed offset, per topic and partition (Kafka admin API).", ['group', 'topic', 'partition'], 'consumer_lag', async () => {
              const samples: Sample[] = [];
              for (const group of groups.all()) {
                for (const { topic, partition, lag: behind } of await lag.lagOf(group.groupId, group.topics)) {
                  samples.push({ labels: { group: group.groupId, topic, partition }, value: behind });
                }
              }
              return samples;
            });
            const pools = [
              { name: 'read-models', use: () => poolOf(dataSource) },
              { name: 'event-store', use: () => store.poolUse?.() },
              { name: 'vault', use: () => vault?.poolUse() },
            ];
            metrics.gauge('handoff_db_pool_connections', 'Connections of each PostgreSQL pool, busy (lent out) or idle.', ['pool', 'state'], 'pools', () =>
              pools.flatMap(({ name, use }) => {
                const found = use();
                return found ? [{ labels: { pool: name, state: 'busy' }, value: found.total - found.idle }, { labels: { pool: name, state: 'idle' }, value: found.idle }] : [];
              }),
            );
            metrics.gauge('handoff_db_pool_waiting', 'Callers waiting for a connection of each PostgreSQL pool.', ['pool'], 'pools', () =>
              pools.flatMap(({ name, use }) => {
                const found = use();
                return found ? [{ labels: { pool: name }, value: found.waiting }] : [];
              }),
            );
            metrics.counter('handoff_db_round_trips_total', 'Round trips to PostgreSQL over each pool: at a light load each one costs the server a wake-up.', ['pool'], 'pools', () =>
              pools.flatMap(({ name, use }) => {
                const found = use()?.roundTrips;
                return found === undefined ? [] : [{ labels: { pool: name }, value: found }];
              }),
            );
            return true;
          },
          inject: [getDataSourceToken(), RELAY, EVENT_STORE, CUSTOMER_VAULT, ConsumerGroups, KafkaLag, RELAY_LAG],
        },
        {
          provide: HEALTH_CHECKS,
          useFactory: (
            dataSource: DataSource,
            store: EventStore,
            relay: EventRelay,
            relayLag: RelayLagProbe | null,
            groups: ConsumerGroups,
            lag: KafkaLag,
          ): HealthCheck[] => {
            return [
              { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) },
              { name: 'kafka', check: async () => ({ brokers: await lag.brokerCount() }) },
              { name: 'eventStore', check: async () => ({ adapter: config.EVENT_STORE, ...(await store.readAll({ limit: 1 }).then(() => ({}))) }) },
              { name: 'relay', check: () => relayReadiness(relay, relayLag, dataSource, config.READINESS_RELAY_MAX_LAG_SECONDS) },
              { name: 'consumers', check: () => consumersReadiness(groups, lag, config.READINESS_CONSUMER_MAX_LAG) },
            ];
          },
          inject: [getDataSourceToken(), EVENT_STORE, RELAY, RELAY_LAG, ConsumerGroups, KafkaLag],
        },
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) => new AuthGuard(reflector, personTokensFrom(config), config.AUTH_API_KEYS),
          inject: [Reflector],
        },
      ],
      exports: ['SERVICE_NAME', OWN_EVENTS, CONFIG, CLOCK, LOGGER, JsonLogger, EVENT_STORE, KAFKA, CommandHandler, RELAY, CUSTOMER_VAULT, ServiceMetrics, AppliedEvents, ConsumerGroups, KafkaLag, RELAY_LAG],
    };
  }
}

/** The pg pool behind TypeORM's PostgreSQL driver (read models, checkpoints, processed-event marks). */
function poolOf(dataSource: DataSource): { total: number; idle: number; waiting: number; roundTrips: number } | undefined {
  const pool = (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  // The read models' pool is the one pool of TransactionPipelineClient in a service, which counts its round trips.
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, roundTrips: TransactionPipelineClient.roundTrips } : undefined;
}
