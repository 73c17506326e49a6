import { schemaVersionOf, type Actor, type Deadlines, type HandoffEvent, type RecordedEvent } from '@handoff/contracts';
import { sealedCustomer } from '@handoff/testing';

/**
 * A hand-computed week of service (test fixture, shared by the unit tests and the integration
 * test): seven tickets across intake, routing and follow-up, whose every figure is worked out by
 * hand in kpis.spec.ts. Times are Beijing wall-clock (+08:00). Routing recorded its deadlines
 * under policy `p-then` (first response 30 min, resolution 240 min, clock time).
 *
 * - T1 consultation, web chat, Mon 09:00: agent-a answers at first contact (+10); satisfied (+20).
 * - T2 complaint, hotline, Mon 10:00, billing: h-ana's first response late (+45, breach at +31),
 *   result +150, agent-b records an objection (+160); round 2 result +180, satisfied (+190).
 * - T3 suggestion, e-mail, Mon 16:30, product: h-bo's result +25; agent-a cannot reach the
 *   customer three times; closed unconfirmed (+300).
 * - T4 consultation, web chat, Tue 09:15: agent-a cannot answer and hands over (+5) to product;
 *   h-bo assigned (+10); nothing since; first-response breach at +36.
 * - T5 complaint, WeChat, Tue 15:00, logistics: h-lou progress +10, result +60 (a v1 result, from before
 *   complaint causes were asked: unclassified); agent-c: satisfied (+70).
 * - T6 complaint, hotline, next Mon (10 March) 09:30, billing: untouched, first-response breach at +31;
 *   the customer's details erased on request (+40).
 * - T7 consultation, hotline, Fri 28 February 12:00: before the reporting window.
 */

export const TICKET_KEYS = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'] as const;
export type TicketKey = (typeof TICKET_KEYS)[number];
export type Service = 'intake' | 'routing' | 'followup';

export interface Step {
  readonly service: Service;
  /** Intake's privacy events go to `intake-privacy-<ticketId>`. */
  readonly privacy?: boolean;
  readonly ticket: TicketKey;
  readonly at: string;
  readonly actor: Actor;
  readonly event: HandoffEvent;
  /** The schema version it was written at, when older than today's. */
  readonly version?: number;
}

/** Beijing wall-clock time → ISO instant. */
export const beijing = (local: string): string => new Date(`${local}:00+08:00`).toISOString();
const plus = (start: string, minutes: number): string => new Date(Date.parse(start) + minutes * 60_000).toISOString();

export const REPORT_WINDOW = { from: '2025-03-01T00:00:00+08:00', to: '2025-04-01T00:00:00+08:00' } as const;
/** When the "now" figures are computed: after every deadline of the fixture has passed. */
export const AS_OF = new Date('2025-03-20T00:00:00Z');

const gateway: Actor = { id: 'pbx', role: 'system' };
const intake: Actor = { id: 'system:intake', role: 'system' };
const routing: Actor = { id: 'system:routing', role: 'system' };
const followup: Actor = { id: 'system:followup', role: 'system' };
const agent = (id: string): Actor => ({ id, role: 'cs' });
const handler = (id: string, department: string): Actor => ({ id, role: 'department_handler', department });
const director: Actor = { id: 'director-1', role: 'management' };

