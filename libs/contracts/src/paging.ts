import { z } from 'zod';
import type { Page } from './api/vocabulary';


/**
 * One paging convention for every list of the API: keyset ("seek") paging. A page is
 * `{ items, nextCursor }`; `nextCursor` is null on the last page. The cursor is opaque to the
 * caller: base64url of the JSON array of the sort key of the page's last row, so the next page
 * starts strictly after that row. A row inserted while someone pages lands before or after the
 * cursor and never shifts a page the way an offset does: nothing is skipped or shown twice.
 */

/** A value of a sort key: instants travel as ISO strings, `null` for a row without one. */
export type CursorValue = string | number | boolean | null;

export function encodeCursor(key: readonly CursorValue[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursorJson(cursor: string): unknown {
  const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
}

const NOT_OURS = 'is not a cursor this list gave out: leave it out to start from the first page';

/**
 * The `limit` and `cursor` query parameters of a list. `key` is the shape of its sort key; a
 * cursor that is not base64url JSON of that shape is refused with a 400 naming `cursor`.
 */
export function pageQueryShape<Key extends z.ZodType<readonly CursorValue[]>>(options: { key: Key; defaultLimit: number; maxLimit: number }) {
  const { key, defaultLimit, maxLimit } = options;
  const limitMessage = `must be a whole number from 1 to ${maxLimit}`;
  return {
    limit: z
      .string()
      .regex(/^\d{1,6}$/, limitMessage)
      .transform(Number)
      .pipe(z.number().int().min(1, limitMessage).max(maxLimit, limitMessage))
      .default(defaultLimit),
    cursor: z
      .string()
      .max(1024, NOT_OURS)
      .regex(/^[A-Za-z0-9_-]+$/, NOT_OURS)
      .transform((cursor, context) => {
        let json: unknown;
        try {
          json = decodeCursorJson(cursor);
        } catch {
          json = undefined;
        }
        const parsed = key.safeParse(json);
        if (parsed.success) return parsed.data as z.infer<Key>;
        context.addIssue({ code: 'custom', message: NOT_OURS });
        return z.NEVER;
      })
      .optional(),
  };
}

/** An instant as a sort key carries it: ISO 8601 with milliseconds, what PostgreSQL and `Date` agree on. */
export const cursorInstant = z.iso.datetime({ offset: true });

/**
 * A page from rows read with `limit + 1`: the extra row only tells that another page exists;
 * the cursor is the key of the last row returned.
 */
export function pageOf<Row, Item>(rows: readonly Row[], limit: number, keyOf: (row: Row) => readonly CursorValue[], view: (row: Row) => Item): Page<Item> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(view), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
