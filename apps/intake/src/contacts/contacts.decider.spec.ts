import { sealedCustomer, DeciderSpecification } from '@handoff/testing';
import { fingerprint } from '@handoff/vault';
import {
  type Actor,
  type ContactPayload,
  DomainError,
  type DomainErrorCode,
  INTAKE_EVENTS,
  type IntakeEvent,
  type TicketHandedOverData,
  ticketIdForContact,
} from '@handoff/contracts';
import { type Classification, DEFAULT_CLASSIFICATION_RULES, classify } from './classification';
import { type IntakeCommand, decide, evolve, initialState } from './contacts.decider';

// ---------------------------------------------------------------------------------------------
// Given / When / Then, and every emitted event checked against its published contract

const NOW = new Date('2025-03-03T01:00:00.000Z');
const csAgent: Actor = { id: 'agent-1', role: 'cs' };
const upstream: Actor = { id: 'web-chat-gateway', role: 'system' };

const metadata = (actor: Actor) => ({ now: NOW, actor, correlationId: 'corr-1', causationId: 'cause-1' });

const specification = DeciderSpecification.for({ initialState, evolve, decide: decide }, INTAKE_EVENTS);
const given = (...history: IntakeEvent[]) => specification.given(...history);

afterAll(() => specification.expectEveryEventEmitted());

// ---------------------------------------------------------------------------------------------
// Fixtures

const consultation: ContactPayload = {
  sourceSystem: 'web-chat',
  externalId: 'conv-1',
  channel: 'web_chat',
  type: 'consultation',
  customer: { name: 'Li Wei', phone: '+86 138 0013 8000' },
  subject: 'Opening hours',
  description: 'When are you open on Saturday?',
};

const complaint: ContactPayload = {
  sourceSystem: 'wechat-bridge',
  externalId: 'msg-9',
  channel: 'social_media',
  platform: 'wechat',
  type: 'complaint',
  customer: { customerId: 'c-7', name: 'Wang Fang', email: 'wang@example.cn' },
  subject: 'Parcel late',
  description: 'My parcel is three days late and nobody answers.',
  category: 'logistics',
  priority: 'urgent',
  occurredAt: '2025-03-03T00:55:00.000Z',
};

const recordContact = (contact: ContactPayload, classification = classify(contact, DEFAULT_CLASSIFICATION_RULES)) => ({
  type: 'RecordContact' as const,
  data: { ticketId: ticketIdForContact(contact.sourceSystem, contact.externalId), contact: { ...contact, customer: sealedCustomer(contact.customer) }, classification },
  metadata: metadata(upstream),
});

const simpleClassification: Classification = classify(consultation, DEFAULT_CLASSIFICATION_RULES);
const complaintClassification: Classification = classify(complaint, DEFAULT_CLASSIFICATION_RULES);

const consultationRecorded: IntakeEvent = {
  type: 'ContactRecorded',
  data: {
    sourceSystem: 'web-chat',
    externalId: 'conv-1',
    channel: 'web_chat',
    type: 'consultation',
    customer: sealedCustomer({ name: 'Li Wei', phone: '+86 138 0013 8000' }),
    subject: 'Opening hours',
    description: 'When are you open on Saturday?',
  },
};
const consultationClassified: IntakeEvent = { type: 'TicketClassified', data: simpleClassification };
const answered: IntakeEvent = { type: 'AnsweredAtFirstContact', data: { answer: 'Saturdays 09:00 to 17:00.' } };

const handedOverConsultation = (reason: TicketHandedOverData['reason'], note?: string): IntakeEvent => ({
  type: 'TicketHandedOver',
  data: {
    channel: 'web_chat',
    type: 'consultation',
    category: 'general',
    priority: 'normal',
    customer: sealedCustomer({ name: 'Li Wei', phone: '+86 138 0013 8000' }),
    subject: 'Opening hours',
    description: 'When are you open on Saturday?',
    complaint: false,
    reason,
    ...(note !== undefined && { note }),
  },
});

// ---------------------------------------------------------------------------------------------

