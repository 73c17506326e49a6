import { openTicketsLookupSchema } from './search.query';

describe('the open-tickets lookup while CS types a phone or an e-mail', () => {
  it('takes a phone as people type it, with spaces, brackets, dots and dashes', () => {
    for (const phone of ['138 0013 8000', '+86 (138) 0013-8000', '138.0013.8000']) {
      expect(openTicketsLookupSchema.safeParse({ phone }).success).toBe(true);
    }
  });

  it('refuses control characters between the digits, naming the phone (the fuzz test found a form feed let through)', () => {
    for (const phone of ['138\f0013', '138\t0013', '138\v0013']) {
      const parsed = openTicketsLookupSchema.safeParse({ phone });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['phone']);
    }
  });
});
