import { ticketIdForContact, uuidV5 } from './ids';

describe('name-based ids', () => {
  it('matches the RFC 4122 v5 reference value', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('gives the same contact the same ticket id, and different contacts different ones', () => {
    expect(ticketIdForContact('crm', 'A-1')).toBe(ticketIdForContact('crm', 'A-1'));
    expect(ticketIdForContact('crm', 'A-1')).not.toBe(ticketIdForContact('crm', 'A-2'));
    // The separator keeps ('ab','c') and ('a','bc') apart.
    expect(ticketIdForContact('ab', 'c')).not.toBe(ticketIdForContact('a', 'bc'));
  });
});
