import { randomUUID } from 'node:crypto';
import { contact } from '../support/contacts';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY, type ServiceName } from '../support/system';

/**
 * Who may call what: every endpoint every service publishes in its OpenAPI document, tried with
 * every kind of caller. The table below is the security design; an endpoint the services publish
 * without a row here fails the test, and so does a row for an endpoint that no longer exists.
 */

const CALLERS = ['none', 'upstream', 'cs', 'handler', 'handlerOther', 'manager', 'managerOther', 'management', 'qa', 'auditor'] as const;
type Caller = (typeof CALLERS)[number];

/** `ok`: let through (any answer but 401/403: a 400, 404, 409 or 412 is a business answer). */
type Outcome = 'ok' | '401' | '403';

// The ticket every row is tried on is product feedback, so it sits with the product department:
// `handler`/`manager` are product's staff, `handlerOther`/`managerOther` billing's.
const DEPARTMENT = 'product';
const OTHER_DEPARTMENT = 'billing';

const COLUMNS = 'none upstream cs handler handlerOther manager managerOther management qa auditor';
// prettier-ignore
const EXPECTED: Record<string, string> = {
  //                                                          none upstr cs   hdl  hdlX mgr  mgrX mgt  qa   aud
  'intake GET /health':                                       'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /health/live':                                 'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /health/ready':                                'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /metrics':                                     'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'intake POST /v1/contacts':                                 '401  ok    ok   403  403  403  403  403  403  403',
  'intake POST /v1/tickets/{ticketId}/first-contact-answer':  '401  403   ok   403  403  403  403  403  403  403',
  'intake POST /v1/tickets/{ticketId}/hand-over':             '401  403   ok   403  403  403  403  403  403  403',
  // The intake record is CS's working copy; QA and auditors read a ticket's history through evaluation.
  'intake GET /v1/tickets/{ticketId}':                        '401  403   ok   403  403  403  403  ok   403  403',
  // QA and auditors see contact details masked unless they give a reason, and every clear read is recorded.
  // Masked to everyone but CS, in clear to the others only while an access request of theirs is approved (a 403 says why otherwise).
  'intake GET /v1/tickets/{ticketId}/customer':               '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  // Anyone who works or inspects tickets may ask for access; a department manager or management decides (the decider: not their own).
  'intake POST /v1/tickets/{ticketId}/access-requests':       '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /v1/tickets/{ticketId}/access-requests':        '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /v1/access-requests/pending':                   '401  403   403  403  403  ok   ok   ok   403  403',
  'intake POST /v1/tickets/{ticketId}/access-requests/{requestId}/approve': '401 403 403 403 403 ok ok ok 403 403',
  'intake POST /v1/tickets/{ticketId}/access-requests/{requestId}/refuse':  '401 403 403 403 403 ok ok ok 403 403',
  'intake POST /v1/customers/erasure':                        '401  403   403  403  403  403  403  ok   403  403',
  // Outbound webhooks are management's to set up and to watch: not even the upstream system's own key reads them (its secret is in them).
  'intake POST /v1/webhooks/subscriptions':                   '401  403   403  403  403  403  403  ok   403  403',
  'intake GET /v1/webhooks/subscriptions':                    '401  403   403  403  403  403  403  ok   403  403',
  'intake GET /v1/webhooks/subscriptions/{subscriptionId}':   '401  403   403  403  403  403  403  ok   403  403',
  'intake DELETE /v1/webhooks/subscriptions/{subscriptionId}': '401  403   403  403  403  403  403  ok   403  403',
  'intake POST /v1/webhooks/subscriptions/{subscriptionId}/rotate-secret': '401  403   403  403  403  403  403  ok   403  403',
  'intake POST /v1/webhooks/subscriptions/{subscriptionId}/redrive': '401  403   403  403  403  403  403  ok   403  403',
  'intake GET /v1/webhooks/deliveries':                       '401  403   403  403  403  403  403  ok   403  403',
  'intake GET /v1/webhooks/deliveries/{deliveryId}':          '401  403   403  403  403  403  403  ok   403  403',
  'intake POST /v1/webhooks/deliveries/{deliveryId}/redrive': '401  403   403  403  403  403  403  ok   403  403',

  'routing GET /health':                                      'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'routing GET /health/live':                                'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'routing GET /health/ready':                               'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'routing GET /metrics':                                    'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  // The organisation's directory (departments, handler names and skills) holds no ticket: any person may read it.
  'routing GET /v1/departments':                              '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  // The complaint cause taxonomy (codes and labels) holds no ticket either.
  'routing GET /v1/complaint-causes':                         '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'routing GET /v1/departments/{department}/queue':           '401  403   ok   ok   403  ok   403  ok   ok   ok',
  'routing GET /v1/departments/{department}/queue/stream':    '401  403   ok   ok   403  ok   403  ok   ok   ok',
  // Who is at work and their load: the department's own staff and management. A handler says it of themself (a colleague is refused
  // by the decider, 403); the probe's end lies in the past, so those let through get a 400 and nobody is marked away.
  'routing GET /v1/departments/{department}/handlers':        '401  403   403  ok   403  ok   403  ok   403  403',
  'routing POST /v1/departments/{department}/handlers/{handlerId}/away': '401 403 403 ok 403 ok 403 ok 403 403',
  'routing POST /v1/departments/{department}/handlers/{handlerId}/back': '401 403 403 ok 403 ok 403 ok 403 403',
  'intake GET /v1/policies/{kind}':                           '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'intake GET /v1/policies/{kind}/history':                   '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'intake PUT /v1/policies/{kind}':                           '401  403   403  403  403  403  403  ok   403  403',
  // Policies: every person reads the rules they work by; management alone changes them (the probe's empty body: a 400, nothing written).
  'routing GET /v1/policies/{kind}':                          '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'routing GET /v1/policies/{kind}/history':                  '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'routing PUT /v1/policies/{kind}':                          '401  403   403  403  403  403  403  ok   403  403',
  'evaluation GET /v1/policies/{kind}':                       '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation GET /v1/policies/{kind}/history':               '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation PUT /v1/policies/{kind}':                       '401  403   403  403  403  403  403  ok   403  403',
  'routing GET /v1/tickets/{ticketId}':                       '401  403   ok   ok   403  ok   403  ok   ok   ok',
  'routing GET /v1/tickets/{ticketId}/customer':              '401  403   ok   ok   403  ok   403  ok   ok   ok',
  // Management names a handler (assign) rather than taking a ticket itself.
  'routing POST /v1/tickets/{ticketId}/claim':                '401  403   403  ok   403  ok   403  403  403  403',
  // A handler does not name another handler: that is its manager's (or management's) call.
  'routing POST /v1/tickets/{ticketId}/assign':               '401  403   403  403  403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/progress':             '401  403   403  ok   403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/result':               '401  403   403  ok   403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/transfer':             '401  403   403  ok   403  ok   403  ok   403  403',
  // With no transfer waiting, the ticket's own department hears so (412); another is refused as on any ticket not its own.
  'routing POST /v1/tickets/{ticketId}/transfer/accept':      '401  403   403  ok   403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/transfer/refuse':      '401  403   403  ok   403  ok   403  ok   403  403',
  // Management on a complaint in flight: only management takes a ticket over or asks a department for an update.
  'routing POST /v1/tickets/{ticketId}/take-over':            '401  403   403  403  403  403  403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/update-requests':      '401  403   403  403  403  403  403  ok   403  403',
  // The resolution clock is the responsible handler's (or their manager's, or management's) to pause and resume.
  'routing POST /v1/tickets/{ticketId}/pause':                '401  403   403  ok   403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/resume':               '401  403   403  ok   403  ok   403  ok   403  403',
  // The customer's answer: CS took the call, or the department itself; management too. Another department is refused.
  'routing POST /v1/tickets/{ticketId}/customer-answer':      '401  403   ok   ok   403  ok   403  ok   403  403',
  // A new priority re-targets the deadlines: the department's manager or management decides it, not a handler.
  'routing POST /v1/tickets/{ticketId}/priority':             '401  403   403  403  403  ok   403  ok   403  403',
  // Sub-requests: CS, the ticket's department or management ask another department (the probe asks the ticket's own: 400, nothing asked);
  // the department asked claims, works and answers its part (an unknown sub-request: 404 to the ticket's department, 403 to another);
  // only management closes one without its answer.
  'routing POST /v1/tickets/{ticketId}/sub-requests':         '401  403   ok   ok   403  ok   403  ok   403  403',
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/claim':    '401 403 403 ok  403 ok  403 403 403 403',
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/assign':   '401 403 403 403 403 ok  403 ok  403 403',
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/progress': '401 403 403 ok  403 ok  403 ok  403 403',
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/answer':   '401 403 403 ok  403 ok  403 ok  403 403',
  'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/close':    '401 403 403 403 403 403 403 ok  403 403',
  'routing POST /v1/deadlines/check':                         '401  403   403  403  403  403  403  ok   403  403',

  'followup GET /health':                                     'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'followup GET /health/live':                               'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'followup GET /health/ready':                              'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'followup GET /metrics':                                   'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  // CS's worklist: departments keep their own queues in routing.
  'followup GET /v1/followups':                               '401  403   ok   403  403  403  403  ok   ok   ok',
  'followup POST /v1/tickets/{ticketId}/confirmation':        '401  403   ok   403  403  403  403  403  403  403',
  'followup POST /v1/tickets/{ticketId}/contact-attempts':    '401  403   ok   403  403  403  403  403  403  403',
  'followup GET /v1/tickets/{ticketId}':                      '401  403   ok   403  403  403  403  ok   403  403',
  'followup GET /v1/tickets/{ticketId}/customer':             '401  403   ok   403  403  403  403  ok   ok   ok',

  'evaluation GET /health':                                   'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation GET /health/live':                             'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation GET /health/ready':                            'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation GET /metrics':                                 'ok   ok    ok   ok   ok   ok   ok   ok   ok   ok',
  // A department reads the history of the tickets it has held, and only those.
  'evaluation GET /v1/tickets/{ticketId}/timeline':           '401  403   ok   ok   403  ok   403  ok   ok   ok',
  // The conversation is read by whoever reads the timeline; notes are written by those who work the ticket, not by QA or auditors.
  'evaluation GET /v1/tickets/{ticketId}/conversation':       '401  403   ok   ok   403  ok   403  ok   ok   ok',
  'evaluation POST /v1/tickets/{ticketId}/notes':             '401  403   ok   ok   403  ok   403  ok   403  403',
  // Watching is reading as it happens: whoever may read the conversation, QA and auditors too.
  'evaluation POST /v1/tickets/{ticketId}/watch':             '401  403   ok   ok   403  ok   403  ok   ok   ok',
  'evaluation DELETE /v1/tickets/{ticketId}/watch':           '401  403   ok   ok   403  ok   403  ok   ok   ok',
  // Files: attached by those who may write a note, read by those who may read the conversation.
  'evaluation POST /v1/tickets/{ticketId}/attachments':       '401  403   ok   ok   403  ok   403  ok   403  403',
  'evaluation GET /v1/tickets/{ticketId}/attachments/{contentHash}': '401 403 ok ok 403 ok 403 ok ok ok',
  // Each person reads their own notifications.
  'evaluation GET /v1/notifications':                         '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation POST /v1/notifications/seen':                   '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  // Lists every ticket's figures across departments: supervision only.
  'evaluation GET /v1/tickets':                               '401  403   403  403  403  403  403  ok   ok   ok',
  // The audit trail (every event with its envelope and hashes) is for supervision, not for the people working the ticket.
  'evaluation GET /v1/tickets/{ticketId}/history':            '401  403   403  403  403  403  403  ok   ok   ok',
  'evaluation GET /v1/tickets/{ticketId}/handoffs':           '401  403   403  403  403  403  403  ok   ok   ok',
  // Verifying the hash chains is the auditors' (and management's) tool; QA scores service, it does not check integrity.
  'evaluation GET /v1/tickets/{ticketId}/verify':             '401  403   403  403  403  403  403  ok   403  ok',
  // The service standards: management and QA read every department's figures, a department manager their own department's.
  'evaluation GET /v1/kpis':                                  '401  403   403  403  403  ok   ok   ok   ok   403',
  'evaluation GET /v1/kpis/complaints':                       '401  403   403  403  403  ok   ok   ok   ok   403',
  // Drawing samples and scoring records is QA's work; managers read their own team's samples and follow up its corrective actions.
  'evaluation POST /v1/qa/samples':                           '401  403   403  403  403  403  403  403  ok   403',
  'evaluation GET /v1/qa/samples':                            '401  403   403  403  403  ok   ok   ok   ok   403',
  'evaluation GET /v1/qa/rubric':                             '401  403   403  403  403  ok   ok   ok   ok   403',
  'evaluation GET /v1/qa/samples/{sampleId}':                 '401  403   403  403  403  ok   ok   ok   ok   403',
  'evaluation POST /v1/qa/inspections/{ticketId}':            '401  403   403  403  403  403  403  403  ok   403',
  'evaluation GET /v1/qa/corrective-actions':                 '401  403   403  403  403  ok   ok   ok   ok   403',
  // The person an action is addressed to marks it done (an unknown action is a 404 to anyone let through); QA verifies it.
  'evaluation POST /v1/qa/corrective-actions/{actionId}/complete': '401 403 ok ok ok ok ok ok ok 403',
  'evaluation POST /v1/qa/corrective-actions/{actionId}/verify': '401 403 403 403 403 403 403 403 ok 403',
  'evaluation GET /v1/qa/corrective-actions/mine':            '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  // Every person evaluates themselves; supervisors (a department's manager, management) evaluate their people; rankings are for supervision.
  'evaluation POST /v1/assessments/self':                     '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  'evaluation POST /v1/assessments/supervisor':               '401  403   403  403  403  ok   ok   ok   403  403',
  'evaluation GET /v1/assessments':                           '401  403   403  403  403  ok   ok   ok   ok   403',
  // Search: everyone who works tickets; a department finds only its own, QA and auditors by id and text with no customer shown.
  'evaluation GET /v1/search':                                '401  403   ok   ok   ok   ok   ok   ok   ok   ok',
  // A customer's tickets are about the customer: not for QA and auditors; a department sees only its own among them (404 for another's ticket).
  'evaluation GET /v1/tickets/{ticketId}/customer-profile':   '401  403   ok   ok   ok   ok   ok   ok   403  403',
  // While CS records a contact (management may too): the typed phone or e-mail's open tickets.
  'evaluation POST /v1/customers/open-tickets':               '401  403   ok   403  403  403  403  ok   403  403',
  // Data rights are management's: the product has no privacy officer's role; a department, CS, QA or an auditor gets 403.
  'evaluation POST /v1/customers/export':                     '401  403   403  403  403  403  403  ok   403  403',
  'evaluation GET /v1/retention/due':                         '401  403   403  403  403  403  403  ok   403  403',
  'evaluation POST /v1/retention/run':                        '401  403   403  403  403  403  403  ok   403  403',
};

