import { randomUUID } from 'node:crypto';
import { sealedSpanKeyIds, withoutSealedSpans } from '@handoff/contracts';
import { ERASED_SPAN, hasClearContactSpans, maskSpan, newDataKey, openContactSpans, sealContactSpans } from './index';

const keyId = 'cust_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const ticketId = '0b5c9a52-6f0e-4f4e-9d4e-4b1f3c2a9e10';
const key = newDataKey();
const keys = new Map([[keyId, key]]);
const sealed = (text: string) => sealContactSpans(text, keyId, ticketId, key);

describe('contact details typed into free text, sealed where they stand', () => {
  it.each([
    ['a Chinese mobile', '请回电 13800138000，谢谢', '13800138000'],
    ['a mobile in groups', '回电 138 0013 8000 或 138-0013-8000', '0013'],
    ['a mobile with the country code', 'call me on +86 138 0013 8000 tomorrow', '138'],
    ['a landline with its area code', '办公室电话 010-6552 9988（工作日）', '6552'],
    ['an area code in brackets', 'office (0755) 1234 5678 after six', '1234'],
    ['a British number', 'my UK phone is +44 20 7946 0958.', '7946'],
    ['an American number', 'reach me at +1-415-555-2671', '555'],
    ['an e-mail address', 'send the invoice to Li.Lei+bills@example.com please', 'Li.Lei'],
    ['an e-mail address that is a phone number', '邮箱 13800138000@163.com', '13800138000'],
  ])('seals %s and opens it again', (_what, text, detail) => {
    const stored = sealed(text);
    expect(stored).not.toContain(detail);
    expect(stored).toMatch(/⟦contact:cust_[A-Za-z0-9_-]+:v1\./);
    expect(hasClearContactSpans(stored)).toBe(false);
    expect(openContactSpans(stored, ticketId, keys, true)).toBe(text);
  });

  it('keeps the words around the details, and leaves ids, instants and numbers as they are', () => {
    const uuid = randomUUID();
    const text = `ticket ${uuid} order 4711 on 2026-11-23T08:00:00Z, refund 1000-2000 yuan, key cust_13800138000abc, actor h-13800138000; call 13912345678`;
    const stored = sealed(text);
    expect(stored.startsWith(`ticket ${uuid} order 4711 on 2026-11-23T08:00:00Z, refund 1000-2000 yuan, key cust_13800138000abc, actor h-13800138000; call ⟦contact:`)).toBe(true);
    expect(stored).not.toContain('13912345678');
    expect(sealed(`ticket ${uuid} order 4711`)).toBe(`ticket ${uuid} order 4711`);
    expect(hasClearContactSpans(`ticket ${uuid} order 4711`)).toBe(false);
  });

  it('seals the same words the same way, and leaves what is sealed alone', () => {
    const text = 'phone 13800138000, mail wang@qq.com';
    expect(sealed(text)).toBe(sealed(text));
    expect(sealed(sealed(text))).toBe(sealed(text));
    expect(sealContactSpans(text, keyId, randomUUID(), key)).not.toBe(sealed(text));
    expect(sealedSpanKeyIds(sealed(text))).toEqual([keyId]);
  });

  it('masks for a role without the need to know', () => {
    const stored = sealed('phone 13800138000, mail wang.fang@example.com');
    expect(openContactSpans(stored, ticketId, keys, false)).toBe('phone ***00, mail w***@example.com');
    expect(maskSpan('+44 20 7946 0958')).toBe('***58');
  });

  it('reads as erased without the key, or in another ticket than its own, and drops details when there is no key to seal with', () => {
    const stored = sealed('phone 13800138000');
    expect(openContactSpans(stored, ticketId, new Map(), true)).toBe(`phone ${ERASED_SPAN}`);
    expect(openContactSpans(stored, ticketId, new Map([[keyId, newDataKey()]]), true)).toBe(`phone ${ERASED_SPAN}`);
    expect(openContactSpans(stored, randomUUID(), keys, true)).toBe(`phone ${ERASED_SPAN}`);
    expect(sealContactSpans('phone 13800138000', keyId, ticketId, null)).toBe(`phone ${ERASED_SPAN}`);
  });

  it('leaves nothing of a detail, clear or sealed, for a search index', () => {
    expect(withoutSealedSpans(sealed('please call 13800138000 today'))).toBe('please call   today');
  });
});
