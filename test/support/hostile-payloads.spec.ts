import { hostileCases, KINDS, type Target } from './hostile-payloads';

const target: Target = {
  validBody: { note: 'looking into it', satisfied: false },
  required: ['note'],
  schema: {
    type: 'object',
    properties: { note: { type: 'string' }, satisfied: { type: 'boolean' }, channel: { type: 'string', enum: ['email', 'hotline'] } },
  },
  hasTicketId: true,
};

describe('the hostile payload generator', () => {
  it('makes the same cases from the same seed, and others from another', () => {
    expect(hostileCases(target, 7, 300)).toEqual(hostileCases(target, 7, 300));
    expect(hostileCases(target, 8, 300)).not.toEqual(hostileCases(target, 7, 300));
  });

  it('makes every kind of case first, so even a small run covers them all', () => {
    expect(new Set(hostileCases(target, 1, KINDS.length).map((hostile) => hostile.kind))).toEqual(new Set(KINDS));
  });

  it('never sends an empty body, which an endpoint with an optional body would rightly accept', () => {
    for (const hostile of hostileCases({ ...target, validBody: {}, required: [] }, 3, 2000)) {
      expect(hostile.body.length).toBeGreaterThan(0);
    }
  });

  it('skips what does not apply: no ticket id to break, no field to drop', () => {
    const kinds = hostileCases({ validBody: {}, required: [], schema: { type: 'object', properties: {} }, hasTicketId: false }, 5, 500).map((hostile) => hostile.kind);
    expect(kinds).not.toContain('invalid-ticket-id');
    expect(kinds).not.toContain('missing-field');
    expect(kinds).not.toContain('control-character');
  });
});
