import type { HandoffEvent, RecordedEvent } from '@handoff/contracts';
import { sealedCustomer } from '@handoff/testing';
import { emptySearchEntry, evolveSearchEntry } from './search.model';

const ticketId = '6f1c2a9e-1b7d-4c1e-9a51-3f0e2d8c7b10';
let sequence = 0;
const recorded = (streamId: string, streamPosition: number, event: HandoffEvent, occurredAt = '2026-11-02T01:00:00.000Z'): RecordedEvent => ({
  eventId: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
  type: event.type,
  schemaVersion: 1,
  streamId,
  streamPosition,
  globalPosition: String(sequence),
  ticketId,
  data: event.data,
  metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', role: 'system', occurredAt, recordedAt: occurredAt },
  contentHash: 'x',
  previousHash: 'x',
  hash: 'x',
});

const customer = sealedCustomer({ name: '王芳', phone: '+86 138 0013 5678' });
const history: RecordedEvent[] = [
  recorded(`intake-ticket-${ticketId}`, 0, {
    type: 'ContactRecorded',
    data: { sourceSystem: 'crm', externalId: 'e-1', channel: 'hotline', type: 'complaint', customer, subject: '快递没到', description: '我的快递三天没到' },
  }),
  recorded(`intake-ticket-${ticketId}`, 1, {
    type: 'TicketClassified',
    data: { category: 'logistics', priority: 'high', resolution: 'department', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'v1' },
  }),
  recorded(`routing-ticket-${ticketId}`, 0, {
    type: 'TicketRouted',
    data: {
      department: 'billing',
      rule: 'r',
      reason: 'r',
      round: 1,
      type: 'complaint',
      category: 'logistics',
      priority: 'high',
      channel: 'hotline',
      complaint: true,
      deadlines: { from: '2026-11-02T01:00:00.000Z', firstResponseDueAt: '2026-11-02T01:30:00.000Z', resolutionDueAt: '2026-11-03T01:00:00.000Z', policyVersion: 'v' },
    },
  }),
  recorded(`routing-ticket-${ticketId}`, 1, { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'parcel' } }),
  recorded(`followup-ticket-${ticketId}`, 0, { type: 'CustomerObjected', data: { round: 1, resolvedBy: 'department', department: 'billing', objection: 'still missing' } }),
  recorded(`followup-ticket-${ticketId}`, 1, { type: 'CustomerConfirmedSatisfaction', data: { round: 2 } }),
  recorded(`followup-ticket-${ticketId}`, 2, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 2 } }),
  recorded(`evaluation-conversation-${ticketId}`, 0, { type: 'NoteAdded', data: { noteId: '7d0f5b1e-8c2a-4f3e-9b6d-1a2b3c4d5e6f', text: 'Courier called back', mentions: { people: [], departments: [] } } }),
];
const fold = (events: readonly RecordedEvent[]) => events.reduce(evolveSearchEntry, emptySearchEntry(ticketId));

describe('a ticket’s search row', () => {
  it('holds what search filters, finds and shows, and no contact detail in clear', () => {
    const row = fold(history);
    expect(row).toMatchObject({
      shortId: ticketId.slice(0, 8),
      subject: '快递没到',
      type: 'complaint',
      channel: 'hotline',
      priority: 'high',
      heldDepartments: ['billing'],
      concernedDepartments: ['billing', 'logistics'],
      status: 'closed',
      outcome: 'satisfied',
      satisfaction: 'satisfied',
      customerKeyId: customer.keyId,
      customerErased: false,
    });
    expect(row.tokens).toEqual(expect.arrayContaining(['快递', 'courier', 'called']));
    expect(JSON.stringify(row)).not.toMatch(/王芳|5678/);
  });

  it('is the same whatever order the four topics deliver in, and when an event comes twice', () => {
    const inOrder = fold(history);
    const byTopic = (prefix: string) => history.filter((event) => event.streamId.startsWith(prefix));
    const reversedTopics = fold([...byTopic('evaluation-'), ...byTopic('followup-'), ...byTopic('routing-'), ...byTopic('intake-')]);
    expect(reversedTopics).toEqual(inOrder);
    expect(fold([...history, history[4]])).toEqual(inOrder);
  });
});