describe('RecordContact', () => {
  it('given a new simple consultation, then it is recorded and classified for CS to answer at once', () => {
    expect(simpleClassification.resolution).toBe('first_contact');
    given()
      .when(recordContact(consultation))
      .then([consultationRecorded, consultationClassified]);
  });

  it('given a new complaint, then it is recorded, classified and handed over at once with everything a department needs', () => {
    given()
      .when(recordContact(complaint))
      .then([
        {
          type: 'ContactRecorded',
          data: {
            sourceSystem: 'wechat-bridge',
            externalId: 'msg-9',
            channel: 'social_media',
            platform: 'wechat',
            type: 'complaint',
            customer: sealedCustomer({ customerId: 'c-7', name: 'Wang Fang', email: 'wang@example.cn' }),
            subject: 'Parcel late',
            description: 'My parcel is three days late and nobody answers.',
            suggestedCategory: 'logistics',
            requestedPriority: 'urgent',
            contactedAt: '2025-03-03T00:55:00.000Z',
          },
        },
        { type: 'TicketClassified', data: complaintClassification },
        {
          type: 'TicketHandedOver',
          data: {
            channel: 'social_media',
            platform: 'wechat',
            type: 'complaint',
            category: 'logistics',
            priority: 'urgent',
            customer: sealedCustomer({ customerId: 'c-7', name: 'Wang Fang', email: 'wang@example.cn' }),
            subject: 'Parcel late',
            description: 'My parcel is three days late and nobody answers.',
            complaint: true,
            reason: 'classified_for_department',
          },
        },
      ]);
  });

  it('given a complex request, then it is handed over in the same decision', () => {
    const billing = { ...consultation, description: 'Why was I charged twice? I need a refund.' };
    const events = given().when(recordContact(billing)).then([
      expect.objectContaining({ type: 'ContactRecorded' }),
      expect.objectContaining({ type: 'TicketClassified', data: expect.objectContaining({ resolution: 'department' }) }),
      expect.objectContaining({ type: 'TicketHandedOver', data: expect.objectContaining({ category: 'billing', complaint: false }) }),
    ] as IntakeEvent[]);
    expect(events).toHaveLength(3);
  });

  it('given the same contact recorded before, then nothing new is recorded (the edge answers with the same ticket)', () => {
    given(consultationRecorded, consultationClassified).when(recordContact(consultation)).then([]);
    given(consultationRecorded, consultationClassified, answered).when(recordContact(consultation)).then([]);
  });

  it('given a ticket id not derived from source and external id, then it is refused naming ticketId', () => {
    const command = recordContact(consultation);
    given()
      .when({ ...command, data: { ...command.data, ticketId: 'made-up' } })
      .thenThrows('VALIDATION_FAILED', 'ticketId');
  });

  it('given a complaint classified for first contact, then it is refused: complaints never are', () => {
    given()
      .when(recordContact(complaint, { ...complaintClassification, resolution: 'first_contact' }))
      .thenThrows('VALIDATION_FAILED', 'classification.resolution');
  });

  it.each(['department_handler', 'management', 'qa', 'auditor'] as const)('given the %s role, then it is forbidden', (role) => {
    given()
      .when({ ...recordContact(consultation), metadata: metadata({ id: 'x', role }) })
      .thenThrows('FORBIDDEN');
  });

  it('given a CS agent recording a hotline call, then it is recorded', () => {
    given()
      .when({ ...recordContact(consultation), metadata: metadata(csAgent) })
      .then([consultationRecorded, consultationClassified]);
  });
});

