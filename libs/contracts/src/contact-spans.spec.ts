import { randomUUID } from 'node:crypto';
import { contactSpans, cutWords, sealedSpanKeyIds, sealedSpanToken, withoutSealedSpans } from './contact-spans';

const token = (keyId: string) => sealedSpanToken(keyId, 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA');

describe('contact details in free text', () => {
  it('finds phone numbers in Chinese and international forms and e-mail addresses, with where they stand', () => {
    const text = '请打 13800138000 或 +44 20 7946 0958，邮件 li.lei@example.com';
    expect(contactSpans(text).map((span) => [span.kind, text.slice(span.start, span.end)])).toEqual([
      ['phone', '13800138000'],
      ['phone', '+44 20 7946 0958'],
      ['email', 'li.lei@example.com'],
    ]);
  });

  it('finds nothing in ids, instants and plain numbers', () => {
    expect(contactSpans(`ticket ${randomUUID()} short ${randomUUID().slice(0, 8)} at 2026-11-23T08:00:00Z, order 4711, 1000-2000`)).toEqual([]);
  });

  it('reads the keys and the words of a text with sealed spans, and cuts it without splitting one', () => {
    const text = `call ${token('cust_a')} or ${token('cust_b')}`;
    expect(sealedSpanKeyIds(text)).toEqual(['cust_a', 'cust_b']);
    expect(withoutSealedSpans(text)).toBe('call   or  ');
    expect(cutWords(text, 10)).toBe('call ');
    expect(cutWords(text, 5 + token('cust_a').length + 2)).toBe(`call ${token('cust_a')} o`);
    expect(cutWords('short', 10)).toBe('short');
    expect(cutWords('a longer headline', 8)).toBe('a longer');
  });
});
