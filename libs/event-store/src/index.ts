export * from './event-store';
export {
  createPostgresEventStore,
  PostgresEventStore,
  type PostgresEventStoreOptions,
  DEFAULT_NOTIFY_CHANNEL,
  backendsLockingEvents,
  countRoundTrips,
} from './postgres/postgres-event-store';
export { migratePostgresEventStore } from './postgres/migrate';
import type { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export type { EventStoreDbEventStore, EventStoreDbEventStoreOptions };

/**
 * A store on EventStoreDB. The adapter is loaded when one is opened: its gRPC client is about 170
 * of the 2,350 modules a service loads, which every start on PostgreSQL would load for nothing.
 */
export async function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
  const adapter = await import('./eventstoredb/eventstoredb-event-store');
  return adapter.createEventStoreDbEventStore(options);
}
export * from './command-handler';
export { traceAppends, withTraceparent } from './tracing';
export { observeAppends, AppendListeners, type AppendFeed } from './observe-appends';
