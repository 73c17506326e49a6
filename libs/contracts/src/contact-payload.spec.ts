import { type ContactPayload, parseContactPayload } from './contact-payload';
import { ValidationFailed } from './refusals';

const valid = {
  sourceSystem: 'web-chat',
  externalId: 'conversation-42',
  channel: 'web_chat',
  type: 'consultation',
  customer: { customerId: 'c-7', name: 'Li Wei', phone: '+86 138-0013-8000', email: 'li.wei@example.cn' },
  subject: 'Opening hours',
  description: 'When are you open on Saturday?\nThanks.',
  category: 'general',
  priority: 'normal',
  occurredAt: '2025-03-03T09:15:00+08:00',
};

function errorsOf(input: unknown): { field: string; message: string }[] {
  try {
    parseContactPayload(input);
  } catch (error) {
    if (error instanceof ValidationFailed) return [...error.errors];
    throw error;
  }
  throw new Error('expected ValidationFailed');
}
const fieldsOf = (input: unknown) => errorsOf(input).map((error) => error.field);

describe('parseContactPayload', () => {
  it('given a complete contact, then it is accepted as is', () => {
    const parsed: ContactPayload = parseContactPayload(valid);
    expect(parsed).toEqual(valid);
  });

  it('given padded strings, then they are trimmed; a platform is lower-cased', () => {
    const parsed = parseContactPayload({
      ...valid,
      channel: 'social_media',
      platform: ' WeChat ',
      externalId: '  m-1 ',
      customer: { name: '  Li Wei ', email: ' li@example.cn ' },
      subject: ' Hello ',
    });
    expect(parsed).toMatchObject({ platform: 'wechat', externalId: 'm-1', subject: 'Hello' });
    expect(parsed.customer).toEqual({ name: 'Li Wei', email: 'li@example.cn' });
  });

  it('given only the required fields, then it is accepted', () => {
    const { category: _c, priority: _p, occurredAt: _o, ...minimal } = valid;
    expect(() => parseContactPayload({ ...minimal, customer: { name: 'Li', email: 'li@example.cn' } })).not.toThrow();
    expect(() => parseContactPayload({ ...minimal, customer: { name: 'Li', phone: '010-12345678' } })).not.toThrow();
  });

  it.each([
    ['an unknown top-level field', { ...valid, agentNotes: 'x' }, ['agentNotes']],
    ['an unknown customer field', { ...valid, customer: { ...valid.customer, vip: true } }, ['customer.vip']],
    ['a missing source system', { ...valid, sourceSystem: undefined }, ['sourceSystem']],
    ['a source system with spaces', { ...valid, sourceSystem: 'web chat' }, ['sourceSystem']],
    ['an empty external id', { ...valid, externalId: '   ' }, ['externalId']],
    ['an external id too long', { ...valid, externalId: 'x'.repeat(129) }, ['externalId']],
    ['an unknown channel', { ...valid, channel: 'fax' }, ['channel']],
    ['social media without a platform', { ...valid, channel: 'social_media' }, ['platform']],
    ['a platform on another channel', { ...valid, platform: 'wechat' }, ['platform']],
    ['a malformed platform', { ...valid, channel: 'social_media', platform: 'we chat!' }, ['platform']],
    ['an unknown type', { ...valid, type: 'praise' }, ['type']],
    ['no customer', { ...valid, customer: undefined }, ['customer']],
    ['a blank customer name', { ...valid, customer: { ...valid.customer, name: ' ' } }, ['customer.name']],
    ['a customer name too long', { ...valid, customer: { ...valid.customer, name: 'n'.repeat(101) } }, ['customer.name']],
    ['neither phone nor email', { ...valid, customer: { name: 'Li' } }, ['customer']],
    ['a malformed email', { ...valid, customer: { ...valid.customer, email: 'li.wei@' } }, ['customer.email']],
    ['a phone with letters', { ...valid, customer: { ...valid.customer, phone: '138-CALL-ME' } }, ['customer.phone']],
    ['a phone too short', { ...valid, customer: { ...valid.customer, phone: '12345' } }, ['customer.phone']],
    ['a phone too long', { ...valid, customer: { ...valid.customer, phone: '+1234567890123456' } }, ['customer.phone']],
    ['an empty subject', { ...valid, subject: '' }, ['subject']],
    ['a subject with a line break', { ...valid, subject: 'two\nlines' }, ['subject']],
    ['a subject too long', { ...valid, subject: 's'.repeat(201) }, ['subject']],
    ['a description with NUL', { ...valid, description: 'abc\u0000def' }, ['description']],
    ['a description with an escape sequence', { ...valid, description: 'abc\u001b[31m' }, ['description']],
    ['a description with a bidi override', { ...valid, description: 'abc\u202edef' }, ['description']],
    ['a description too long', { ...valid, description: 'd'.repeat(5001) }, ['description']],
    ['a malformed category', { ...valid, category: 'not a category' }, ['category']],
    ['an unknown priority', { ...valid, priority: 'asap' }, ['priority']],
    ['a time without an offset', { ...valid, occurredAt: '2025-03-03 09:15' }, ['occurredAt']],
    ['a string where an object belongs', { ...valid, customer: 'Li Wei' }, ['customer']],
  ])('given %s, then the error names the field', (_, input, fields) => {
    expect(fieldsOf(input)).toEqual(fields);
  });

  it('given several mistakes, then every one is named in one answer', () => {
    const errors = errorsOf({
      ...valid,
      channel: 'social_media',
      type: 'praise',
      customer: { name: '', email: 'nope', extra: 1 },
      subject: 'a\u0000b',
      unexpected: true,
    });
    expect(errors.map((error) => error.field).sort()).toEqual(
      ['customer.email', 'customer.extra', 'customer.name', 'platform', 'subject', 'type', 'unexpected'].sort(),
    );
    expect(errors.find((error) => error.field === 'unexpected')?.message).toBe('unknown field');
  });

  it('given something that is not an object, then it is refused', () => {
    expect(fieldsOf('hello')).toEqual(['(root)']);
    expect(fieldsOf(null)).toEqual(['(root)']);
  });
});

