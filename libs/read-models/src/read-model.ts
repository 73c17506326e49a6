import type { EventHandler } from '@handoff/messaging';

/**
 * A read model as something that can be rebuilt from the event stores and compared with the
 * live one. Each app lists its read models in `apps/<app>/src/read-models.ts`; the same handler
 * serves the live Kafka consumer and the rebuild, so they cannot drift apart.
 */
export interface ReadModel {
  /** `<service>.<name>`, e.g. `routing.department-queue`. */
  readonly name: string;
  /** The topics (TOPICS.*) its consumer reads, i.e. the services whose stores a rebuild reads. */
  readonly topics: readonly string[];
  /** The tables it owns and nothing else writes; a rebuild empties and refills exactly these. */
  readonly tables: readonly string[];
  /** Columns that record when a row was written rather than what it says (not compared). */
  readonly volatileColumns?: readonly string[];
  /**
   * Tables among `tables` whose rows follow more than the events (evaluation's `policy=now` sums
   * follow the deadline policy in force): emptied and refilled with the others, not compared.
   */
  readonly volatileTables?: readonly string[];
  /**
   * Tables among `tables` that count a fold's rows per group (CountedRows), each with the column
   * holding the count. A group's row stays, at zero, once its last row has left it, and a rebuild
   * writes none at zero: a row at zero is compared as if it were not there.
   */
  readonly countedTables?: Readonly<Record<string, string>>;
  /**
   * A projection only: it writes its own tables and nothing else (no commands, no Kafka).
   * `live` is false in a rebuild, which has nobody to tell: a handler that also signals live
   * readers (routing's queue notifications) stays silent then, and writes the same rows.
   */
  readonly handler: (context: ReadModelContext) => EventHandler;
}

export interface ReadModelContext {
  readonly live: boolean;
}

/**
 * A service's read models with the schema of the database they live in. The service runs these
 * migrations at start-up; a rebuild runs the same ones on a scratch database.
 */
export interface ServiceReadModels {
  readonly service: string;
  /** The TypeORM entities the handlers use. */
  readonly entities: readonly Function[];
  /** The migrations creating the read models' tables (messaging's `processed_events` is added to them by whoever migrates). */
  readonly migrations: readonly Function[];
  readonly models: readonly ReadModel[];
}