/**
 * What each write is sent, chosen to pass the role gate and reach the department check while
 * leaving the ticket with product: allowed callers may still get a business refusal.
 */
function probeBody(endpoint: string, ticketId: string): unknown {
  switch (endpoint) {
    case 'intake POST /v1/contacts':
      // The same contact each time: one ticket, later posts answer 200 and write nothing.
      return contact({ externalId: `matrix-${ticketId}`, customer: { name: 'Matrix Probe', email: `probe-${ticketId}@example.org` } });
    case 'intake POST /v1/tickets/{ticketId}/first-contact-answer':
      return { answer: 'We are open on Sundays.' };
    case 'intake POST /v1/customers/erasure':
      // A ticket that does not exist: management gets 404 and no customer's key is touched.
      return { ticketId: randomUUID(), reason: 'access matrix probe, no such ticket' };
    // Without a purpose: everyone let through gets a 400 and no request is left waiting.
    case 'intake POST /v1/tickets/{ticketId}/access-requests':
      return { purpose: '' };
    case 'intake POST /v1/tickets/{ticketId}/access-requests/{requestId}/refuse':
      return { reason: 'access matrix probe' };
    case 'evaluation POST /v1/customers/export':
      // A ticket that does not exist: management gets 404 and no export is recorded.
      return { ticketId: randomUUID(), reason: 'access matrix probe, no such ticket' };
    case 'routing POST /v1/tickets/{ticketId}/assign':
      return { handlerId: 'product-guo' };
    case 'routing POST /v1/tickets/{ticketId}/progress':
      return { note: 'looking into it' };
    case 'routing POST /v1/departments/{department}/handlers/{handlerId}/away':
      return { until: '2000-01-01T00:00:00.000Z' };
    case 'routing POST /v1/tickets/{ticketId}/result':
      return { summary: 'the export now exists' };
    case 'routing POST /v1/tickets/{ticketId}/transfer':
      // To its own department: refused as invalid after the department check, so the ticket stays.
      return { toDepartment: DEPARTMENT, reason: 'access matrix probe' };
    case 'routing POST /v1/tickets/{ticketId}/transfer/refuse':
      return { reason: 'not ours' };
    // Without a reason or a message: management gets a 400 and the probe ticket stays with product's handler.
    case 'routing POST /v1/tickets/{ticketId}/take-over':
      return { reason: '' };
    case 'routing POST /v1/tickets/{ticketId}/update-requests':
      return { message: '' };
    // Valid, so another department reaches the decider's department check: a pause is then resumed by the row after it.
    case 'routing POST /v1/tickets/{ticketId}/pause':
      return { reason: 'waiting_on_customer', note: 'access matrix probe' };
    // Valid, so another department reaches the decider's department check; allowed callers add an answer to the probe ticket.
    case 'routing POST /v1/tickets/{ticketId}/customer-answer':
      return { answer: 'access matrix probe' };
    // The probe ticket's own priority (feedback is classified low): allowed callers change nothing.
    case 'routing POST /v1/tickets/{ticketId}/priority':
      return { priority: 'low', reason: 'access matrix probe' };
    case 'routing POST /v1/tickets/{ticketId}/sub-requests':
      return { department: DEPARTMENT, reason: 'access matrix probe' };
    case 'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/assign':
      return { handlerId: 'product-guo' };
    case 'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/progress':
      return { note: 'looking into it' };
    case 'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/answer':
      return { summary: 'access matrix probe' };
    case 'routing POST /v1/tickets/{ticketId}/sub-requests/{subRequestId}/close':
      return { reason: 'access matrix probe' };
    case 'followup POST /v1/tickets/{ticketId}/confirmation':
      return { satisfied: true };
    // Without a reason: management gets a 400 and no subscription is made or ended.
    case 'intake POST /v1/webhooks/subscriptions':
      return { sourceSystem: 'matrix-probe', url: 'http://127.0.0.1:9/in', eventTypes: ['TicketClosed'] };
    case 'evaluation POST /v1/tickets/{ticketId}/notes':
      return { text: 'access matrix probe' };
    default:
      return {};
  }
}

