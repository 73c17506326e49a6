export * from './event-store';
export {
  createPostgresEventStore,
  PostgresEventStore,
  type PostgresEventStoreOptions,
  DEFAULT_NOTIFY_CHANNEL,
  backendsLockingEvents,
} from './postgres/postgres-event-store';
export { migratePostgresEventStore } from './postgres/migrate';
export {
  createEventStoreDbEventStore,
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store';
export * from './command-handler';
export { traceAppends, withTraceparent } from './tracing';
