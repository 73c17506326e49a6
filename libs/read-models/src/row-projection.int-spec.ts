import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { foldRows, rowProjection, type RowFold } from './row-projection';

jest.setTimeout(60_000);

/** A table keyed by two columns: how many events each team had in each period, and which. */
@Entity({ name: 'tallies' })
class Tally {
  @PrimaryColumn('text') team!: string;
  @PrimaryColumn('text') period!: string;
  @Column('integer') count!: number;
  @Column('text', { array: true }) seen!: string[];
  @Column('timestamptz', { name: 'last_at' }) lastAt!: Date;
}

interface Counted {
  readonly team: string;
  readonly period: string;
}

const tallies = (lockClass?: number): RowFold<Tally, 'team' | 'period'> => ({
  entity: Tally,
  key: ['team', 'period'],
  keyOf: (event) => {
    const { team, period } = event.data as Counted;
    return { team, period };
  },
  evolve(row, event) {
    if (event.type === 'Noticed') return row;
    const { team, period } = event.data as Counted;
    return { team, period, count: (row?.count ?? 0) + 1, seen: [...(row?.seen ?? []), event.type], lastAt: new Date(event.metadata.occurredAt) };
  },
  ...(lockClass === undefined ? {} : { lockClass }),
});

let position = 0;
function event(type: string, team: string, period: string): RecordedEvent {
  const at = new Date(Date.UTC(2026, 0, 1, 0, position)).toISOString();
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: `tally-${team}`,
    streamPosition: position,
    globalPosition: String(++position),
    ticketId: randomUUID(),
    data: { team, period },
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', role: 'system', occurredAt: at, recordedAt: at },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  };
}

