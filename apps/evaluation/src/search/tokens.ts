import { replaceContactSpans, withoutSealedSpans } from '@handoff/contracts';

/**
 * Words of a ticket's text as the search index holds them, and of a query as it is matched.
 *
 * Chinese (and Japanese and Korean) text has no spaces between words, so a run of CJK characters
 * is indexed by its single characters and its two-character windows: `我的快递三天没到` holds
 * `快递` as a bigram, and a query `快递` matches it. A query's CJK run of two characters or more
 * asks for every bigram of it (a run of one, for the character). Latin letters and digits are
 * lower-cased words, matched whole. The index is a PostgreSQL `text[]` under a GIN index, and a
 * query asks that it contain every query token (`@>`), which needs no locale support for CJK.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORDS = /[\p{L}\p{N}]+/gu;
/** A word in the Unicode sense may run CJK and Latin together (`iPhone屏幕`): split them apart. */
const CJK_OR_NOT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/** Longest word kept: a longer "word" is a hash, a URL or noise, and would only bloat the index. */
const MAX_WORD_LENGTH = 40;

function pieces(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORDS) ?? []).flatMap((word) => word.match(CJK_OR_NOT) ?? []);
}

const isCjk = (piece: string): boolean => CJK.test(piece);

function bigrams(characters: readonly string[]): string[] {
  const found: string[] = [];
  for (let index = 0; index + 1 < characters.length; index += 1) found.push(characters[index] + characters[index + 1]);
  return found;
}

/** The tokens a text is indexed under, distinct and sorted (so a row is the same however it was built). */
export function indexTokens(...texts: readonly (string | undefined | null)[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    // Contact details are found by the customer's keyed search terms, never by the words around
    // them: a sealed span is not indexed, nor a detail written in clear before sealing began.
    for (const piece of pieces(replaceContactSpans(withoutSealedSpans(text), () => ' '))) {
      if (isCjk(piece)) {
        const characters = [...piece];
        for (const character of characters) tokens.add(character);
        for (const bigram of bigrams(characters)) tokens.add(bigram);
      } else if ([...piece].length <= MAX_WORD_LENGTH) {
        tokens.add(piece);
      }
    }
  }
  return [...tokens].sort();
}

/** The tokens a ticket must hold to match the query: each word, each CJK bigram (or lone character). */
export function queryTokens(query: string): string[] {
  const tokens = new Set<string>();
  for (const piece of pieces(query)) {
    if (isCjk(piece)) {
      const characters = [...piece];
      if (characters.length === 1) tokens.add(piece);
      else for (const bigram of bigrams(characters)) tokens.add(bigram);
    } else if ([...piece].length <= MAX_WORD_LENGTH) {
      tokens.add(piece);
    }
  }
  return [...tokens].sort();
}

/** Merges token lists into one distinct, sorted list. */
export const mergeTokens = (...lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())].sort();
