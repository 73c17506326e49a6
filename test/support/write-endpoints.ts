import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { contact } from './contacts';
import { eventually, SERVICE_NAMES, type ServiceName, type TestSystem } from './system';

// Every write endpoint the services publish, with a caller it admits and a body it would accept:
// the fuzz and the unstorable-text tests break those bodies.

export type Caller = 'upstream' | 'cs' | 'manager' | 'management' | 'qa';

/** Per write endpoint: who may call it and a body it would accept, which every case breaks. */
export const WRITES: Record<
  string,
  {
    caller: Caller;
    validBody: (ticketId: string) => Record<string, unknown>;
    required: string[];
    /** Path parameters other than the ticket's that must name something real for the body to be judged at all (a policy's kind); others get OTHER_ID. */
    params?: Record<string, string>;
  }
> = {
  'intake POST /v1/contacts': {
    caller: 'upstream',
    validBody: () => contact({ externalId: 'fuzz-contact', customer: { name: 'Fuzz Customer', email: 'fuzz@example.org' } }),
    required: ['sourceSystem', 'externalId', 'channel', 'type', 'customer', 'subject', 'description'],
  },
  'intake POST /v1/tickets/{ticketId}/first-contact-answer': { caller: 'cs', validBody: () => ({ answer: 'We open at nine.' }), required: ['answer'] },
  'intake POST /v1/tickets/{ticketId}/hand-over': { caller: 'cs', validBody: () => ({ note: 'needs the product team' }), required: [] },
  'intake POST /v1/customers/erasure': {
    caller: 'management',
    validBody: (ticketId) => ({ ticketId, reason: 'the customer asked under the privacy rule' }),
    required: ['ticketId', 'reason'],
  },
  'intake POST /v1/tickets/{ticketId}/access-requests': { caller: 'qa', validBody: () => ({ purpose: 'the quarterly complaint audit' }), required: ['purpose'] },
  'intake POST /v1/tickets/{ticketId}/access-requests/{requestId}/approve': { caller: 'management', validBody: () => ({}), required: [] },
  'intake POST /v1/tickets/{ticketId}/access-requests/{requestId}/refuse': { caller: 'management', validBody: () => ({ reason: 'no audit is open' }), required: ['reason'] },
  'intake POST /v1/webhooks/subscriptions': {
    caller: 'management',
    validBody: () => ({ sourceSystem: 'fuzz-crm', url: 'https://crm.example.com/hooks/handoff', eventTypes: ['ResultReported', 'TicketClosed'], description: 'CRM case updates', reason: 'the CRM tells customers' }),
    required: ['sourceSystem', 'url', 'eventTypes', 'reason'],
  },
  // The fuzz and the text checks send each write with its own method: a DELETE with a body too.
  'intake DELETE /v1/webhooks/subscriptions/{subscriptionId}': { caller: 'management', validBody: () => ({ reason: 'the CRM is replaced' }), required: ['reason'] },
  'intake POST /v1/webhooks/subscriptions/{subscriptionId}/rotate-secret': { caller: 'management', validBody: () => ({ reason: 'the secret leaked' }), required: ['reason'] },
  'intake POST /v1/webhooks/subscriptions/{subscriptionId}/redrive': { caller: 'management', validBody: () => ({ reason: 'the CRM is back' }), required: [] },
  'intake POST /v1/webhooks/deliveries/{deliveryId}/redrive': { caller: 'management', validBody: () => ({ reason: 'the CRM is back' }), required: [] },
  'routing POST /v1/tickets/{ticketId}/claim': { caller: 'manager', validBody: () => ({}), required: [] },
  'routing POST /v1/tickets/{ticketId}/assign': { caller: 'manager', validBody: () => ({ handlerId: 'product-guo', reason: 'on duty' }), required: ['handlerId'] },
  'routing POST /v1/tickets/{ticketId}/progress': { caller: 'manager', validBody: () => ({ note: 'looking into it' }), required: ['note'] },
  'routing POST /v1/tickets/{ticketId}/result': {
    caller: 'manager',
    validBody: () => ({ summary: 'exported', apology: 'sorry for the wait', correctiveAction: 'a test for exports' }),
    required: ['summary'],
  },
  'routing POST /v1/tickets/{ticketId}/transfer': { caller: 'manager', validBody: () => ({ toDepartment: 'billing', reason: 'a billing matter' }), required: ['toDepartment', 'reason'] },
  'routing POST /v1/tickets/{ticketId}/transfer/accept': { caller: 'manager', validBody: () => ({}), required: [] },
  'routing POST /v1/tickets/{ticketId}/transfer/refuse': { caller: 'manager', validBody: () => ({ reason: 'not ours' }), required: ['reason'] },
  'routing POST /v1/tickets/{ticketId}/take-over': { caller: 'management', validBody: () => ({ reason: 'the customer called the director' }), required: ['reason'] },
  'routing POST /v1/tickets/{ticketId}/update-requests': { caller: 'management', validBody: () => ({ message: 'Where does this stand?' }), required: ['message'] },
  'routing POST /v1/departments/{department}/handlers/{handlerId}/away': { caller: 'manager', validBody: () => ({ until: '2030-01-01T09:00:00.000Z' }), required: [] },
  'routing POST /v1/departments/{department}/handlers/{handlerId}/back': { caller: 'manager', validBody: () => ({}), required: [] },
  'routing POST /v1/tickets/{ticketId}/pause': { caller: 'manager', validBody: () => ({ reason: 'waiting_on_customer', note: 'the bank statement' }), required: ['reason'] },
  'routing POST /v1/tickets/{ticketId}/resume': { caller: 'manager', validBody: () => ({}), required: [] },
  'routing POST /v1/tickets/{ticketId}/customer-answer': { caller: 'cs', validBody: () => ({ answer: 'the statement is attached to the e-mail' }), required: ['answer'] },
  'routing POST /v1/tickets/{ticketId}/priority': { caller: 'manager', validBody: () => ({ priority: 'high', reason: 'a hospital waits on it' }), required: ['priority', 'reason'] },
  'routing POST /v1/tickets/{ticketId}/sub-requests': { caller: 'cs', validBody: () => ({ department: 'logistics', reason: 'Where is the parcel?' }), required: ['department', 'reason'] },
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/claim': { caller: 'manager', validBody: () => ({}), required: [] },
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/assign': { caller: 'manager', validBody: () => ({ handlerId: 'product-guo', reason: 'on duty' }), required: ['handlerId'] },
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/progress': { caller: 'manager', validBody: () => ({ note: 'asking the carrier' }), required: ['note'] },
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/answer': { caller: 'manager', validBody: () => ({ summary: 'the parcel was re-sent' }), required: ['summary'] },
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/close': { caller: 'management', validBody: () => ({ reason: 'the carrier confirmed by phone' }), required: ['reason'] },
  'routing POST /v1/deadlines/check': { caller: 'management', validBody: () => ({}), required: [] },
  'intake PUT /v1/policies/{kind}': {
    caller: 'management',
    params: { kind: 'classification' },
    validBody: () => ({ expectedVersion: 0, reason: 'a new category', document: {
        version: 'fuzz-classification',
        categoryRules: [],
        defaultCategory: 'general',
        priorityRules: [],
        defaultPriority: 'normal',
        firstContact: { types: [], categories: [], maxPriority: 'low' },
      },
    }),
    required: ['expectedVersion', 'reason', 'document'],
  },
  // A policy's document is judged by its kind's validator, so the kind is a real one; the cases never send a valid body.
  'routing PUT /v1/policies/{kind}': {
    caller: 'management',
    params: { kind: 'deadlines' },
    validBody: () => ({
      expectedVersion: 0,
      reason: 'the new service standard',
      document: { version: 'fuzz-2', firstResponseMinutes: { default: 30 }, resolutionMinutes: { default: 240 }, countIn: 'clock' },
    }),
    required: ['expectedVersion', 'reason', 'document'],
  },
  'followup POST /v1/tickets/{ticketId}/confirmation': { caller: 'cs', validBody: () => ({ satisfied: false, objection: 'the totals are missing' }), required: ['satisfied', 'objection'] },
  'followup POST /v1/tickets/{ticketId}/contact-attempts': { caller: 'cs', validBody: () => ({ note: 'no answer' }), required: [] },
  'evaluation PUT /v1/policies/{kind}': {
    caller: 'management',
    params: { kind: 'kpi-targets' },
    validBody: () => ({
      expectedVersion: 0,
      reason: 'next year’s plan',
      document: { versions: [{ version: 'fuzz-targets', effectiveFrom: '2099-01-01T00:00:00.000Z', targets: { satisfactionRate: { min: 0.9 } } }] },
    }),
    required: ['expectedVersion', 'reason', 'document'],
  },
  'evaluation POST /v1/qa/samples': { caller: 'qa', validBody: () => ({ team: 'cs', period: '2025-W10', seed: 42 }), required: ['team', 'period'] },
  'evaluation POST /v1/qa/inspections/{ticketId}': {
    caller: 'qa',
    validBody: () => ({ sampleId: OTHER_ID, scores: { wording: 5, opening: 4, accuracy: 5, timeliness: 4, completeness: 5 }, note: 'clear and polite' }),
    required: ['sampleId', 'scores'],
  },
  'evaluation POST /v1/qa/corrective-actions/{actionId}/complete': { caller: 'qa', validBody: () => ({ note: 'retrained on the opening script' }), required: ['note'] },
  'evaluation POST /v1/qa/corrective-actions/{actionId}/verify': { caller: 'qa', validBody: () => ({ effective: false, note: 'the greeting is still missing' }), required: ['effective'] },
  'evaluation POST /v1/tickets/{ticketId}/watch': { caller: 'cs', validBody: () => ({}), required: [] },
  // Stopping takes no body: every body sent is refused.
  'evaluation DELETE /v1/tickets/{ticketId}/watch': { caller: 'cs', validBody: () => ({}), required: [] },
  'evaluation POST /v1/tickets/{ticketId}/notes': { caller: 'cs', validBody: () => ({ text: 'called the customer back', mentions: { people: ['agent-2'], departments: [] } }), required: ['text'] },
  // The body is a file, not JSON, and its name comes in the query: every JSON body here is refused (400, 413 or 415).
  'evaluation POST /v1/tickets/{ticketId}/attachments': { caller: 'cs', validBody: () => ({}), required: [] },
  'evaluation POST /v1/notifications/seen': { caller: 'cs', validBody: () => ({ upTo: '2025-03-10T02:00:00.000Z' }), required: ['upTo'] },
  'evaluation POST /v1/customers/open-tickets': { caller: 'cs', validBody: () => ({ phone: '+86 138 0013 8000' }), required: ['phone'] },
  'evaluation POST /v1/customers/export': {
    caller: 'management',
    validBody: (ticketId) => ({ ticketId, reason: 'access request under the privacy rule' }),
    required: ['reason', 'ticketId'],
  },
  'evaluation POST /v1/retention/run': { caller: 'management', validBody: () => ({}), required: [] },
  'evaluation POST /v1/assessments/self': { caller: 'cs', validBody: () => ({ period: '2025-03', score: 80, comment: 'a good month' }), required: ['period', 'score'] },
  'evaluation POST /v1/assessments/supervisor': {
    caller: 'manager',
    validBody: () => ({ personId: 'product-guo', team: 'product', period: '2025-03', score: 85, comment: 'reliable' }),
    required: ['personId', 'team', 'period', 'score'],
  },
};