describe('projections as folds over rows, written by one writer', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('row_projection');
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [Tally], extra: { max: 4 } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE tallies (team text, period text, count integer NOT NULL, seen text[] NOT NULL, last_at timestamptz NOT NULL, PRIMARY KEY (team, period))');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE tallies'));

  /** The statements a batch reads with, applied in a transaction of its own. */
  const readsOf = async (projection: EventHandler, batch: RecordedEvent[]) => {
    let selects = 0;
    await dataSource.transaction(async (manager) => {
      const query = jest.spyOn(manager.queryRunner!, 'query');
      await projection.handle(batch, manager);
      selects = query.mock.calls.filter(([sql]) => /^\s*SELECT/i.test(String(sql))).length;
    });
    return selects;
  };

  const rows = async () =>
    ((await dataSource.query('SELECT team, period, count, seen FROM tallies ORDER BY team, period')) as Tally[]).map(({ team, period, count, seen }) => ({ team, period, count, seen }));

  it('folds a batch onto the rows already there, by a key of two columns, as one event at a time would', async () => {
    const projection = rowProjection({ eventTypes: ['Counted', 'Noticed'], tables: [tallies()] });
    const before = [event('Counted', 'billing', '2026-01'), event('Counted', 'billing', '2026-02')];
    const batch = [
      event('Counted', 'billing', '2026-01'),
      event('Counted', 'logistics', '2026-01'),
      event('Noticed', 'billing', '2026-02'),
      event('Counted', 'billing', '2026-01'),
      event('Counted', 'logistics', '2026-01'),
    ];

    for (const one of [...before, ...batch]) await dataSource.transaction((manager) => projection.handle([one], manager));
    const oneAtATime = await rows();
    await dataSource.query('TRUNCATE tallies');
    await dataSource.transaction((manager) => projection.handle(before, manager));
    await dataSource.transaction((manager) => projection.handle(batch, manager));

    expect(await rows()).toEqual(oneAtATime);
    expect(oneAtATime).toEqual([
      { team: 'billing', period: '2026-01', count: 3, seen: ['Counted', 'Counted', 'Counted'] },
      { team: 'billing', period: '2026-02', count: 1, seen: ['Counted'] },
      { team: 'logistics', period: '2026-01', count: 2, seen: ['Counted', 'Counted'] },
    ]);
  });

  it('reports only the rows an event changed, each once, and each change in order', async () => {
    const first = event('Counted', 'billing', '2026-01');
    await dataSource.transaction((manager) => rowProjection({ eventTypes: ['Counted'], tables: [tallies()] }).handle([first], manager));
    const batch = [event('Noticed', 'billing', '2026-01'), event('Counted', 'care', '2026-01'), event('Counted', 'care', '2026-01')];

    const folded = await dataSource.transaction((manager) => foldRows(manager, tallies(), batch));

    expect(folded.changed.map(({ team, count }) => ({ team, count }))).toEqual([{ team: 'care', count: 2 }]);
    expect(folded.steps.map(({ event: step, before, after }) => [step.eventId, before?.count, after.count])).toEqual([
      [batch[1].eventId, undefined, 1],
      [batch[2].eventId, 1, 2],
    ]);
  });

  it('with a lock class, a batch waits for another one changing the same rows and folds onto what it wrote', async () => {
    const projection = rowProjection({ eventTypes: ['Counted'], tables: [tallies(0x54657374)] });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = dataSource.transaction(async (manager) => {
      await projection.handle([event('Counted', 'billing', '2026-01')], manager);
      firstWrote();
      await held;
    });
    await Promise.race([wrote, first]);
    let secondDone = false;
    const second = dataSource.transaction((manager) => projection.handle([event('Counted', 'billing', '2026-01')], manager)).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    release();
    await Promise.all([first, second]);

    expect(await rows()).toEqual([{ team: 'billing', period: '2026-01', count: 2, seen: ['Counted', 'Counted'] }]);
  });

  it('with newerBy, reads no row, and writes each only over an older one', async () => {
    // Each event makes the whole row: its type alone, counted once, at its own time.
    const latest: RowFold<Tally, 'team' | 'period'> = {
      entity: Tally,
      key: ['team', 'period'],
      keyOf: (one) => one.data as Counted,
      evolve: (row, one) => {
        const at = new Date(one.metadata.occurredAt);
        return row && row.lastAt >= at ? undefined : { ...(one.data as Counted), count: 1, seen: [one.type], lastAt: at };
      },
      newerBy: 'lastAt',
    };
    const projection = rowProjection({ eventTypes: ['Opened', 'Counted'], tables: [latest] });
    const older = event('Opened', 'billing', '2026-01');
    const newer = event('Counted', 'billing', '2026-01');
    const apply = (batch: RecordedEvent[]) => readsOf(projection, batch);

    expect(await apply([newer, event('Opened', 'care', '2026-01'), event('Counted', 'care', '2026-01')])).toBe(0);
    // An older event of a row already written changes nothing: the row there is the later.
    expect(await apply([older])).toBe(0);
    expect(await rows()).toEqual([
      { team: 'billing', period: '2026-01', count: 1, seen: ['Counted'] },
      { team: 'care', period: '2026-01', count: 1, seen: ['Counted'] },
    ]);
    // Rows that follow from a fold must see what each change was made from, which this fold does not read.
    expect(() => rowProjection({ eventTypes: [], tables: [latest], newest: [{ entity: Tally, source: latest, key: ['team'], newest: 'lastAt', rowOf: () => undefined }] })).toThrow(/newerBy/);
  });

  it('reads no row for a key whose first event in the batch opens it, and reads the others', async () => {
    // "Opened" is the first event any tally can have.
    const opening: RowFold<Tally, 'team' | 'period'> = { ...tallies(), firstOfKey: (one) => one.type === 'Opened' };
    const projection = rowProjection({ eventTypes: ['Opened', 'Counted'], tables: [opening] });
    await dataSource.transaction((manager) => projection.handle([event('Opened', 'billing', '2026-01')], manager));
    const reads = (batch: RecordedEvent[]) => readsOf(projection, batch);

    expect(await reads([event('Opened', 'care', '2026-01'), event('Counted', 'care', '2026-01')])).toBe(0);
    // billing was opened by an earlier batch: its row is read and the batch folds onto it.
    expect(await reads([event('Opened', 'logistics', '2026-01'), event('Counted', 'billing', '2026-01')])).toBe(1);

    expect(await rows()).toEqual([
      { team: 'billing', period: '2026-01', count: 2, seen: ['Opened', 'Counted'] },
      { team: 'care', period: '2026-01', count: 2, seen: ['Opened', 'Counted'] },
      { team: 'logistics', period: '2026-01', count: 1, seen: ['Opened'] },
    ]);
  });
});
