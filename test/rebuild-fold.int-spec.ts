import { randomUUID } from 'node:crypto';
import { type NewEvent, type RecordedEvent } from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import {
  compareReadModel,
  mergedByRecordedAt,
  openReadModelDatabase,
  projectionFoldsOf,
  type ReadModel,
  rebuildReadModel,
  type RebuildSource,
  rowProjection,
  type RowFold,
  type ServiceReadModels,
  sourcesFor,
} from '@handoff/read-models';
import type { EventHandler } from '@handoff/messaging';
import { createTestDatabase, deskHistory, sealedCustomer, type TestDatabase } from '@handoff/testing';
import type { DataSource } from 'typeorm';
import { READ_MODEL_SERVICES } from '../apps/audit/src/read-model-commands';
import { DepartmentQueueRow } from '../apps/routing/src/queue/queue.entities';

jest.setTimeout(180_000);

/**
 * A read model made by rowProjection is rebuilt without its handler: every event folded into
 * final rows in memory, each table then written once with COPY (libs/read-models/src/rebuild-fold.ts).
 * Here, for every such model, against the same history applied through the live handler in
 * batches of assorted sizes, each with its processed-event marks as the consumer writes them:
 * every table row by row, and the marks, must be equal. A fold made wrong on purpose must not be.
 */

const BATCH_SIZES = [1, 7, 250, 2, 1000, 31];

const foldModels: { readonly service: ServiceReadModels; readonly model: ReadModel }[] = READ_MODEL_SERVICES.flatMap((service) =>
  service.models.filter((model) => projectionFoldsOf(model.handler({ live: false })) !== undefined).map((model) => ({ service, model })),
);

/**
 * The history through the handler, as the live consumer applies it: batch after batch, each with
 * its marks in one transaction; a batch the handler refuses goes again one event at a time, and
 * the event refused is left out.
 */
async function applyThroughHandler(model: ReadModel, handler: EventHandler, sources: readonly RebuildSource[], dataSource: DataSource): Promise<number> {
  const wanted = new Set(handler.eventTypes);
  const events: RecordedEvent[] = [];
  for await (const event of mergedByRecordedAt(sourcesFor(model, sources))) if (wanted.has(event.type)) events.push(event);
  const apply = (batch: readonly RecordedEvent[]) =>
    dataSource
      .transaction(async (manager) => {
        await manager.query('INSERT INTO processed_events (consumer_name, event_id) SELECT $1, unnest($2::uuid[])', [model.name, batch.map((event) => event.eventId)]);
        await handler.handle(batch, manager);
      })
      .then(
        () => batch.length,
        () => 0,
      );
  let applied = 0;
  for (let start = 0, turn = 0; start < events.length; turn++) {
    const batch = events.slice(start, start + BATCH_SIZES[turn % BATCH_SIZES.length]);
    start += batch.length;
    const whole = await apply(batch);
    applied += whole;
    if (whole === 0) for (const event of batch) applied += await apply([event]);
  }
  return applied;
}

const marksOf = async (dataSource: DataSource, model: ReadModel): Promise<string[]> =>
  ((await dataSource.query('SELECT event_id::text AS id FROM processed_events WHERE consumer_name = $1 ORDER BY event_id', [model.name])) as { id: string }[]).map(({ id }) => id);

/** Every index of the model's tables, as PostgreSQL would create it again. */
const indexesOf = async (dataSource: DataSource, model: ReadModel): Promise<string[]> =>
  (
    (await dataSource.query('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY indexdef', [[...model.tables]])) as {
      indexdef: string;
    }[]
  ).map(({ indexdef }) => indexdef);

/** Every key (primary and unique) of the model's tables, as PostgreSQL would add it again. */
const keysOf = async (dataSource: DataSource, model: ReadModel): Promise<string[]> =>
  (
    (await dataSource.query(
      `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS key FROM pg_constraint
        WHERE contype IN ('p', 'u') AND conrelid = ANY (SELECT to_regclass(name) FROM unnest($1::text[]) AS name) ORDER BY 1`,
      [[...model.tables]],
    )) as { key: string }[]
  ).map(({ key }) => key);