function parseRow(row: string): Record<Caller, Outcome> {
  const cells = row.trim().split(/\s+/);
  if (cells.length !== CALLERS.length || cells.some((cell) => !['ok', '401', '403'].includes(cell))) throw new Error(`bad row: ${row}`);
  return Object.fromEntries(CALLERS.map((caller, index) => [caller, cells[index]])) as Record<Caller, Outcome>;
}

interface Endpoint {
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  readonly key: string;
}

async function discover(system: TestSystem): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = [];
  for (const service of SERVICE_NAMES) {
    const document = (await (await fetch(`${system.url(service)}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        endpoints.push({ service, method: method.toUpperCase(), path, key: `${service} ${method.toUpperCase()} ${path}` });
      }
    }
  }
  return endpoints;
}

describe('the role × endpoint matrix', () => {
  let system: TestSystem;
  let ticketId: string;
  let endpoints: Endpoint[];
  let credentials: Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    system = await TestSystem.start();
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    credentials = {
      none: {},
      upstream: { 'x-api-key': UPSTREAM_KEY },
      cs: bearer(system.token('cs', 'agent-1')),
      handler: bearer(system.token('department_handler', 'product-guo', DEPARTMENT)),
      handlerOther: bearer(system.token('department_handler', 'billing-wu', OTHER_DEPARTMENT)),
      manager: bearer(system.token('department_manager', 'product-manager-xu', DEPARTMENT)),
      managerOther: bearer(system.token('department_manager', 'billing-manager-qian', OTHER_DEPARTMENT)),
      management: bearer(system.token('management', 'director-1')),
      qa: bearer(system.token('qa', 'inspector-1')),
      auditor: bearer(system.token('auditor', 'auditor-1')),
    };

    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
      'intake',
      '/v1/contacts',
      contact({
        type: 'feedback',
        subject: 'Export to spreadsheet',
        description: 'The monthly report should export to a spreadsheet.',
        customer: { name: 'Matrix Customer', email: `matrix-${system.suffix}@example.org` },
      }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    // Every service must know the ticket, or a department check could not tell own from other.
    const management = system.as({ token: system.token('management', 'director-1') });
    await eventually(async () => (await management.get('routing', `/v1/tickets/${ticketId}`)).body?.department === DEPARTMENT, 'the ticket to reach product');
    await eventually(
      async () => (await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body?.lifecycle?.departmentsVisited?.includes(DEPARTMENT),
      'the timeline to show product',
    );
    endpoints = await discover(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('has a row for every endpoint the services publish, and no row for one they do not', () => {
    const published = endpoints.map((endpoint) => endpoint.key).sort();
    expect(published.filter((key) => !(key in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((key) => !published.includes(key))).toEqual([]);
    expect(COLUMNS.split(' ')).toEqual([...CALLERS]);
  });

  it('lets through exactly the callers the table allows, and refuses the others with 401 or 403 in the common error shape', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const endpoint of endpoints) {
      const row = EXPECTED[endpoint.key];
      if (!row) continue; // reported by the test above
      const expected = parseRow(row);
      const route = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        if (name === 'ticketId') return ticketId;
        if (name === 'department') return DEPARTMENT;
        // Product's handler: a colleague of another department may not say where they are.
        if (name === 'handlerId') return 'product-guo';
        // A sample or corrective action that does not exist: allowed callers get 404, the others 401/403 first.
        if (name === 'sampleId' || name === 'actionId' || name === 'requestId' || name === 'subscriptionId' || name === 'deliveryId' || name === 'subRequestId') return randomUUID();
        // A kind of policy each service owns: intake's classification, routing's deadlines, evaluation's KPI targets.
        if (name === 'kind') return { intake: 'classification', routing: 'deadlines', evaluation: 'kpi-targets' }[endpoint.service as string] ?? 'deadlines';
        // A file the ticket does not have: allowed callers get 404.
        if (name === 'contentHash') return 'f'.repeat(64);
        throw new Error(`${endpoint.key}: no value for path parameter ${name}`);
      });
      for (const caller of CALLERS) {
        const { status, body } = await call(system.url(endpoint.service) + route, endpoint.method, credentials[caller], probeBody(endpoint.key, ticketId));
        calls++;
        const outcome: Outcome = status === 401 ? '401' : status === 403 ? '403' : 'ok';
        if (outcome !== expected[caller]) mismatches.push(`${endpoint.key} as ${caller}: expected ${expected[caller]}, got ${status} ${JSON.stringify(body)}`);
        if (status >= 500) mismatches.push(`${endpoint.key} as ${caller}: ${status} ${JSON.stringify(body)}`);
        if (outcome !== 'ok' && !isErrorBody(body)) mismatches.push(`${endpoint.key} as ${caller}: ${status} without the common error body: ${JSON.stringify(body)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBe(endpoints.length * CALLERS.length);
  });
});

function isErrorBody(body: unknown): boolean {
  const candidate = body as { error?: unknown; message?: unknown; requestId?: unknown } | undefined;
  return typeof candidate?.error === 'string' && typeof candidate.message === 'string' && candidate.message.length > 0 && typeof candidate.requestId === 'string';
}

/** One request; a server-sent-event stream is judged by its status and then dropped. */
async function call(url: string, method: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: unknown }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    signal: abort.signal,
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    abort.abort();
    return { status: response.status, body: undefined };
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: response.status, body: text };
  }
}