describe('text that cannot be stored', () => {
  const lone = ['\ud800', '\udfff', 'a\ud83d', '\ude00b'];
  const paths: (readonly string[])[] = [
    ['sourceSystem'],
    ['externalId'],
    ['customer', 'customerId'],
    ['customer', 'name'],
    ['customer', 'phone'],
    ['customer', 'email'],
    ['subject'],
    ['description'],
    ['category'],
  ];
  const withValue = (path: readonly string[], value: string): Record<string, unknown> => {
    const copy = JSON.parse(JSON.stringify(valid)) as Record<string, any>;
    let target = copy;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path[path.length - 1]] = value;
    return copy;
  };

  it.each(paths.map((path) => [path.join('.'), path] as const))('refuses a lone surrogate in %s, naming the field', (field, path) => {
    for (const surrogate of lone) {
      expect(errorsOf(withValue(path, `ok${surrogate}`))).toContainEqual(expect.objectContaining({ field, message: 'contains text that cannot be stored (a lone surrogate)' }));
    }
  });

  it('refuses one in the platform of a social-media contact', () => {
    expect(errorsOf({ ...valid, channel: 'social_media', platform: 'we\ud800chat' })).toContainEqual(
      expect.objectContaining({ field: 'platform', message: 'contains text that cannot be stored (a lone surrogate)' }),
    );
  });

  it('accepts whole surrogate pairs (emoji, rare CJK) in free text and names', () => {
    const parsed = parseContactPayload(withValue(['description'], 'Thanks 😀 𠮷'));
    expect(parsed.description).toBe('Thanks 😀 𠮷');
    expect(parseContactPayload(withValue(['customer', 'name'], '𠮷田')).customer.name).toBe('𠮷田');
  });
});
