import { z } from 'zod';
import { parseOrThrow } from './envelope.schema';
import { ValidationFailed } from './refusals';
import { cursorInstant, encodeCursor, pageOf, pageQueryShape } from './paging';

const schema = z.strictObject(pageQueryShape({ key: z.tuple([cursorInstant, z.string()]), defaultLimit: 50, maxLimit: 200 }));
const fieldsOf = (input: unknown) => {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors.map((e) => e.field);
    throw error;
  }
  return [];
};

describe('keyset paging', () => {
  it('round-trips the sort key of the last row through an opaque base64url cursor', () => {
    const cursor = encodeCursor(['2026-03-02T09:00:00.000Z', 'tïcket/1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseOrThrow(schema, { cursor, limit: '10' })).toEqual({ cursor: ['2026-03-02T09:00:00.000Z', 'tïcket/1'], limit: 10 });
    expect(parseOrThrow(schema, {})).toEqual({ limit: 50 });
  });

  it.each([
    ['a limit of 0', { limit: '0' }, 'limit'],
    ['a limit above the bound', { limit: '201' }, 'limit'],
    ['a limit that is no number', { limit: 'ten' }, 'limit'],
    ['a cursor that is not base64url', { cursor: 'a+b/' }, 'cursor'],
    ['a cursor of another shape', { cursor: encodeCursor([1, 2, 3]) }, 'cursor'],
    ['a cursor that is not JSON', { cursor: 'bm90IGpzb24' }, 'cursor'],
  ])('refuses %s naming the parameter', (_, input, field) => {
    expect(fieldsOf(input)).toEqual([field]);
  });

  it('gives a cursor only when a row beyond the page was read', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = pageOf(rows, 2, (row) => [row.id], (row) => row.id);
    expect(page.items).toEqual(['a', 'b']);
    expect(page.nextCursor).toBe(encodeCursor(['b']));
    expect(pageOf(rows, 3, (row) => [row.id], (row) => row.id).nextCursor).toBeNull();
  });
});
