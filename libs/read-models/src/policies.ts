import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { POLICY_EVENTS, type PolicyKind } from '@handoff/contracts';
import { rowProjection, typedRowFold } from './row-projection';
import type { ReadModel } from './read-model';

/**
 * The policies a service applies, as management last changed them (PolicyChanged): one row per
 * kind, the newest version. Every service that applies a kind keeps this table from its own
 * consumer, and each of its instances reads it (PolicyBook in libs/platform), so a change is in
 * force everywhere without a restart. A kind nobody has changed has no row: its file is in force.
 */
@Entity({ name: 'policies' })
export class PolicyRow {
  @PrimaryColumn({ type: 'text' }) kind!: PolicyKind;
  @Column({ type: 'integer' }) version!: number;
  @Column('jsonb') document!: Record<string, unknown>;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt!: Date;
  @Column({ name: 'changed_by', type: 'text' }) changedBy!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
}

export class CreatePolicies1796400000000 implements MigrationInterface {
  readonly name = 'CreatePolicies1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE policies (
        kind text PRIMARY KEY,
        version integer NOT NULL,
        document jsonb NOT NULL,
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL,
        reason text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE policies');
  }
}

export const POLICY_ENTITIES = [PolicyRow];
export const POLICY_MIGRATIONS = [CreatePolicies1796400000000];

/** The read model of the kinds a service applies, from the topics of the services that own them. */
export function policiesReadModel(service: string, applies: readonly PolicyKind[], topics: readonly string[]): ReadModel {
  const wanted = new Set<string>(applies);
  const fold = typedRowFold(POLICY_EVENTS, {
    entity: PolicyRow,
    key: ['kind'],
    keyOf: (event) => (wanted.has(event.data.kind) ? { kind: event.data.kind } : undefined),
    // Versions only go up: a redelivered or replayed older change leaves the newer one in force.
    evolve: (row, event) =>
      row && row.version >= event.data.version
        ? row
        : {
            kind: event.data.kind,
            version: event.data.version,
            document: event.data.document as Record<string, unknown>,
            changedAt: new Date(event.metadata.occurredAt),
            changedBy: event.metadata.actorId,
            reason: event.metadata.reason ?? null,
          },
  });
  return {
    name: `${service}.policies`,
    topics,
    tables: ['policies'],
    handler: () => rowProjection({ eventTypes: ['PolicyChanged'], tables: [fold] }),
  };
}