/** Any other path parameter (a sample, a corrective action): well-formed, so only the body can be what is refused. */
export const OTHER_ID = '3f0e9a36-5c1d-4b7e-9a42-0c6d2b1e8f70';

/** A write's route: the ticket given, its own `params`, and OTHER_ID for any other path parameter. */
export const routeOf = (key: string, path: string, ticketId: string): string =>
  path.replace('{ticketId}', ticketId).replace(/\{(\w+)\}/g, (_, name: string) => WRITES[key]?.params?.[name] ?? OTHER_ID);

/** Each service's event count, once two reads half a second apart agree (reactions to setup have landed). */
export async function settledEventCounts(system: TestSystem): Promise<Record<ServiceName, number>> {
  let last = '';
  return eventually(async () => {
    const counts = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await eventCount(system, name)] as const))) as Record<ServiceName, number>;
    const now = JSON.stringify(counts);
    const settled = now === last;
    last = now;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 500));
    return settled ? counts : undefined;
  }, 'the event stores to settle');
}

async function eventCount(system: TestSystem, name: ServiceName): Promise<number> {
  const client = new Client({ connectionString: databaseUrl(testServerUrl(), system.databaseOf(name)) });
  await client.connect();
  try {
    return (await client.query<{ count: number }>('SELECT count(*)::int AS count FROM events')).rows[0].count;
  } finally {
    await client.end();
  }
}

/** Request headers for each kind of caller of the write endpoints. */
export function callerHeaders(system: TestSystem, upstreamKey: string): Record<Caller, Record<string, string>> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    upstream: { 'x-api-key': upstreamKey },
    cs: bearer(system.token('cs', 'agent-1')),
    manager: bearer(system.token('department_manager', 'product-manager-xu', 'product')),
    management: bearer(system.token('management', 'director-1')),
    qa: bearer(system.token('qa', 'inspector-1')),
  };
}
