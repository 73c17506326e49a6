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
  /** A projection only: it writes its own tables and nothing else (no commands, no Kafka). */
  readonly handler: () => EventHandler;
}