describe('the fold-and-COPY rebuild gives the rows and marks the live handler gives', () => {
  const databases: TestDatabase[] = [];
  const stores: PostgresEventStore[] = [];
  const sources: RebuildSource[] = [];

  beforeAll(async () => {
    for (const service of ['intake', 'routing', 'followup', 'evaluation']) {
      const database = await createTestDatabase(`fold_${service}`);
      databases.push(database);
      const store = await createPostgresEventStore({ connectionString: database.url });
      stores.push(store);
      sources.push({ service, store });
    }
    const history = deskHistory({ seed: 18, tickets: 160, start: '2026-03-01T00:00:00+08:00', days: 20, customer: sealedCustomer({ name: 'Fold Customer', phone: '+86 139 0000 1818' }) });
    const streams = new Map<string, NewEvent[]>();
    for (const { eventId, type, schemaVersion, streamId, ticketId, data, metadata } of [...history, ...evaluationAndPolicyEvents()]) {
      const { recordedAt: _recordedAt, ...stamped } = metadata;
      streams.set(streamId, [...(streams.get(streamId) ?? []), { eventId, type, schemaVersion, ticketId, data, metadata: stamped }]);
    }
    for (const [streamId, events] of streams) {
      const { store } = sources.find(({ service }) => streamId.startsWith(`${service}-`))!;
      await store.append(streamId, events, -1);
    }
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(databases.map((database) => database.drop()));
  });

  async function readModelDatabase(service: ServiceReadModels, name: string): Promise<DataSource> {
    const database = await createTestDatabase(name);
    databases.push(database);
    return openReadModelDatabase(database.url, service, { migrate: true });
  }

  it('finds the folds of every read model made by rowProjection, the department queue among them', () => {
    expect(foldModels.map(({ model }) => model.name)).toEqual(
      expect.arrayContaining(['routing.department-queue', 'routing.policies', 'followup.customers', 'followup.worklist', 'evaluation.quality', 'evaluation.assessments', 'evaluation.policies']),
    );
  });

  it.each(foldModels.map(({ service, model }) => [model.name, service, model] as const))('%s: every table row by row, and the marks', async (_name, service, model) => {
    const live = await readModelDatabase(service, 'fold_live');
    const folded = await readModelDatabase(service, 'fold_copy');
    try {
      const applied = await applyThroughHandler(model, model.handler({ live: false }), sources, live);
      const result = await rebuildReadModel({ model, sources, dataSource: folded });

      expect(result.path).toBe('fold');
      expect(result.applied).toBe(applied);
      expect(applied).toBeGreaterThan(0);
      const comparison = await compareReadModel({ model, live, rebuilt: folded });
      expect(comparison.differences).toEqual([]);
      expect(comparison.equal).toBe(true);
      expect(comparison.tables.some(({ liveRows }) => liveRows > 0)).toBe(true);
      if (model.name === 'routing.department-queue') {
        const rows = Object.fromEntries(comparison.tables.map(({ table, liveRows }) => [table, liveRows]));
        for (const table of ['department_queue', 'running_deadlines', 'handler_assignments', 'department_handler_loads', 'queue_ticket_subjects']) expect(rows[table]).toBeGreaterThan(0);
        // The counts the batches kept are the queue's own, counted afresh, on both sides.
        for (const side of [live, folded]) {
          const kept = await side.query(`SELECT department, handler_id, in_progress FROM department_handler_loads WHERE in_progress <> 0 ORDER BY 1, 2`);
          const counted = await side.query(
            `SELECT department, handler_id, count(*)::int AS in_progress FROM department_queue WHERE status = 'in_progress' AND handler_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
          );
          expect(kept).toEqual(counted);
        }
        // Handlers whose last ticket in progress moved on keep a row at zero live, which the comparison passes over.
        expect(Number((await live.query('SELECT count(*) AS n FROM department_handler_loads WHERE in_progress = 0'))[0].n)).toBeGreaterThan(0);
      }
      const marks = await marksOf(folded, model);
      expect(marks).toHaveLength(applied);
      expect(marks).toEqual(await marksOf(live, model));
      // The indexes the fold drops while it copies are all built again, as they were.
      expect(await indexesOf(folded, model)).toEqual(await indexesOf(live, model));
      // And the keys it drops too, under their own names.
      expect(await keysOf(folded, model)).toEqual(await keysOf(live, model));
      expect((await keysOf(folded, model)).length).toBeGreaterThanOrEqual(model.tables.length);
    } finally {
      await Promise.all([live.destroy(), folded.destroy()]);
    }
  });

  it('leaves out, unmarked, the event a fold refuses, as the handler does', async () => {
    const { service, model } = foldModels.find(({ model: candidate }) => candidate.name === 'evaluation.assessments')!;
    const folded = await readModelDatabase(service, 'fold_refused');
    try {
      const result = await rebuildReadModel({ model, sources, dataSource: folded });
      expect(result.skipped).toEqual([expect.objectContaining({ type: 'SelfEvaluationSubmitted', reason: expect.stringMatching(/^handler_failed: .*score/) })]);
      expect(await marksOf(folded, model)).not.toContain(result.skipped[0].eventId);
    } finally {
      await folded.destroy();
    }
  });

  it('goes through the handler when two rows share a key, which the key refuses as it is added back after the COPY', async () => {
    const { service, model } = foldModels.find(({ model: candidate }) => candidate.name === 'routing.department-queue')!;
    const folds = projectionFoldsOf(model.handler({ live: false }))!;
    // Each ticket's subjects twice: the slip a fold of another table's rows could make.
    const twice: ReadModel = {
      ...model,
      handler: () =>
        rowProjection({
          eventTypes: model.handler({ live: false }).eventTypes!,
          tables: folds.tables,
          following: folds.following.map((following) => ({ ...following, rowsOf: (row: never) => [...following.rowsOf(row), ...following.rowsOf(row)] })),
          newest: folds.newest,
        }),
    };
    const folded = await readModelDatabase(service, 'fold_twice');
    try {
      const result = await rebuildReadModel({ model: twice, sources, dataSource: folded });
      expect(result.path).toBe('handler');
      expect(await keysOf(folded, model)).toContain('queue_ticket_subjects queue_ticket_subjects_pkey PRIMARY KEY (ticket_id)');
    } finally {
      await folded.destroy();
    }
  });

  it('finds the difference a wrong fold makes', async () => {
    const { service, model } = foldModels.find(({ model: candidate }) => candidate.name === 'routing.department-queue')!;
    const folds = projectionFoldsOf(model.handler({ live: false }))!;
    const queue = folds.tables.find((fold) => fold.entity === DepartmentQueueRow)! as RowFold<DepartmentQueueRow, 'ticketId'>;
    // Forgets who a ticket was assigned to: the kind of slip a second definition of a fold would make.
    const forgetful: RowFold<DepartmentQueueRow, 'ticketId'> = {
      ...queue,
      evolve: (row, event) => {
        const after = queue.evolve(row, event);
        return after && event.type === 'HandlerAssigned' ? { ...after, handlerId: null } : after;
      },
    };
    const wrong: ReadModel = {
      ...model,
      handler: () =>
        rowProjection({
          eventTypes: model.handler({ live: false }).eventTypes!,
          tables: folds.tables.map((fold) => (fold === queue ? forgetful : fold)),
          following: folds.following.map((following) => ({ ...following, source: forgetful })),
          newest: folds.newest.map((newest) => ({ ...newest, source: forgetful })),
        }),
    };
    const live = await readModelDatabase(service, 'fold_live');
    const folded = await readModelDatabase(service, 'fold_wrong');
    try {
      await applyThroughHandler(model, model.handler({ live: false }), sources, live);
      const result = await rebuildReadModel({ model: wrong, sources, dataSource: folded });
      expect(result.path).toBe('fold');

      const comparison = await compareReadModel({ model, live, rebuilt: folded });
      expect(comparison.equal).toBe(false);
      expect(comparison.tables.find(({ table }) => table === 'department_queue')!.differing).toBeGreaterThan(0);
      expect(comparison.differences[0]).toMatchObject({ table: 'department_queue', kind: 'differs', columns: [expect.objectContaining({ column: 'handler_id', rebuilt: null })] });
    } finally {
      await Promise.all([live.destroy(), folded.destroy()]);
    }
  });
});

/**
 * What the desk does not draw: evaluation's own assessments and corrective actions (one score out
 * of range, which the contract refuses) and policy changes on routing's and evaluation's streams.
 */
function evaluationAndPolicyEvents(): RecordedEvent[] {
  let minute = 0;
  const event = (streamId: string, streamPosition: number, type: string, data: Record<string, unknown>, actorId = 'qa-mei'): RecordedEvent => {
    const at = new Date(Date.parse('2026-03-05T09:00:00Z') + ++minute * 60_000).toISOString();
    return {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      streamId,
      streamPosition,
      globalPosition: '0',
      ticketId: streamId,
      data,
      metadata: { correlationId: streamId, causationId: streamId, actorId, role: 'qa', occurredAt: at, recordedAt: at },
      contentHash: '',
      previousHash: '',
      hash: '',
    };
  };
  const events: RecordedEvent[] = [];
  for (const [index, personId] of ['h-ana', 'h-lou', 'a-wei'].entries()) {
    const stream = `evaluation-assessment-${personId}`;
    events.push(
      event(stream, 0, 'SelfEvaluationSubmitted', { personId, team: 'billing', period: '2026-02', score: 70 + index }, personId),
      event(stream, 1, 'SupervisorEvaluationSubmitted', { personId, team: 'billing', period: '2026-02', score: 60 + index, comment: 'Tab\tand\nnew line' }, 'sup-li'),
      event(stream, 2, 'SelfEvaluationSubmitted', { personId, team: 'billing', period: '2026-02', score: 80 + index }, personId),
    );
  }
  events.push(event('evaluation-assessment-h-zed', 0, 'SelfEvaluationSubmitted', { personId: 'h-zed', team: 'billing', period: '2026-02', score: 500 }, 'h-zed'));
  const actionId = randomUUID();
  const actions = `evaluation-corrective-action-${actionId}`;
  events.push(
    event(actions, 0, 'CorrectiveActionRequired', { actionId, sampleId: randomUUID(), team: 'billing', assignees: ['h-ana', 'h-"quoted"'], description: 'Call back within a day' }),
    event(actions, 1, 'CorrectiveActionCompleted', { actionId, note: 'Done \\ mostly' }, 'h-ana'),
    event(actions, 2, 'CorrectiveActionVerified', { actionId, effective: false, note: 'Not yet' }),
    event(actions, 3, 'CorrectiveActionCompleted', { actionId, note: 'Done now' }, 'h-ana'),
  );
  for (const [stream, kind] of [
    ['routing-policy-deadlines', 'deadlines'],
    ['evaluation-policy-kpi-targets', 'kpi-targets'],
  ] as const) {
    events.push(event(stream, 0, 'PolicyChanged', { kind, version: 1, document: { note: 'first' } }, 'mgr-zhou'), event(stream, 1, 'PolicyChanged', { kind, version: 2, document: { note: 'second', nested: { list: [1, 'two'] } } }, 'mgr-zhou'));
  }
  return events;
}
