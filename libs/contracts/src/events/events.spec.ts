import type { RecordedEvent } from '../envelope';
import { ValidationFailed } from '../refusals';
import {
  EVENT_CONTRACTS,
  EVENT_UPCASTERS,
  FOLLOWUP_EVENTS,
  PRIVACY_EVENTS,
  ACCESS_EVENTS,
  EVALUATION_EVENTS,
  INTAKE_EVENTS,
  ROUTING_EVENTS,
  STAFFING_EVENTS,
  POLICY_EVENTS,
  contractOf,
  followupStreamId,
  intakeStreamId,
  routingStreamId,
  schemaVersionOf,
  typedEventOf,
} from './index';

function recorded(type: string, data: unknown, schemaVersion = 1): RecordedEvent {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    type,
    schemaVersion,
    streamId: 'routing-ticket-t1',
    streamPosition: 0,
    globalPosition: '1',
    ticketId: 't1',
    data,
    metadata: {
      correlationId: 'c1',
      causationId: 'c1',
      actorId: 'svc',
      role: 'system',
      occurredAt: '2025-03-03T01:00:00.000Z',
      recordedAt: '2025-03-03T01:00:00.000Z',
    },
    contentHash: '0'.repeat(64),
    previousHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}

describe('event contracts', () => {
  it('every context registers its events once, and type names do not collide across contexts', () => {
    const names = [...Object.keys(INTAKE_EVENTS), ...Object.keys(ROUTING_EVENTS), ...Object.keys(STAFFING_EVENTS), ...Object.keys(FOLLOWUP_EVENTS), ...Object.keys(PRIVACY_EVENTS), ...Object.keys(ACCESS_EVENTS), ...Object.keys(EVALUATION_EVENTS), ...Object.keys(POLICY_EVENTS)];
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(EVENT_CONTRACTS).sort()).toEqual([...names].sort());
  });

  it('every event is a PascalCase name (as the envelope requires), at the version its upcasters lead to', () => {
    for (const [type, contract] of Object.entries(EVENT_CONTRACTS)) {
      expect(type).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(contract.version).toBe(EVENT_UPCASTERS.currentVersionOf(type));
      expect(schemaVersionOf(type as keyof typeof EVENT_CONTRACTS)).toBe(contract.version);
    }
    expect(schemaVersionOf('ResultReported')).toBe(2);
  });

  it('contractOf knows the registered types only', () => {
    expect(contractOf('TicketRouted')).toBe(ROUTING_EVENTS.TicketRouted);
    expect(contractOf('toString')).toBeUndefined();
    expect(contractOf('SomethingElse')).toBeUndefined();
  });

  it('event data is read tolerantly: members a newer producer added are dropped, not refused', () => {
    const parsed = ROUTING_EVENTS.TransferRefused.schema.parse({
      fromDepartment: 'billing',
      toDepartment: 'logistics',
      reason: 'not ours',
      addedLater: 1,
    });
    expect(parsed).toEqual({ fromDepartment: 'billing', toDepartment: 'logistics', reason: 'not ours' });
  });

  it('a stored customer is sealed: clear contact details do not pass the event contract', () => {
    const schema = INTAKE_EVENTS.AnsweredAtFirstContact.schema;
    expect(schema.safeParse({ answer: '' }).success).toBe(false);
    const contact = {
      sourceSystem: 'hotline',
      externalId: 'call-1',
      channel: 'hotline',
      type: 'consultation',
      subject: 's',
      description: 'd',
    };
    const sealed = { keyId: 'cust_abc', sealed: 'v1.aXY.Y2lwaGVy.dGFn' };
    expect(INTAKE_EVENTS.ContactRecorded.schema.safeParse({ ...contact, customer: sealed }).success).toBe(true);
    expect(INTAKE_EVENTS.ContactRecorded.schema.safeParse({ ...contact, customer: { name: 'x', phone: '+86 138 0013 8000' } }).success).toBe(false);
    expect(INTAKE_EVENTS.ContactRecorded.schema.safeParse({ ...contact, customer: { ...sealed, sealed: 'Wang Fang' } }).success).toBe(false);
  });
});

describe('typedEventOf', () => {
  it('given an event of the registry with valid data, then it is returned typed', () => {
    const event = typedEventOf(FOLLOWUP_EVENTS, recorded('TicketClosed', { outcome: 'satisfied', round: 1 }));
    expect(event?.type).toBe('TicketClosed');
  });

  it("given another context's event, then it is not this consumer's", () => {
    expect(typedEventOf(FOLLOWUP_EVENTS, recorded('TicketRouted', {}))).toBeUndefined();
  });

  it('given invalid data, then ValidationFailed names the data field', () => {
    expect(() => typedEventOf(FOLLOWUP_EVENTS, recorded('TicketClosed', { outcome: 'happy', round: 1 }))).toThrow(
      ValidationFailed,
    );
    try {
      typedEventOf(FOLLOWUP_EVENTS, recorded('TicketClosed', { outcome: 'happy', round: 1 }));
    } catch (error) {
      expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['data.outcome']);
    }
  });

  it('given a ResultReported v1 (before complaint causes), then it is upcast: a complaint is unclassified, another result has no cause', () => {
    const v1 = { round: 1, department: 'billing', handlerId: 'h-ana', summary: 'Refunded.', apology: 'Sorry.', correctiveAction: 'Daily checks.' };
    expect(typedEventOf(ROUTING_EVENTS, recorded('ResultReported', { ...v1, complaint: true }, 1))).toMatchObject({ schemaVersion: 2, data: { cause: 'unclassified' } });
    expect(typedEventOf(ROUTING_EVENTS, recorded('ResultReported', { ...v1, complaint: false }, 1))?.data).not.toHaveProperty('cause');
  });

  it('given a ResultReported v2, then a complaint without a cause, or another result with one, is refused naming data.cause', () => {
    const v2 = { round: 1, department: 'billing', handlerId: 'h-ana', summary: 'Refunded.' };
    for (const data of [{ ...v2, complaint: true }, { ...v2, complaint: false, cause: 'billing_error' }]) {
      try {
        typedEventOf(ROUTING_EVENTS, recorded('ResultReported', data, 2));
        throw new Error('accepted');
      } catch (error) {
        expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['data.cause']);
      }
    }
  });

  it('given a version that was not upcast, then it is refused', () => {
    expect(() => typedEventOf(FOLLOWUP_EVENTS, recorded('TicketClosed', { outcome: 'satisfied', round: 1 }, 2))).toThrow(
      ValidationFailed,
    );
  });
});

describe('stream ids', () => {
  it('are one per ticket and context', () => {
    expect(intakeStreamId('t1')).toBe('intake-ticket-t1');
    expect(routingStreamId('t1')).toBe('routing-ticket-t1');
    expect(followupStreamId('t1')).toBe('followup-ticket-t1');
  });
});
