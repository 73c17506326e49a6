import { customerKeyId, customerSearchTerms, phoneForms, querySearchTerms } from './index';

const pepper = Buffer.from('search-terms-pepper');
const found = (query: string, details: { name: string; phone?: string; email?: string }): boolean => {
  const indexed = new Set(customerSearchTerms(details, pepper));
  return querySearchTerms(query, pepper).some((terms) => terms.length > 0 && terms.every((term) => indexed.has(term)));
};

describe('search terms of a customer, keyed by the vault’s pepper', () => {
  const wang = { name: '王芳', phone: '+86 138 0013 5678', email: 'Wang.Fang@Example.com' };
  const li = { name: 'Li Lei', phone: '021-6543 2100' };

  it('finds a customer by phone as CS types it, with or without the country code', () => {
    expect(found('+86 138 0013 5678', wang)).toBe(true);
    expect(found('13800135678', wang)).toBe(true);
    expect(found('138-0013-5678', wang)).toBe(true);
    expect(found('0086 138 0013 5678', wang)).toBe(true);
    expect(found('021 6543 2100', li)).toBe(true);
    expect(found('13800135679', wang)).toBe(false);
  });

  it('finds by e-mail whatever the case, and by name or part of it in Chinese and in Latin letters', () => {
    expect(found(' wang.fang@example.COM ', wang)).toBe(true);
    expect(found('王芳', wang)).toBe(true);
    expect(found('li lei', li)).toBe(true);
    expect(found('Lei', li)).toBe(true);
    expect(found('王', wang)).toBe(false);
    expect(found('王丽', wang)).toBe(false);
  });

  it('holds nothing in clear, differs by pepper, and never equals a customer key id', () => {
    const terms = customerSearchTerms(wang, pepper);
    expect(terms.join(' ')).not.toMatch(/王|5678|wang|example/i);
    expect(customerSearchTerms(wang, Buffer.from('another pepper'))).not.toEqual(terms);
    expect(terms).not.toContain(customerKeyId(wang, pepper).slice('cust_'.length));
  });

  it('reads phone numbers into their digits and national number', () => {
    expect(phoneForms('+86 138 0013 5678')).toEqual(['8613800135678', '613800135678', '13800135678', '3800135678']);
    expect(phoneForms('138 0013 5678')).toEqual(['13800135678']);
    expect(phoneForms('12')).toEqual([]);
  });
});