export function marchHistory(): Step[] {
  const steps: Step[] = [];
  const add = (ticket: TicketKey, service: Service, at: string, actor: Actor, event: HandoffEvent, privacy = false, version?: number) =>
    steps.push({ service, ticket, at, actor, event, ...(privacy ? { privacy } : {}), ...(version ? { version } : {}) });
  const deadlines = (from: string): Deadlines => ({ from, firstResponseDueAt: plus(from, 30), resolutionDueAt: plus(from, 240), policyVersion: 'p-then' });
  const customer = (key: TicketKey) => sealedCustomer({ name: `Customer ${key}`, phone: `+86 139 0000 00${key.slice(1).padStart(2, '0')}` });

  const contact = (
    key: TicketKey,
    opened: string,
    data: { channel: 'web_chat' | 'hotline' | 'email' | 'social_media'; type: 'consultation' | 'complaint' | 'suggestion'; category: string; priority: 'low' | 'normal' | 'high'; rule: string; firstContact: boolean },
  ) => {
    const platform = data.channel === 'social_media' ? { platform: 'wechat' } : {};
    add(key, 'intake', opened, gateway, {
      type: 'ContactRecorded',
      data: { sourceSystem: 'pbx', externalId: `march-${key}`, channel: data.channel, ...platform, type: data.type, customer: customer(key), subject: `About ${key}`, description: `The customer's question ${key}.` },
    });
    add(key, 'intake', opened, intake, {
      type: 'TicketClassified',
      data: {
        category: data.category,
        priority: data.priority,
        resolution: data.firstContact ? 'first_contact' : 'department',
        matched: { category: data.rule, priority: 'default_priority', resolution: data.firstContact ? 'simple_request_at_first_contact' : 'needs_a_department' },
        rulesVersion: 'rules-1',
      },
    });
    return platform;
  };
  const handOver = (key: TicketKey, at: string, actor: Actor, data: { channel: 'web_chat' | 'hotline' | 'email' | 'social_media'; type: 'consultation' | 'complaint' | 'suggestion'; category: string; priority: 'low' | 'normal' | 'high' }, reason: 'classified_for_department' | 'cs_could_not_answer') =>
    add(key, 'intake', at, actor, {
      type: 'TicketHandedOver',
      data: {
        channel: data.channel,
        ...(data.channel === 'social_media' ? { platform: 'wechat' } : {}),
        type: data.type,
        category: data.category,
        priority: data.priority,
        customer: customer(key),
        subject: `About ${key}`,
        description: `The customer's question ${key}.`,
        complaint: data.type === 'complaint',
        reason,
      },
    });
  const route = (key: TicketKey, at: string, from: string, department: string, data: { channel: 'web_chat' | 'hotline' | 'email' | 'social_media'; type: 'consultation' | 'complaint' | 'suggestion'; category: string; priority: 'low' | 'normal' | 'high' }) =>
    add(key, 'routing', at, routing, {
      type: 'TicketRouted',
      data: {
        department,
        rule: data.category,
        reason: `category ${data.category}`,
        round: 1,
        type: data.type,
        category: data.category,
        priority: data.priority,
        channel: data.channel,
        ...(data.channel === 'social_media' ? { platform: 'wechat' } : {}),
        complaint: data.type === 'complaint',
        deadlines: deadlines(from),
      },
    });
  /** A complaint's result names its cause; without one it is a v1 result, written before causes were asked. */
  const result = (key: TicketKey, at: string, who: Actor, round: number, complaint: boolean, cause?: string) =>
    add(key, 'routing', at, who, {
      type: 'ResultReported',
      data: {
        round,
        department: who.department!,
        handlerId: who.id,
        summary: `Result ${round} for ${key}`,
        complaint,
        ...(complaint ? { apology: 'We are sorry.', correctiveAction: 'Checked daily from now on.' } : {}),
        ...(cause ? { cause } : {}),
      },
    }, false, complaint && !cause ? 1 : undefined);
  const confirmation = (key: TicketKey, at: string, round: number, department?: string) =>
    add(key, 'followup', at, followup, {
      type: 'ConfirmationRequested',
      data: { round, resolvedBy: round === 0 ? 'first_contact' : 'department', ...(department ? { department } : {}), resultSummary: `Result ${round} for ${key}` },
    });
  const satisfied = (key: TicketKey, at: string, who: Actor, round: number) => {
    add(key, 'followup', at, who, { type: 'CustomerConfirmedSatisfaction', data: { round } });
    add(key, 'followup', at, who, { type: 'TicketClosed', data: { outcome: 'satisfied', round } });
  };

  // T1
  const t1 = beijing('2025-03-03T09:00');
  const t1Data = { channel: 'web_chat', type: 'consultation', category: 'general', priority: 'normal' } as const;
  contact('T1', t1, { ...t1Data, rule: 'general_questions', firstContact: true });
  add('T1', 'intake', plus(t1, 10), agent('agent-a'), { type: 'AnsweredAtFirstContact', data: { answer: 'We open at nine.' } });
  confirmation('T1', plus(t1, 10), 0);
  satisfied('T1', plus(t1, 20), agent('agent-a'), 0);

  // T2
  const t2 = beijing('2025-03-03T10:00');
  const t2Data = { channel: 'hotline', type: 'complaint', category: 'billing', priority: 'high' } as const;
  const ana = handler('h-ana', 'billing');
  contact('T2', t2, { ...t2Data, rule: 'billing_keywords', firstContact: false });
  handOver('T2', t2, intake, t2Data, 'classified_for_department');
  route('T2', plus(t2, 1), t2, 'billing', t2Data);
  add('T2', 'routing', plus(t2, 1), routing, { type: 'ManagementInvolved', data: { reason: 'complaint' } });
  add('T2', 'routing', plus(t2, 5), ana, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } });
  add('T2', 'routing', plus(t2, 31), routing, { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: plus(t2, 30) } });
  add('T2', 'routing', plus(t2, 45), ana, { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Asking the bank.', firstResponse: true } });
  result('T2', plus(t2, 150), ana, 1, true, 'billing_error');
  confirmation('T2', plus(t2, 150), 1, 'billing');
  add('T2', 'followup', plus(t2, 160), agent('agent-b'), { type: 'CustomerObjected', data: { round: 1, resolvedBy: 'department', department: 'billing', objection: 'Still charged twice.' } });
  add('T2', 'routing', plus(t2, 160), routing, {
    type: 'TicketReopened',
    data: { round: 2, department: 'billing', handlerId: 'h-ana', objection: 'Still charged twice.', deadlines: deadlines(plus(t2, 160)) },
  });
  result('T2', plus(t2, 180), ana, 2, true, 'billing_error');
  confirmation('T2', plus(t2, 180), 2, 'billing');
  satisfied('T2', plus(t2, 190), agent('agent-b'), 2);

  // T3
  const t3 = beijing('2025-03-03T16:30');
  const t3Data = { channel: 'email', type: 'suggestion', category: 'product', priority: 'low' } as const;
  const bo = handler('h-bo', 'product');
  contact('T3', t3, { ...t3Data, rule: 'product_ideas', firstContact: false });
  handOver('T3', t3, intake, t3Data, 'classified_for_department');
  route('T3', plus(t3, 2), t3, 'product', t3Data);
  add('T3', 'routing', plus(t3, 3), bo, { type: 'HandlerAssigned', data: { department: 'product', handlerId: 'h-bo', method: 'claim', reason: 'claimed' } });
  result('T3', plus(t3, 25), bo, 1, false);
  confirmation('T3', plus(t3, 25), 1, 'product');
  for (const attempt of [1, 2, 3]) {
    add('T3', 'followup', plus(t3, 60 * attempt), agent('agent-a'), { type: 'ContactAttemptFailed', data: { round: 1, attempt } });
  }
  add('T3', 'followup', plus(t3, 300), followup, { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } });

  // T4
  const t4 = beijing('2025-03-04T09:15');
  const t4Data = { channel: 'web_chat', type: 'consultation', category: 'product', priority: 'normal' } as const;
  contact('T4', t4, { ...t4Data, rule: 'product_questions', firstContact: true });
  handOver('T4', plus(t4, 5), agent('agent-a'), t4Data, 'cs_could_not_answer');
  route('T4', plus(t4, 6), plus(t4, 5), 'product', t4Data);
  add('T4', 'routing', plus(t4, 10), { id: 'm-guo', role: 'department_manager', department: 'product' }, { type: 'HandlerAssigned', data: { department: 'product', handlerId: 'h-bo', method: 'manager', reason: 'on duty' } });
  add('T4', 'routing', plus(t4, 36), routing, { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'product', dueAt: plus(t4, 35) } });

  // T5
  const t5 = beijing('2025-03-04T15:00');
  const t5Data = { channel: 'social_media', type: 'complaint', category: 'logistics', priority: 'high' } as const;
  const lou = handler('h-lou', 'logistics');
  contact('T5', t5, { ...t5Data, rule: 'delivery_keywords', firstContact: false });
  handOver('T5', t5, intake, t5Data, 'classified_for_department');
  route('T5', plus(t5, 1), t5, 'logistics', t5Data);
  add('T5', 'routing', plus(t5, 1), routing, { type: 'ManagementInvolved', data: { reason: 'complaint' } });
  add('T5', 'routing', plus(t5, 2), lou, { type: 'HandlerAssigned', data: { department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'claimed' } });
  add('T5', 'routing', plus(t5, 10), lou, { type: 'ProgressReported', data: { round: 1, department: 'logistics', note: 'Tracing the parcel.', firstResponse: true } });
  result('T5', plus(t5, 60), lou, 1, true);
  confirmation('T5', plus(t5, 60), 1, 'logistics');
  satisfied('T5', plus(t5, 70), agent('agent-c'), 1);

  // T6
  const t6 = beijing('2025-03-10T09:30');
  const t6Data = { channel: 'hotline', type: 'complaint', category: 'billing', priority: 'high' } as const;
  contact('T6', t6, { ...t6Data, rule: 'billing_keywords', firstContact: false });
  handOver('T6', t6, intake, t6Data, 'classified_for_department');
  route('T6', plus(t6, 1), t6, 'billing', t6Data);
  add('T6', 'routing', plus(t6, 1), routing, { type: 'ManagementInvolved', data: { reason: 'complaint' } });
  add('T6', 'routing', plus(t6, 31), routing, { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: plus(t6, 30) } });
  add('T6', 'intake', plus(t6, 40), director, { type: 'CustomerDataErased', data: { keyId: customer('T6').keyId, reason: 'the customer asked to be forgotten' } }, true);

  // T7
  const t7 = beijing('2025-02-28T12:00');
  contact('T7', t7, { channel: 'hotline', type: 'consultation', category: 'general', priority: 'normal', rule: 'general_questions', firstContact: true });

  return steps;
}