describe('RecordContact: a repeated source and external id, and the sources a key is bound to', () => {
  const customerKey = Buffer.alloc(32, 7);
  const withFingerprint = (contact: ContactPayload, options: { allowedSources?: readonly string[] } = {}) => {
    const command = recordContact(contact);
    return { ...command, data: { ...command.data, customerFingerprint: fingerprint(contact.customer, customerKey), ...options } };
  };
  const recordedFirst = given().when(withFingerprint(complaint)).then([
    expect.objectContaining({ type: 'ContactRecorded', data: expect.objectContaining({ customerFingerprint: fingerprint(complaint.customer, customerKey) }) }),
    expect.objectContaining({ type: 'TicketClassified' }),
    expect.objectContaining({ type: 'TicketHandedOver' }),
  ] as IntakeEvent[]);

  function conflictOf(command: IntakeCommand, ...history: IntakeEvent[]): DomainError {
    try {
      decide(command, history.reduce(evolve, initialState));
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('not refused');
  }

  it('given the same content again (the fingerprint recorded), then nothing new is recorded', () => {
    given(...recordedFirst).when(withFingerprint(complaint)).then([]);
    // The same instant written with another offset is the same content.
    given(...recordedFirst).when(withFingerprint({ ...complaint, occurredAt: '2025-03-03T08:55:00.000+08:00' })).then([]);
  });

  it('given other content under the same source and external id, then it is a conflict naming each field that differs', () => {
    const other = { ...complaint, subject: 'Parcel lost', description: 'It never came.', priority: 'high' as const };
    given(...recordedFirst).when(withFingerprint(other)).thenThrows('CONFLICT');
    const refusal = conflictOf(withFingerprint(other), ...recordedFirst);
    expect(refusal.details).toEqual({ ticketId: ticketIdForContact('wechat-bridge', 'msg-9'), fields: ['subject', 'description', 'priority'] });
    expect(refusal.message).toBe(
      'externalId msg-9 of wechat-bridge was recorded before with other content (subject, description, priority differ); a different contact needs its own externalId',
    );
  });

  it("given another customer's name or phone, then the conflict names those details without showing them", () => {
    const other = { ...complaint, customer: { ...complaint.customer, name: 'Wang Fan', phone: '+86 139 0000 0000' } };
    const refusal = conflictOf(withFingerprint(other), ...recordedFirst);
    expect(refusal.details).toEqual(expect.objectContaining({ fields: ['customer.name', 'customer.phone'] }));
    expect(refusal.message).not.toMatch(/Wang|139/);
  });

  it('given a contact recorded before fingerprints, then its customer is compared by the customer key', () => {
    given(consultationRecorded, consultationClassified).when(withFingerprint(consultation)).then([]);
    const otherPhone = { ...consultation, customer: { name: 'Li Wei', phone: '+86 138 0013 8001' } };
    expect(conflictOf(withFingerprint(otherPhone), consultationRecorded, consultationClassified).details).toEqual(
      expect.objectContaining({ fields: ['customer'] }),
    );
  });

  it('given a key bound to some source systems, then it records for those and is refused for another, naming sourceSystem', () => {
    given().when(withFingerprint(complaint, { allowedSources: ['wechat-bridge', 'weibo-bridge'] })).then(recordedFirst);
    const refusal = conflictOf(withFingerprint(complaint, { allowedSources: ['web-chat'] }));
    expect(refusal.code).toBe('FORBIDDEN');
    expect(refusal.details).toEqual({ field: 'sourceSystem', allowed: ['web-chat'] });
    expect(refusal.message).toBe('sourceSystem: this API key may post contacts only for web-chat, not for wechat-bridge');
    // Refused before the repeat is looked at: a bound key learns nothing of another source's contacts.
    expect(conflictOf(withFingerprint(complaint, { allowedSources: ['web-chat'] }), ...recordedFirst).code).toBe('FORBIDDEN');
  });
});

describe('AnswerAtFirstContact', () => {
  const answer = (text: string, actor: Actor = csAgent) => ({
    type: 'AnswerAtFirstContact' as const,
    data: { answer: text },
    metadata: metadata(actor),
  });

  it('given an open ticket classified for first contact, then CS answers it', () => {
    given(consultationRecorded, consultationClassified).when(answer('  Saturdays 09:00 to 17:00. ')).then([answered]);
  });

  it('given a blank answer, then it is refused naming answer', () => {
    given(consultationRecorded, consultationClassified).when(answer('   ')).thenThrows('VALIDATION_FAILED', 'answer');
  });

  it('given a ticket handed over to a department, then it cannot be answered at first contact', () => {
    given(consultationRecorded, consultationClassified, handedOverConsultation('cs_could_not_answer'))
      .when(answer('too late'))
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given an answered ticket, then a second answer is refused', () => {
    given(consultationRecorded, consultationClassified, answered).when(answer('again')).thenThrows('PRECONDITION_FAILED');
  });

  it('given no ticket, then it is not found', () => {
    given().when(answer('hello')).thenThrows('NOT_FOUND');
  });

  it.each(['system', 'department_handler', 'qa', 'auditor'] as const)('given the %s role, then it is forbidden', (role) => {
    given(consultationRecorded, consultationClassified).when(answer('hi', { id: 'x', role })).thenThrows('FORBIDDEN');
  });
});

describe('HandOverTicket', () => {
  const handOver = (data: IntakeCommand['data'], actor: Actor = csAgent) =>
    ({ type: 'HandOverTicket', data, metadata: metadata(actor) }) as IntakeCommand;

  it('given an open ticket CS cannot answer after all, then CS hands it over with a note', () => {
    given(consultationRecorded, consultationClassified)
      .when(handOver({ reason: 'cs_could_not_answer', note: ' needs the branch manager ' }))
      .then([handedOverConsultation('cs_could_not_answer', 'needs the branch manager')]);
  });

  it('given an answered ticket the customer objected to, then it is handed over with the objection', () => {
    given(consultationRecorded, consultationClassified, answered)
      .when(handOver({ reason: 'customer_objected', note: 'The branch was closed on Saturday.' }, upstream))
      .then([handedOverConsultation('customer_objected', 'The branch was closed on Saturday.')]);
  });

  it('given a ticket handed over already, then a redelivered objection changes nothing', () => {
    given(consultationRecorded, consultationClassified, answered, handedOverConsultation('customer_objected', 'x'))
      .when(handOver({ reason: 'customer_objected', note: 'x' }, upstream))
      .then([]);
  });

  it('given an objection without its text, then it is refused naming note', () => {
    given(consultationRecorded, consultationClassified, answered)
      .when(handOver({ reason: 'customer_objected', note: ' ' }, upstream))
      .thenThrows('VALIDATION_FAILED', 'note');
  });

  it('given an answered ticket, then CS cannot hand it over without an objection', () => {
    given(consultationRecorded, consultationClassified, answered)
      .when(handOver({ reason: 'cs_could_not_answer' }))
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given an open ticket, then an objection cannot arrive before an answer', () => {
    given(consultationRecorded, consultationClassified)
      .when(handOver({ reason: 'customer_objected', note: 'x' }, upstream))
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given no ticket, then it is not found', () => {
    given().when(handOver({ reason: 'cs_could_not_answer' })).thenThrows('NOT_FOUND');
  });

  it('given the system role, then only an objection may be handed over by it', () => {
    given(consultationRecorded, consultationClassified)
      .when(handOver({ reason: 'cs_could_not_answer' }, upstream))
      .thenThrows('FORBIDDEN');
  });
});
