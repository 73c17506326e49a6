import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { copyShape } from './copy-rows';

@Entity({ name: 'copied' })
class Copied {
  @PrimaryColumn('text') id!: string;
  @Column('integer', { nullable: true }) count!: number | null;
  @Column('boolean') open!: boolean;
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt!: Date | null;
  @Column('text', { array: true }) tags!: string[];
  @Column('jsonb') document!: Record<string, unknown>;
}

describe('rows as COPY text lines', () => {
  let shape: ReturnType<typeof copyShape>;

  beforeAll(async () => {
    const dataSource = new DataSource({ type: 'postgres', entities: [Copied] });
    // Metadata only: no connection is opened.
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    shape = copyShape(dataSource.getMetadata(Copied));
  });

  it('names every mapped column, in the table', () => {
    expect(shape.statement).toBe('COPY "copied" ("id", "count", "open", "due_at", "tags", "document") FROM STDIN');
  });

  it('writes each value as the JSON writer does, escaped for COPY', () => {
    const line = shape.line({
      id: 'a\tb\\c\nd',
      count: 3,
      open: false,
      dueAt: new Date('2026-03-01T08:00:00.123Z'),
      tags: ['plain', 'with "quote"', 'back\\slash', null],
      document: { note: 'tab\there', at: new Date('2026-03-01T00:00:00Z') },
    });
    expect(line).toBe(
      [
        'a\\tb\\\\c\\nd',
        '3',
        'false',
        '2026-03-01T08:00:00.123Z',
        '{"plain","with \\\\"quote\\\\"","back\\\\\\\\slash",NULL}',
        '{"note":"tab\\\\there","at":"2026-03-01T00:00:00.000Z"}',
      ].join('\t') + '\n',
    );
  });

  it('writes undefined, null, an invalid date and a number that is not finite as NULL', () => {
    expect(shape.line({ id: 'x', count: Number.NaN, open: true, dueAt: new Date(Number.NaN), tags: [], document: null } as never)).toBe('x\t\\N\ttrue\t\\N\t{}\t\\N\n');
    expect(shape.line({ id: 'y' } as never)).toBe('y\t\\N\t\\N\t\\N\t\\N\t\\N\n');
  });

  it('writes every instant as toISOString does, from the year 1000 to 9999 and outside it', () => {
    const step = 7_654_321_987; // about 89 days, and every field of the text moves
    const instants = [
      ...Array.from({ length: 2_000 }, (_, index) => Date.UTC(1969, 11, 31, 23, 59, 59, 999) + index * step),
      Date.UTC(1000, 0, 1),
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      Date.UTC(-1, 0, 1),
      0,
    ];
    for (const instant of instants) {
      const dueAt = new Date(instant);
      expect(shape.line({ id: 'z', count: null, open: true, dueAt, tags: [], document: null } as never)).toBe(`z\t\\N\ttrue\t${dueAt.toISOString()}\t{}\t\\N\n`);
    }
  });
});
