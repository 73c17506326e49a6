import { indexTokens, mergeTokens, queryTokens } from './tokens';

const matches = (query: string, ...texts: string[]): boolean => {
  const indexed = new Set(indexTokens(...texts));
  const wanted = queryTokens(query);
  return wanted.length > 0 && wanted.every((token) => indexed.has(token));
};

describe('the search tokeniser', () => {
  it('indexes a Chinese text by its characters and their bigrams', () => {
    expect(indexTokens('快递没到')).toEqual(['到', '快', '快递', '没', '没到', '递', '递没'].sort());
  });

  it('finds a Chinese word inside a sentence without spaces', () => {
    expect(matches('快递', '我的快递三天没到')).toBe(true);
    expect(matches('三天没到', '我的快递三天没到')).toBe(true);
    expect(matches('快', '我的快递三天没到')).toBe(true);
    expect(matches('退款', '我的快递三天没到')).toBe(false);
    expect(matches('快到', '我的快递三天没到')).toBe(false);
  });

  it('lower-cases Latin words and matches them whole, whatever the punctuation', () => {
    expect(indexTokens('Parcel charged TWICE, invoice #2024-17!')).toEqual(['17', '2024', 'charged', 'invoice', 'parcel', 'twice']);
    expect(matches('charged', 'Parcel charged twice')).toBe(true);
    expect(matches('PARCEL twice', 'Parcel charged twice')).toBe(true);
    expect(matches('parcel refund', 'Parcel charged twice')).toBe(false);
    expect(matches('charge', 'Parcel charged twice')).toBe(false);
  });

  it('handles mixed text, full-width forms and text spread over subject, description and notes', () => {
    expect(matches('ｉＰｈｏｎｅ 屏幕', 'iPhone屏幕碎了')).toBe(true);
    expect(matches('refund 退款', 'Wants a refund', null as unknown as string, '客户要求退款')).toBe(true);
  });

  it('gives no tokens for a query of punctuation, and merges lists into one sorted list', () => {
    expect(queryTokens(' ,.!? ')).toEqual([]);
    expect(mergeTokens(['b', 'a'], ['a', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('indexes the words around contact details, never the details, clear or sealed', () => {
    const sealed = '请回电 ⟦contact:cust_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:v1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA⟧ 快递';
    expect(indexTokens(sealed)).toEqual(indexTokens('请回电 快递'));
    expect(indexTokens('call 13800138000 or li.lei@example.com about order 4711')).toEqual(indexTokens('call or about order 4711'));
    expect(matches('13800138000', 'call 13800138000')).toBe(false);
  });
});