/** The steps as recorded events, with plausible envelopes (for pure tests; the integration test appends them to real stores). */
export function recordedMarchHistory(ids: Readonly<Record<TicketKey, string>>): RecordedEvent[] {
  const positions = new Map<string, number>();
  return marchHistory().map((step, index) => {
    const ticketId = ids[step.ticket];
    const streamId = step.privacy ? `${step.service}-privacy-${ticketId}` : `${step.service}-ticket-${ticketId}`;
    const streamPosition = positions.get(streamId) ?? 0;
    positions.set(streamId, streamPosition + 1);
    return {
      eventId: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      type: step.event.type,
      schemaVersion: step.version ?? schemaVersionOf(step.event.type),
      streamId,
      streamPosition,
      globalPosition: String(index + 1),
      ticketId,
      data: step.event.data,
      metadata: {
        correlationId: `corr-${step.ticket}`,
        causationId: `cause-${index}`,
        actorId: step.actor.id,
        role: step.actor.role,
        ...(step.actor.department ? { department: step.actor.department } : {}),
        occurredAt: step.at,
        recordedAt: step.at,
      },
      contentHash: '0'.repeat(64),
      previousHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
  });
}

export const FIXED_IDS: Readonly<Record<TicketKey, string>> = {
  T1: '10000000-0000-4000-8000-000000000001',
  T2: '10000000-0000-4000-8000-000000000002',
  T3: '10000000-0000-4000-8000-000000000003',
  T4: '10000000-0000-4000-8000-000000000004',
  T5: '10000000-0000-4000-8000-000000000005',
  T6: '10000000-0000-4000-8000-000000000006',
  T7: '10000000-0000-4000-8000-000000000007',
};
