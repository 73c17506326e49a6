import { z } from 'zod';

/**
 * JSON lets a string carry half of a UTF-16 surrogate pair (`"\ud800"`); PostgreSQL's jsonb and
 * text refuse it, and UTF-8 cannot encode it. Refused where the text comes in, with the field
 * named, instead of failing later in the store (a 500) or being stored somewhere that takes it.
 */
export const UNSTORABLE_TEXT_MESSAGE = 'contains text that cannot be stored (a lone surrogate)';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The same answer as Node 20's String.prototype.isWellFormed, for a library typed against ES2022. */
export const isStorableText = (value: string): boolean => !LONE_SURROGATE.test(value);

/** `z.string()` for input: every string a request or an inbound message brings starts from it. */
export const storableString = (params?: Parameters<typeof z.string>[0]) => z.string(params).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
