import { DeciderSpecification } from '@handoff/testing';
import {
  type Actor,
  type Deadlines,
  DomainError,
  type DomainErrorCode,
  ROUTING_EVENTS,
  type Role,
  type RoutingEvent,
} from '@handoff/contracts';
import { type RoutingPolicy, type RoutingCommand, decide, evolve, initialState } from './tickets.decider';

// ---------------------------------------------------------------------------------------------
// Time, policy and people

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const iso = (minutes: number) => at(minutes).toISOString();

const policy: RoutingPolicy = {
  rules: {
    rules: [
      { name: 'billing', department: 'billing', categories: ['billing'], description: 'payments are billing’s' },
      { name: 'logistics', department: 'logistics', categories: ['logistics'] },
    ],
    defaultDepartment: 'customer_care',
  },
  // 30 minutes to respond, a day to resolve (4 hours when urgent), in clock time.
  deadlinesFor: ({ priority, from }) => ({
    firstResponseDueAt: new Date(from.getTime() + 30 * MINUTE),
    resolutionDueAt: new Date(from.getTime() + (priority === 'urgent' ? 240 : 1440) * MINUTE),
    policyVersion: 'test-v1',
  }),
  escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
  complaintCauses: {
    causes: [
      { code: 'billing_error', label: { en: 'Billing error', 'zh-CN': '计费错误' } },
      { code: 'response_speed', label: { en: 'Response speed', 'zh-CN': '响应速度' } },
    ],
  },
};

const deadlinesFrom = (minutes: number, resolutionMinutes = 1440): Deadlines => ({
  from: iso(minutes),
  firstResponseDueAt: iso(minutes + 30),
  resolutionDueAt: iso(minutes + resolutionMinutes),
  policyVersion: 'test-v1',
});

const person = (id: string, role: Role, department?: string): Actor => ({ id, role, ...(department && { department }) });
const ana = person('h-ana', 'department_handler', 'billing');
const bo = person('h-bo', 'department_handler', 'billing');
const billingManager = person('m-mei', 'department_manager', 'billing');
const lou = person('h-lou', 'department_handler', 'logistics');
const logisticsManager = person('m-lin', 'department_manager', 'logistics');
const director = person('d-zhou', 'management');
const routingProcess = person('routing-process', 'system');
const csAgent = person('agent-1', 'cs');
const inspector = person('qa-1', 'qa');
const auditor = person('audit-1', 'auditor');

function command<T extends RoutingCommand['type']>(
  type: T,
  data: Extract<RoutingCommand, { type: T }>['data'],
  actor: Actor,
  now: Date = at(5),
): RoutingCommand {
  return { type, data, metadata: { now, actor, correlationId: 'corr-1', causationId: 'cause-1' } } as RoutingCommand;
}

// ---------------------------------------------------------------------------------------------
// Given / When / Then, and every emitted event checked against its published contract

const specification = DeciderSpecification.for({ initialState, evolve, decide: (command: RoutingCommand, state) => decide(command, state, policy) }, ROUTING_EVENTS);
const given = (...history: RoutingEvent[]) => specification.given(...history);

afterAll(() => specification.expectEveryEventEmitted());

// ---------------------------------------------------------------------------------------------
// History fixtures: a billing consultation handed over at T0

const routeBilling = (complaint = false) =>
  command(
    'RouteTicket',
    {
      type: complaint ? 'complaint' : 'consultation',
      category: 'billing',
      priority: 'normal',
      channel: 'web_chat',
      complaint,
      handedOverAt: iso(0),
    },
    routingProcess,
    at(1),
  );

const routed: RoutingEvent = {
  type: 'TicketRouted',
  data: {
    department: 'billing',
    rule: 'billing',
    reason: 'payments are billing’s (category billing)',
    round: 1,
    type: 'consultation',
    category: 'billing',
    priority: 'normal',
    channel: 'web_chat',
    complaint: false,
    deadlines: deadlinesFrom(0),
  },
};
const routedComplaint: RoutingEvent = {
  type: 'TicketRouted',
  data: { ...(routed.data as Extract<RoutingEvent, { type: 'TicketRouted' }>['data']), type: 'complaint', complaint: true },
};
const managementOnComplaint: RoutingEvent = { type: 'ManagementInvolved', data: { reason: 'complaint' } };
const claimedByAna: RoutingEvent = {
  type: 'HandlerAssigned',
  data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed by the handler' },
};
const planned: RoutingEvent = {
  type: 'ProgressReported',
  data: { round: 1, department: 'billing', note: 'Checking the double charge with the bank.', firstResponse: true },
};
const resultRound = (round: number): RoutingEvent => ({
  type: 'ResultReported',
  data: { round, department: 'billing', handlerId: 'h-ana', summary: `Refund issued (round ${round}).`, complaint: false },
});
const reopened = (round: number, objectedAtMinutes: number): RoutingEvent => ({
  type: 'TicketReopened',
  data: {
    round,
    department: 'billing',
    handlerId: 'h-ana',
    objection: 'The refund has not arrived.',
    deadlines: deadlinesFrom(objectedAtMinutes),
  },
});
const transferToLogistics: RoutingEvent = {
  type: 'TransferRequested',
  data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'It is about a lost parcel, not a charge.' },
};
const acceptedByLogistics: RoutingEvent = {
  type: 'TransferAccepted',
  data: { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-ana' },
};

// ---------------------------------------------------------------------------------------------

describe('RouteTicket', () => {
  it('given a ticket handed over, then it is routed by rule with why and its deadlines from the hand-over', () => {
    given().when(routeBilling()).then([routed]);
  });

  it('given a complaint, then management is on the ticket at once', () => {
    given().when(routeBilling(true)).then([routedComplaint, managementOnComplaint]);
  });

  it('given no matching rule, then the default department', () => {
    given()
      .when(
        command(
          'RouteTicket',
          { type: 'feedback', category: 'general', priority: 'low', channel: 'social_media', platform: 'weibo', complaint: false, handedOverAt: iso(0) },
          routingProcess,
        ),
      )
      .then([
        {
          type: 'TicketRouted',
          data: {
            department: 'customer_care',
            rule: 'default',
            reason: 'no routing rule matched category general, channel social_media, type feedback, priority low',
            round: 1,
            type: 'feedback',
            category: 'general',
            priority: 'low',
            channel: 'social_media',
            platform: 'weibo',
            complaint: false,
            deadlines: deadlinesFrom(0),
          },
        },
      ]);
  });

  it('given a routed ticket, then a redelivered hand-over changes nothing', () => {
    given(routed).when(routeBilling()).then([]);
  });

  it('given a hand-over time that is not an instant, then it is refused naming handedOverAt', () => {
    const cmd = routeBilling();
    given()
      .when({ ...cmd, data: { ...(cmd.data as object), handedOverAt: 'yesterday' } } as RoutingCommand)
      .thenThrows('VALIDATION_FAILED', ['handedOverAt']);
  });

  it.each([csAgent, ana, billingManager, inspector, auditor])('given $role, then routing is forbidden', (actor) => {
    given().when({ ...routeBilling(), metadata: { ...routeBilling().metadata, actor } }).thenThrows('FORBIDDEN');
  });
});

describe('ClaimTicket', () => {
  const claim = (actor: Actor) => command('ClaimTicket', {}, actor);

  it('given a routed ticket, then a handler of its department claims it', () => {
    given(routed).when(claim(ana)).then([claimedByAna]);
  });

  it('given a claimed ticket, then a second claim by someone else is a conflict', () => {
    given(routed, claimedByAna).when(claim(bo)).thenThrows('CONFLICT');
  });

  it('given a ticket the handler already claimed, then claiming again changes nothing', () => {
    given(routed, claimedByAna).when(claim(ana)).then([]);
  });

  it('given a handler of another department, then it is forbidden', () => {
    given(routed).when(claim(lou)).thenThrows('FORBIDDEN');
  });

  it.each([csAgent, inspector, auditor, director, routingProcess])('given $role, then claiming is forbidden', (actor) => {
    given(routed).when(claim(actor)).thenThrows('FORBIDDEN');
  });

  it('given no such ticket, then it is not found', () => {
    given().when(claim(ana)).thenThrows('NOT_FOUND');
  });

  it('given a ticket with its result reported or closed, then it cannot be claimed', () => {
    given(routed, claimedByAna, resultRound(1)).when(claim(bo)).thenThrows('PRECONDITION_FAILED');
    given(routed, claimedByAna, resultRound(1), { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } })
      .when(claim(bo))
      .thenThrows('PRECONDITION_FAILED');
  });
});

describe('AssignHandler', () => {
  const candidates = [
    { handlerId: 'h-ana', openTickets: 5, skills: ['billing'] },
    { handlerId: 'h-bo', openTickets: 1, skills: ['logistics'] },
  ];

  it("given the department manager naming a handler, then that handler is responsible", () => {
    given(routed)
      .when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo' }, billingManager))
      .then([
        {
          type: 'HandlerAssigned',
          data: { department: 'billing', handlerId: 'h-bo', method: 'manager', reason: 'named by the department manager' },
        },
      ]);
  });

  it("given the department's strategy, then the chosen handler and the reason are recorded", () => {
    given(routed)
      .when(command('AssignHandler', { mode: 'strategy', strategy: 'least_loaded', candidates }, routingProcess))
      .then([
        {
          type: 'HandlerAssigned',
          data: {
            department: 'billing',
            handlerId: 'h-bo',
            method: 'least_loaded',
            reason: 'least loaded: 1 open ticket, fewest of 2 candidates',
          },
        },
      ]);
  });

  it('given a handler already responsible, then a reassignment names the previous one', () => {
    given(routed, claimedByAna)
      .when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo', reason: 'Ana is on leave' }, director))
      .then([
        {
          type: 'HandlerAssigned',
          data: { department: 'billing', handlerId: 'h-bo', method: 'manager', reason: 'Ana is on leave', previousHandlerId: 'h-ana' },
        },
      ]);
  });

  it('given the same handler again, then nothing changes', () => {
    given(routed, claimedByAna).when(command('AssignHandler', { mode: 'manager', handlerId: 'h-ana' }, billingManager)).then([]);
  });

  it('given no candidates, then no handler is available', () => {
    given(routed)
      .when(command('AssignHandler', { mode: 'strategy', strategy: 'round_robin', candidates: [] }, billingManager))
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given a blank handler id, then it is refused naming handlerId', () => {
    given(routed)
      .when(command('AssignHandler', { mode: 'manager', handlerId: ' ' }, billingManager))
      .thenThrows('VALIDATION_FAILED', ['handlerId']);
  });

  it('given a handler, or a manager of another department, then naming is forbidden', () => {
    given(routed).when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo' }, ana)).thenThrows('FORBIDDEN');
    given(routed).when(command('AssignHandler', { mode: 'manager', handlerId: 'h-lou' }, logisticsManager)).thenThrows('FORBIDDEN');
    given(routed).when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo' }, routingProcess)).thenThrows('FORBIDDEN');
  });
});

describe('transfers between departments', () => {
  const request = (actor: Actor, toDepartment = 'logistics', reason = 'It is about a lost parcel, not a charge.') =>
    command('RequestTransfer', { toDepartment, reason }, actor);

  it('given a ticket in hand, then its department asks another to take it, with a reason', () => {
    given(routed, claimedByAna).when(request(ana)).then([transferToLogistics]);
  });

  it('given a pending transfer, then the receiving department accepts: department changes, handler cleared, deadlines kept', () => {
    given(routed, claimedByAna, transferToLogistics)
      .when(command('AcceptTransfer', {}, logisticsManager))
      .then([acceptedByLogistics]);

    // After the handoff the new department works it under the same deadlines; the old one no longer may.
    const history = [routed, claimedByAna, transferToLogistics, acceptedByLogistics];
    given(...history).when(command('ClaimTicket', {}, lou)).then([
      { type: 'HandlerAssigned', data: { department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'claimed by the handler' } },
    ]);
    given(...history).when(command('ClaimTicket', {}, bo)).thenThrows('FORBIDDEN');
    given(...history)
      .when(command('CheckDeadlines', {}, routingProcess, at(31)))
      .then([
        { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: iso(30) } },
        {
          type: 'TicketEscalated',
          data: {
            level: 'department_manager',
            trigger: 'first_response_overdue',
            round: 1,
            department: 'logistics',
            dueAt: iso(30),
            reason: `first response was due at ${iso(30)}`,
          },
        },
      ]);
  });

  it('given a pending transfer, then the receiving department may refuse it with a reason; the ticket stays', () => {
    const refused: RoutingEvent = {
      type: 'TransferRefused',
      data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'The parcel was delivered; the charge is the question.' },
    };
    given(routed, claimedByAna, transferToLogistics)
      .when(command('RefuseTransfer', { reason: 'The parcel was delivered; the charge is the question.' }, lou))
      .then([refused]);
    given(routed, claimedByAna, transferToLogistics, refused)
      .when(command('ReportProgress', { note: 'Back with us; refunding.' }, ana))
      .then([{ type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Back with us; refunding.', firstResponse: true } }]);
  });

  it('given a pass and a pass back, then each is a handoff on the record and the first department has it again', () => {
    const passedBack: RoutingEvent[] = [
      { type: 'TransferRequested', data: { fromDepartment: 'logistics', toDepartment: 'billing', reason: 'Delivered; billing question.' } },
      { type: 'TransferAccepted', data: { fromDepartment: 'logistics', toDepartment: 'billing' } },
    ];
    given(routed, claimedByAna, transferToLogistics, acceptedByLogistics)
      .when(command('RequestTransfer', { toDepartment: 'billing', reason: 'Delivered; billing question.' }, lou))
      .then([passedBack[0]]);
    given(routed, claimedByAna, transferToLogistics, acceptedByLogistics, passedBack[0])
      .when(command('AcceptTransfer', {}, bo))
      .then([passedBack[1]]);
    given(routed, claimedByAna, transferToLogistics, acceptedByLogistics, ...passedBack)
      .when(command('ClaimTicket', {}, bo))
      .then([{ type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-bo', method: 'claim', reason: 'claimed by the handler' } }]);
  });

  it('given a pending transfer, then a second request is a conflict and a result must wait', () => {
    given(routed, claimedByAna, transferToLogistics).when(request(ana, 'product')).thenThrows('CONFLICT');
    given(routed, claimedByAna, transferToLogistics)
      .when(command('ReportResult', { summary: 'Done' }, ana))
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given a transfer to the same department or without a reason, then it is refused naming the field', () => {
    given(routed, claimedByAna).when(request(ana, 'billing')).thenThrows('VALIDATION_FAILED', ['toDepartment']);
    given(routed, claimedByAna).when(request(ana, 'logistics', '  ')).thenThrows('VALIDATION_FAILED', ['reason']);
    given(routed, claimedByAna, transferToLogistics)
      .when(command('RefuseTransfer', { reason: '' }, lou))
      .thenThrows('VALIDATION_FAILED', ['reason']);
  });

  it('given no pending transfer, then there is nothing to accept or refuse', () => {
    given(routed, claimedByAna).when(command('AcceptTransfer', {}, bo)).thenThrows('PRECONDITION_FAILED');
    given(routed, claimedByAna).when(command('RefuseTransfer', { reason: 'no' }, billingManager)).thenThrows('PRECONDITION_FAILED');
    given(routed, claimedByAna).when(command('AcceptTransfer', {}, director)).thenThrows('PRECONDITION_FAILED');
  });

  it('given no transfer offered to it, then another department is refused as on any ticket not its own', () => {
    given(routed, claimedByAna).when(command('AcceptTransfer', {}, lou)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(command('RefuseTransfer', { reason: 'no' }, logisticsManager)).thenThrows('FORBIDDEN');
  });

  it('given the sending department or a bystander, then accepting or refusing is forbidden; management may', () => {
    given(routed, claimedByAna, transferToLogistics).when(command('AcceptTransfer', {}, ana)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna, transferToLogistics).when(command('AcceptTransfer', {}, inspector)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna, transferToLogistics).when(command('AcceptTransfer', {}, director)).then([acceptedByLogistics]);
  });

  it('given another department, then it cannot pass on a ticket that is not its own', () => {
    given(routed, claimedByAna).when(request(lou, 'product')).thenThrows('FORBIDDEN');
  });
});

describe('ReportProgress', () => {
  const progress = (note: string, actor: Actor = ana) => command('ReportProgress', { note }, actor);

  it('given a claimed ticket, then the first progress report is the first response; later ones are not', () => {
    given(routed, claimedByAna).when(progress('Checking the double charge with the bank.')).then([planned]);
    given(routed, claimedByAna, planned)
      .when(progress('Bank confirmed; refund tomorrow.'))
      .then([{ type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Bank confirmed; refund tomorrow.', firstResponse: false } }]);
  });

  it('given no responsible handler yet, then progress must wait', () => {
    given(routed).when(progress('plan')).thenThrows('PRECONDITION_FAILED');
  });

  it('given an empty note, then it is refused naming note', () => {
    given(routed, claimedByAna).when(progress('  ')).thenThrows('VALIDATION_FAILED', ['note']);
  });

  it('given QA, an auditor or CS, then they never change the ticket', () => {
    for (const actor of [inspector, auditor, csAgent]) given(routed, claimedByAna).when(progress('x', actor)).thenThrows('FORBIDDEN');
  });
});

describe('ReportResult', () => {
  const result = (data: { summary: string; apology?: string; correctiveAction?: string; cause?: string }, actor: Actor = ana) =>
    command('ReportResult', data, actor);

  it('given a claimed ticket, then the result goes to CS', () => {
    given(routed, claimedByAna, planned).when(result({ summary: ' Refund issued (round 1). ' })).then([resultRound(1)]);
  });

  it('given no claim yet, then a result is refused', () => {
    given(routed).when(result({ summary: 'Done' })).thenThrows('PRECONDITION_FAILED');
  });

  it('given a result already reported, then another must wait for the customer', () => {
    given(routed, claimedByAna, resultRound(1)).when(result({ summary: 'Again' })).thenThrows('PRECONDITION_FAILED');
  });

  it('given a complaint, then the result requires an apology and a corrective action, each named', () => {
    const history = [routedComplaint, managementOnComplaint, claimedByAna];
    given(...history).when(result({ summary: 'Refunded.', cause: 'billing_error' })).thenThrows('VALIDATION_FAILED', ['apology', 'correctiveAction']);
    given(...history)
      .when(result({ summary: 'Refunded.', apology: 'We are sorry.', cause: 'billing_error' }))
      .thenThrows('VALIDATION_FAILED', ['correctiveAction']);
    given(...history)
      .when(result({ summary: 'Refunded.', apology: ' ', correctiveAction: 'Daily reconciliation of card charges.', cause: 'billing_error' }))
      .thenThrows('VALIDATION_FAILED', ['apology']);
  });

  it("given a complaint, then its cause is required from the taxonomy, and the refusal lists the taxonomy's codes", () => {
    const history = [routedComplaint, managementOnComplaint, claimedByAna];
    const remedies = { summary: 'Refunded.', apology: 'We are sorry.', correctiveAction: 'Daily reconciliation of card charges.' };
    for (const cause of [undefined, ' ', 'rude_staff']) {
      const refusal = given(...history)
        .when(result({ ...remedies, ...(cause !== undefined && { cause }) }))
        .thenThrows('VALIDATION_FAILED', ['cause']);
      expect(refusal.errors[0].issue).toEqual({ code: 'invalid_value', values: ['billing_error', 'response_speed'] });
    }
  });

  it('given a ticket that is not a complaint, then a cause is refused: it is asked only for complaints', () => {
    given(routed, claimedByAna).when(result({ summary: 'Done', cause: 'billing_error' })).thenThrows('VALIDATION_FAILED', ['cause']);
  });

  it('given a complaint with both remedies and its cause, then they are recorded with the result', () => {
    given(routedComplaint, managementOnComplaint, claimedByAna)
      .when(result({ summary: 'Refunded.', apology: 'We are sorry.', correctiveAction: 'Daily reconciliation of card charges.', cause: ' billing_error ' }))
      .then([
        {
          type: 'ResultReported',
          data: {
            round: 1,
            department: 'billing',
            handlerId: 'h-ana',
            summary: 'Refunded.',
            complaint: true,
            apology: 'We are sorry.',
            correctiveAction: 'Daily reconciliation of card charges.',
            cause: 'billing_error',
          },
        },
      ]);
  });

  it('given an empty summary, then it is refused naming summary', () => {
    given(routed, claimedByAna).when(result({ summary: '' })).thenThrows('VALIDATION_FAILED', ['summary']);
  });

  it('given another department, then it is forbidden', () => {
    given(routed, claimedByAna).when(result({ summary: 'x' }, lou)).thenThrows('FORBIDDEN');
  });
});

describe('management on a complaint in flight: TakeOverTicket', () => {
  const takeOver = (reason: string, actor: Actor = director) => command('TakeOverTicket', { reason }, actor);
  const inFlight = [routedComplaint, managementOnComplaint, claimedByAna];
  const takenOver: RoutingEvent = {
    type: 'TicketTakenOver',
    data: { department: 'billing', round: 1, holderId: 'd-zhou', reason: 'The customer threatens to go to the press.', previousHandlerId: 'h-ana' },
  };

  it('given a claimed complaint, then management becomes the responsible holder, with why, naming the handler it took it from', () => {
    given(...inFlight).when(takeOver(' The customer threatens to go to the press. ')).then([takenOver]);
  });

  it('given a complaint nobody claimed yet, then management takes it without a previous handler', () => {
    given(routedComplaint, managementOnComplaint)
      .when(takeOver('Nobody picked it up.'))
      .then([{ type: 'TicketTakenOver', data: { department: 'billing', round: 1, holderId: 'd-zhou', reason: 'Nobody picked it up.' } }]);
  });

  it('given management holding it, then its progress and result are its own (no one acted for), and the former handler is refused', () => {
    given(...inFlight, takenOver)
      .when(command('ReportProgress', { note: 'I called the customer myself.' }, director))
      .then([{ type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'I called the customer myself.', firstResponse: true } }]);
    given(...inFlight, takenOver).when(command('ReportProgress', { note: 'still mine?' }, ana)).thenThrows('FORBIDDEN');
  });

  it('given management holding it, then taking it again changes nothing; the department manager may hand it back, saying why', () => {
    given(...inFlight, takenOver).when(takeOver('again')).then([]);
    given(...inFlight, takenOver)
      .when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo', reason: 'Management asked Bo to finish it.' }, billingManager))
      .then([
        {
          type: 'HandlerAssigned',
          data: { department: 'billing', handlerId: 'h-bo', method: 'manager', reason: 'Management asked Bo to finish it.', previousHandlerId: 'd-zhou' },
        },
      ]);
  });

  it('given no reason, then it is refused naming reason', () => {
    given(...inFlight).when(takeOver('  ')).thenThrows('VALIDATION_FAILED', ['reason']);
  });

  it('given anyone but management, then it is forbidden', () => {
    for (const actor of [ana, billingManager, csAgent, inspector, auditor]) given(...inFlight).when(takeOver('mine', actor)).thenThrows('FORBIDDEN');
  });

  it('given a result reported or a transfer waiting, then there is nothing in flight to take over', () => {
    given(...inFlight, resultRound(1)).when(takeOver('late')).thenThrows('PRECONDITION_FAILED');
    given(...inFlight, transferToLogistics).when(takeOver('while passing')).thenThrows('PRECONDITION_FAILED');
  });
});

describe('management on a complaint in flight: RequestUpdate', () => {
  const ask = (message: string, requestId = 'req-1', actor: Actor = director) => command('RequestUpdate', { requestId, message }, actor);
  const inFlight = [routedComplaint, managementOnComplaint, claimedByAna];
  const requested: RoutingEvent = {
    type: 'UpdateRequested',
    data: { requestId: 'req-1', round: 1, department: 'billing', requestedBy: 'd-zhou', handlerId: 'h-ana', message: 'Where is the refund?' },
  };

  it('given a claimed complaint, then the request names the department and its responsible handler', () => {
    given(...inFlight).when(ask(' Where is the refund? ')).then([requested]);
  });

  it('given the department has no handler yet, then the department is asked', () => {
    given(routedComplaint, managementOnComplaint)
      .when(ask('Who has this?'))
      .then([{ type: 'UpdateRequested', data: { requestId: 'req-1', round: 1, department: 'billing', requestedBy: 'd-zhou', message: 'Who has this?' } }]);
  });

  it("given a request, then the department's next progress note answers it, and the one after does not", () => {
    const answer: RoutingEvent = {
      type: 'ProgressReported',
      data: { round: 1, department: 'billing', note: 'The bank confirmed; refund tomorrow.', firstResponse: true, answersUpdateRequest: { requestId: 'req-1', requestedBy: 'd-zhou' } },
    };
    given(...inFlight, requested).when(command('ReportProgress', { note: 'The bank confirmed; refund tomorrow.' }, ana)).then([answer]);
    given(...inFlight, requested, answer)
      .when(command('ReportProgress', { note: 'Refunded.' }, ana))
      .then([{ type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Refunded.', firstResponse: false } }]);
    given(...inFlight, requested, answer).when(ask('And now?', 'req-2')).then([{ ...requested, data: { ...requested.data, requestId: 'req-2', message: 'And now?' } } as RoutingEvent]);
  });

  it('given a request not answered yet, then the same request again changes nothing and another one waits for the answer', () => {
    given(...inFlight, requested).when(ask('Where is the refund?')).then([]);
    given(...inFlight, requested).when(ask('Hello?', 'req-2')).thenThrows('CONFLICT');
  });

  it('given no message, then it is refused naming message', () => {
    given(...inFlight).when(ask(' ')).thenThrows('VALIDATION_FAILED', ['message']);
  });

  it('given anyone but management, then it is forbidden', () => {
    for (const actor of [ana, billingManager, csAgent, inspector, auditor]) given(...inFlight).when(ask('?', 'req-1', actor)).thenThrows('FORBIDDEN');
  });

  it('given a result reported, then there is nothing in flight to ask about', () => {
    given(...inFlight, resultRound(1)).when(ask('?')).thenThrows('PRECONDITION_FAILED');
  });
});

describe('ReopenTicket (a further handling round)', () => {
  const reopen = (round: number, minutes: number, actor: Actor = routingProcess, department?: string) =>
    command(
      'ReopenTicket',
      { round, objection: 'The refund has not arrived.', objectedAt: iso(minutes), ...(department && { department }) },
      actor,
      at(minutes + 1),
    );

  it('given an objection to the result, then round 2 in the same department with the same handler and fresh deadlines', () => {
    given(routed, claimedByAna, resultRound(1)).when(reopen(1, 600)).then([reopened(2, 600)]);
  });

  it('given three rounds, then each objection counts one more round', () => {
    const history = [routed, claimedByAna, resultRound(1), reopened(2, 600), resultRound(2), reopened(3, 1200), resultRound(3)];
    given(...history).when(reopen(3, 1800)).then([reopened(4, 1800)]);
  });

  it('given an objection already acted on (redelivered), then nothing changes', () => {
    given(routed, claimedByAna, resultRound(1), reopened(2, 600)).when(reopen(1, 600)).then([]);
  });

  it('given a reopened ticket, then the handler reports again and the first progress is again a first response', () => {
    given(routed, claimedByAna, planned, resultRound(1), reopened(2, 600))
      .when(command('ReportProgress', { note: 'Chasing the bank.' }, ana))
      .then([{ type: 'ProgressReported', data: { round: 2, department: 'billing', note: 'Chasing the bank.', firstResponse: true } }]);
  });

  it('given a ticket still being handled, then it cannot be reopened', () => {
    given(routed, claimedByAna).when(reopen(1, 600)).thenThrows('PRECONDITION_FAILED');
  });

  it('given an objection to a round not yet handled, then it is refused', () => {
    given(routed, claimedByAna, resultRound(1)).when(reopen(2, 600)).thenThrows('PRECONDITION_FAILED');
  });

  it('given the system naming another department, then only management may do that', () => {
    given(routed, claimedByAna, resultRound(1)).when(reopen(1, 600, routingProcess, 'logistics')).thenThrows('FORBIDDEN');
  });

  it('given a department role, then reopening is forbidden', () => {
    given(routed, claimedByAna, resultRound(1)).when(reopen(1, 600, ana)).thenThrows('FORBIDDEN');
  });
});

describe('rounds exhausted: management takes over', () => {
  const handedOver = [routed, claimedByAna, resultRound(1), reopened(2, 600), resultRound(2), reopened(3, 1200), resultRound(3)];
  const escalated: RoutingEvent = {
    type: 'TicketEscalated',
    data: {
      level: 'management',
      trigger: 'rounds_exhausted',
      round: 3,
      department: 'billing',
      reason: 'the customer still objects after round 3: Still no refund.',
    },
  };
  const escalate = (round: number) => command('EscalateToManagement', { round, objection: 'Still no refund.' }, routingProcess);

  it('given the customer objecting after the last round, then management is escalated to and involved', () => {
    given(...handedOver)
      .when(escalate(3))
      .then([escalated, { type: 'ManagementInvolved', data: { reason: 'rounds_exhausted' } }]);
  });

  it('given management on the ticket already (a complaint), then it is not involved twice', () => {
    const complaintRounds = [routedComplaint, managementOnComplaint, ...handedOver.slice(1)];
    given(...complaintRounds).when(escalate(3)).then([escalated]);
  });

  it('given it escalated already, then a redelivery changes nothing', () => {
    given(...handedOver, escalated).when(escalate(3)).then([]);
  });

  it('given management, then it sends a new round to another department; the handler is cleared', () => {
    given(...handedOver, escalated)
      .when(
        command(
          'ReopenTicket',
          { round: 3, objection: 'Still no refund.', objectedAt: iso(2000), department: 'logistics' },
          director,
          at(2001),
        ),
      )
      .then([
        {
          type: 'TicketReopened',
          data: {
            round: 4,
            department: 'logistics',
            previousDepartment: 'billing',
            objection: 'Still no refund.',
            deadlines: deadlinesFrom(2000),
          },
        },
      ]);
  });

  it('given a ticket being handled, then rounds cannot be exhausted', () => {
    given(routed, claimedByAna).when(escalate(1)).thenThrows('PRECONDITION_FAILED');
  });

  it('given a handler, then it is forbidden', () => {
    given(...handedOver).when(command('EscalateToManagement', { round: 3, objection: 'x' }, ana)).thenThrows('FORBIDDEN');
  });
});

describe('CheckDeadlines', () => {
  const check = (minutes: number) => command('CheckDeadlines', {}, routingProcess, at(minutes));
  const breached = (deadline: 'first_response' | 'resolution', dueMinutes: number, round = 1): RoutingEvent => ({
    type: 'DeadlineBreached',
    data: { deadline, round, department: 'billing', dueAt: iso(dueMinutes) },
  });
  const toManager = (kind: 'first_response' | 'resolution', dueMinutes: number, round = 1): RoutingEvent => ({
    type: 'TicketEscalated',
    data: {
      level: 'department_manager',
      trigger: kind === 'first_response' ? 'first_response_overdue' : 'resolution_overdue',
      round,
      department: 'billing',
      dueAt: iso(dueMinutes),
      reason: `${kind === 'first_response' ? 'first response' : 'resolution'} was due at ${iso(dueMinutes)}`,
    },
  });
  const toManagement = (kind: 'first_response' | 'resolution', dueMinutes: number, grace: number, round = 1): RoutingEvent => ({
    type: 'TicketEscalated',
    data: {
      level: 'management',
      trigger: kind === 'first_response' ? 'first_response_overdue' : 'resolution_overdue',
      round,
      department: 'billing',
      dueAt: iso(dueMinutes),
      reason: `${kind === 'first_response' ? 'first response' : 'resolution'} still missing ${grace} minutes after ${iso(dueMinutes)}`,
    },
  });
  const involved: RoutingEvent = { type: 'ManagementInvolved', data: { reason: 'deadline_escalation' } };

  const approaching = (deadline: 'first_response' | 'resolution', dueMinutes: number, handlerId: string | null, round = 1): RoutingEvent => ({
    type: 'DeadlineApproaching',
    data: { deadline, round, department: 'billing', dueAt: iso(dueMinutes), handlerId },
  });

  it('given more time left than the warning time, then nothing', () => {
    given(routed).when(check(19)).then([]);
  });

  it('given a deadline within its warning time, then its holder is warned once, and again only for a new due time', () => {
    given(routed).when(check(20)).then([approaching('first_response', 30, null)]);
    given(routed, claimedByAna).when(check(25)).then([approaching('first_response', 30, 'h-ana')]);
    given(routed, approaching('first_response', 30, null)).when(check(29)).then([]);
    given(routed, approaching('first_response', 30, null)).when(check(30)).then([]);
    given(routed, claimedByAna, planned).when(check(1440 - 121)).then([]);
    given(routed, claimedByAna, planned).when(check(1440 - 120)).then([approaching('resolution', 1440, 'h-ana')]);
    // A new round sets new due times: they are warned of again.
    const history = [routed, approaching('first_response', 30, null), claimedByAna, resultRound(1), reopened(2, 600)];
    given(...history).when(check(620)).then([approaching('first_response', 630, 'h-ana', 2)]);
  });

  it('given the first response overdue, then it is breached and the department manager is asked, once', () => {
    given(routed).when(check(31)).then([breached('first_response', 30), toManager('first_response', 30)]);
    given(routed, breached('first_response', 30), toManager('first_response', 30)).when(check(45)).then([]);
  });

  it('given it still overdue after the grace period, then management, once', () => {
    const history = [routed, breached('first_response', 30), toManager('first_response', 30)];
    given(...history).when(check(89)).then([]);
    given(...history).when(check(90)).then([toManagement('first_response', 30, 60), involved]);
    given(...history, toManagement('first_response', 30, 60), involved).when(check(200)).then([]);
  });

  it('given a late sweep, then breach and both escalations at once, in order', () => {
    given(routed).when(check(100)).then([breached('first_response', 30), toManager('first_response', 30), toManagement('first_response', 30, 60), involved]);
  });

  it('given a first response in time, then only the resolution deadline counts', () => {
    given(routed, claimedByAna, planned).when(check(60)).then([]);
    given(routed, claimedByAna, planned)
      .when(check(1441))
      .then([breached('resolution', 1440), toManager('resolution', 1440)]);
  });

  it('given a first response after the breach, then no management escalation for it', () => {
    given(routed, breached('first_response', 30), toManager('first_response', 30), claimedByAna, planned).when(check(120)).then([]);
  });

  it('given both deadlines missed past their grace, then management is involved once', () => {
    given(routed, breached('first_response', 30), toManager('first_response', 30))
      .when(check(1440 + 240))
      .then([
        toManagement('first_response', 30, 60),
        involved,
        breached('resolution', 1440),
        toManager('resolution', 1440),
        toManagement('resolution', 1440, 240),
      ]);
  });

  it('given a complaint (management on it already), then escalations do not involve it again', () => {
    given(routedComplaint, managementOnComplaint)
      .when(check(100))
      .then([breached('first_response', 30), toManager('first_response', 30), toManagement('first_response', 30, 60)]);
  });

  it('given a result reported, then the clocks stop', () => {
    given(routed, claimedByAna, resultRound(1)).when(check(5000)).then([]);
  });

  it('given a new round, then its deadlines fire once again', () => {
    const history = [routed, breached('first_response', 30), toManager('first_response', 30), claimedByAna, resultRound(1), reopened(2, 600)];
    given(...history).when(check(631)).then([breached('first_response', 630, 2), toManager('first_response', 630, 2)]);
  });

  it('given a closed or unknown ticket, then a sweep changes nothing', () => {
    given().when(check(5000)).then([]);
    given(routed, claimedByAna, resultRound(1), { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } })
      .when(check(5000))
      .then([]);
  });

  it('given anyone but the system, then it is forbidden', () => {
    given(routed).when(command('CheckDeadlines', {}, director, at(100))).thenThrows('FORBIDDEN');
  });
});

describe('CloseHandling', () => {
  const close = (outcome: 'satisfied' | 'unconfirmed_unreachable') => command('CloseHandling', { outcome }, routingProcess);

  it('given a result the customer accepted, then handling is closed', () => {
    given(routed, claimedByAna, resultRound(1))
      .when(close('satisfied'))
      .then([{ type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } }]);
  });

  it('given an unreachable customer, then it is closed as such', () => {
    given(routed, claimedByAna, resultRound(1))
      .when(close('unconfirmed_unreachable'))
      .then([{ type: 'HandlingClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } }]);
  });

  it('given a ticket routing never had (answered at first contact) or closed already, then nothing', () => {
    given().when(close('satisfied')).then([]);
    given(routed, claimedByAna, resultRound(1), { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } })
      .when(close('satisfied'))
      .then([]);
  });

  it('given a closed ticket, then progress is refused', () => {
    given(routed, claimedByAna, resultRound(1), { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } })
      .when(command('ReportProgress', { note: 'x' }, ana))
      .thenThrows('PRECONDITION_FAILED');
  });
});

describe('ownership: only the responsible handler works a claimed ticket', () => {
  it('given a colleague of the responsible handler, then progress, a result and passing it on are forbidden, naming the holder', () => {
    for (const cmd of [
      command('ReportProgress', { note: 'I had a look too.' }, bo),
      command('ReportResult', { summary: 'Refund issued.' }, bo),
      command('RequestTransfer', { toDepartment: 'logistics', reason: 'Looks like a parcel question.' }, bo),
    ]) {
      given(routed, claimedByAna, planned).when(cmd).thenThrows('FORBIDDEN');
      let refusal: DomainError | undefined;
      try {
        decide(cmd, [routed, claimedByAna, planned].reduce(evolve, initialState), policy);
      } catch (error) {
        refusal = error as DomainError;
      }
      expect(refusal?.message).toMatch(/h-ana is the responsible handler/);
      expect(refusal?.details).toEqual({ handlerId: 'h-ana' });
    }
  });

  it('given the department manager stepping in, then progress is recorded as for the responsible handler', () => {
    given(routed, claimedByAna, planned)
      .when(command('ReportProgress', { note: 'Bank confirmed; refund tomorrow.' }, billingManager))
      .then([
        {
          type: 'ProgressReported',
          data: { round: 1, department: 'billing', note: 'Bank confirmed; refund tomorrow.', firstResponse: false, onBehalfOf: 'h-ana' },
        },
      ]);
  });

  it('given the manager or management reporting the result, then it stays credited to the handler and says for whom', () => {
    for (const actor of [billingManager, director]) {
      given(routed, claimedByAna, planned)
        .when(command('ReportResult', { summary: 'Refund issued (round 1).' }, actor))
        .then([{ ...resultRound(1), data: { ...(resultRound(1).data as object), onBehalfOf: 'h-ana' } } as RoutingEvent]);
    }
  });

  it('given the manager passing the ticket on, then the request names the handler it was taken from', () => {
    given(routed, claimedByAna)
      .when(command('RequestTransfer', { toDepartment: 'logistics', reason: 'It is about a lost parcel, not a charge.' }, billingManager))
      .then([{ type: 'TransferRequested', data: { ...(transferToLogistics.data as object), onBehalfOf: 'h-ana' } } as RoutingEvent]);
  });

  it('given no responsible handler yet, then any handler of the department may pass it on', () => {
    given(routed).when(command('RequestTransfer', { toDepartment: 'logistics', reason: 'It is about a lost parcel, not a charge.' }, bo)).then([transferToLogistics]);
  });

  it('given a reassigned ticket, then the new handler works it and the old one no longer may', () => {
    const toBo: RoutingEvent = {
      type: 'HandlerAssigned',
      data: { department: 'billing', handlerId: 'h-bo', method: 'manager', reason: 'Ana is on leave', previousHandlerId: 'h-ana' },
    };
    given(routed, claimedByAna, toBo)
      .when(command('ReportProgress', { note: 'Taking over.' }, bo))
      .then([{ type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'Taking over.', firstResponse: true } }]);
    given(routed, claimedByAna, toBo).when(command('ReportProgress', { note: 'Still here.' }, ana)).thenThrows('FORBIDDEN');
  });

  it('given a reassignment without a reason, then it is refused naming reason; a first naming needs none', () => {
    given(routed, claimedByAna)
      .when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo' }, billingManager))
      .thenThrows('VALIDATION_FAILED', ['reason']);
    given(routed, claimedByAna)
      .when(command('AssignHandler', { mode: 'manager', handlerId: 'h-bo', reason: '   ' }, director))
      .thenThrows('VALIDATION_FAILED', ['reason']);
  });
});

// ---------------------------------------------------------------------------------------------
// Time: the paused resolution clock, and a priority changed mid-round

describe('the paused resolution clock', () => {
  const MAX_PAUSE = 3 * 24 * 60; // the default escalation policy's maxPauseMinutes
  const pause = (actor: Actor, minutes: number, reason: 'waiting_on_customer' | 'waiting_on_third_party' = 'waiting_on_customer', note?: string) =>
    command('PauseClock', { reason, ...(note !== undefined && { note }) }, actor, at(minutes));
  const resume = (actor: Actor, minutes: number) => command('ResumeClock', {}, actor, at(minutes));
  const check = (minutes: number) => command('CheckDeadlines', {}, routingProcess, at(minutes));
  const paused = (minutes: number, extra: { onBehalfOf?: string; note?: string } = {}): RoutingEvent => ({
    type: 'ResolutionClockPaused',
    data: {
      round: 1,
      department: 'billing',
      reason: 'waiting_on_customer',
      ...(extra.note !== undefined && { note: extra.note }),
      handlerId: 'h-ana',
      ...(extra.onBehalfOf !== undefined && { onBehalfOf: extra.onBehalfOf }),
      pausedAt: iso(minutes),
      resolutionDueAt: iso(1440),
      resumeBy: iso(minutes + MAX_PAUSE),
    },
  });
  const resumed = (
    from: number,
    until: number,
    trigger: 'handler' | 'customer' | 'limit' | 'result' | 'transfer',
    extra: { onBehalfOf?: string; department?: string } = {},
  ): RoutingEvent => ({
    type: 'ResolutionClockResumed',
    data: {
      round: 1,
      department: extra.department ?? 'billing',
      trigger,
      reason: 'waiting_on_customer',
      pausedAt: iso(from),
      resumedAt: iso(until),
      pausedMinutes: until - from,
      ...(extra.onBehalfOf !== undefined && { onBehalfOf: extra.onBehalfOf }),
      deadlines: deadlinesFrom(0, 1440 + (until - from)),
    },
  });

  it('given a claimed ticket, then its handler pauses the resolution clock, saying why, until the maximum pause at the latest', () => {
    given(routed, claimedByAna, planned)
      .when(pause(ana, 60, 'waiting_on_customer', '  The bank statement from the customer. '))
      .then([paused(60, { note: 'The bank statement from the customer.' })]);
  });

  it("given the department's manager or management, then they pause it for the handler; another handler is refused", () => {
    given(routed, claimedByAna, planned).when(pause(billingManager, 60)).then([paused(60, { onBehalfOf: 'h-ana' })]);
    given(routed, claimedByAna, planned).when(pause(director, 60)).then([paused(60, { onBehalfOf: 'h-ana' })]);
    given(routed, claimedByAna, planned).when(pause(bo, 60)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna, planned).when(pause(lou, 60)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna, planned).when(pause(csAgent, 60)).thenThrows('FORBIDDEN');
  });

  it('given nobody holds the ticket, a clock paused already, or a reason not on the list, then it is refused', () => {
    given(routed).when(pause(ana, 60)).thenThrows('PRECONDITION_FAILED');
    given(routed, claimedByAna, paused(30)).when(pause(ana, 60)).thenThrows('CONFLICT');
    given(routed, claimedByAna)
      .when(command('PauseClock', { reason: 'lunch' as never }, ana, at(60)))
      .thenThrows('VALIDATION_FAILED', 'reason');
    given(routed, claimedByAna, planned, resultRound(1)).when(pause(ana, 60)).thenThrows('PRECONDITION_FAILED');
  });

  it('given a paused clock, then the handler resumes it and the resolution deadline moves later by the time paused', () => {
    given(routed, claimedByAna, planned, paused(60)).when(resume(ana, 180)).then([resumed(60, 180, 'handler')]);
    given(routed, claimedByAna, planned, paused(60)).when(resume(billingManager, 180)).then([resumed(60, 180, 'handler', { onBehalfOf: 'h-ana' })]);
    given(routed, claimedByAna, planned, paused(60)).when(resume(bo, 180)).thenThrows('FORBIDDEN');
  });

  it('given a clock that runs (resumed already), then resuming records nothing', () => {
    given(routed, claimedByAna, planned).when(resume(ana, 180)).then([]);
    given(routed, claimedByAna, planned, paused(60), resumed(60, 180, 'handler')).when(resume(ana, 200)).then([]);
  });

  it('given a paused clock, then the sweep neither warns of nor breaches the resolution deadline', () => {
    given(routed, claimedByAna, planned, paused(60)).when(check(1440 - 60)).then([]);
    given(routed, claimedByAna, planned, paused(60)).when(check(1441)).then([]);
    given(routed, claimedByAna, planned, paused(60)).when(check(60 + MAX_PAUSE - 1)).then([]);
  });

  it('given a paused clock that the department forgot to resume, then the sweep resumes it at the maximum pause, however late it comes', () => {
    given(routed, claimedByAna, planned, paused(60))
      .when(check(60 + MAX_PAUSE + 100))
      .then([resumed(60, 60 + MAX_PAUSE, 'limit')]);
    // Resumed late in its moved deadline's warning time: warned in the same check.
    const movedDue = 1440 + MAX_PAUSE;
    given(routed, claimedByAna, planned, paused(60))
      .when(check(movedDue - 60))
      .then([
        resumed(60, 60 + MAX_PAUSE, 'limit'),
        { type: 'DeadlineApproaching', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(movedDue), handlerId: 'h-ana' } },
      ]);
  });

  it('given a paused clock, then the first response is still owed: its deadline runs', () => {
    given(routed, claimedByAna, paused(10))
      .when(check(31))
      .then([
        { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: iso(30) } },
        {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', dueAt: iso(30), reason: `first response was due at ${iso(30)}` },
        },
      ]);
  });

  it('given a resumed clock, then the moved deadline is the one the sweep breaches', () => {
    // Past the old due time: warned of the moved one, not breached.
    given(routed, claimedByAna, planned, paused(60), resumed(60, 180, 'handler'))
      .when(check(1441))
      .then([{ type: 'DeadlineApproaching', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(1560), handlerId: 'h-ana' } }]);
    given(routed, claimedByAna, planned, paused(60), resumed(60, 180, 'handler'), {
      type: 'DeadlineApproaching',
      data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(1560), handlerId: 'h-ana' },
    })
      .when(check(1561))
      .then([
        { type: 'DeadlineBreached', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(1560) } },
        {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'resolution_overdue', round: 1, department: 'billing', dueAt: iso(1560), reason: `resolution was due at ${iso(1560)}` },
        },
      ]);
  });

  it('given a paused clock, then a result ends the pause where it is given', () => {
    const [, result] = given(routed, claimedByAna, planned, paused(60))
      .when(command('ReportResult', { summary: 'Refund issued once the statement arrived.' }, ana, at(300)))
      .then([
        resumed(60, 300, 'result'),
        { type: 'ResultReported', data: { round: 1, department: 'billing', handlerId: 'h-ana', summary: 'Refund issued once the statement arrived.', complaint: false } },
      ]);
    expect(result?.type).toBe('ResultReported');
  });

  it('given a paused clock, then a transfer accepted ends the pause: the next department does not inherit the wait', () => {
    given(routed, claimedByAna, planned, paused(60), transferToLogistics)
      .when(command('AcceptTransfer', {}, lou, at(120)))
      .then([resumed(60, 120, 'transfer'), acceptedByLogistics]);
  });

  describe("the customer's answer", () => {
    const answer = (actor: Actor, minutes: number, words = 'The statement is in the mail now.') => command('RecordCustomerAnswer', { answer: words }, actor, at(minutes));
    const answered = (recordedBy: string, extra: { handlerId?: string } = { handlerId: 'h-ana' }): RoutingEvent => ({
      type: 'CustomerAnswered',
      data: { round: 1, department: 'billing', recordedBy, ...extra, answer: 'The statement is in the mail now.' },
    });

    it('given a clock paused waiting on the customer, when CS records their answer, then the answer is on the ticket and the clock resumes with it', () => {
      given(routed, claimedByAna, planned, paused(60))
        .when(answer(csAgent, 200))
        .then([answered(csAgent.id), resumed(60, 200, 'customer')]);
    });

    it('given a clock paused on a third party, then the answer is recorded and the clock keeps standing', () => {
      const onCourier = { ...paused(60), data: { ...(paused(60).data as object), reason: 'waiting_on_third_party' } } as RoutingEvent;
      given(routed, claimedByAna, planned, onCourier).when(answer(csAgent, 200)).then([answered(csAgent.id)]);
    });

    it('given a running clock or nobody holding the ticket yet, then the answer is recorded for the department, with nothing to resume', () => {
      given(routed, claimedByAna, planned).when(answer(ana, 200)).then([answered('h-ana')]);
      given(routed).when(answer(csAgent, 200)).then([answered(csAgent.id, {})]);
    });

    it('given another department, a result reported or an empty answer, then it is refused', () => {
      given(routed, claimedByAna, planned, paused(60)).when(answer(lou, 200)).thenThrows('FORBIDDEN');
      given(routed, claimedByAna, planned, resultRound(1)).when(answer(csAgent, 200)).thenThrows('PRECONDITION_FAILED');
      given(routed, claimedByAna, planned, paused(60)).when(answer(csAgent, 200, '   ')).thenThrows('VALIDATION_FAILED', 'answer');
    });
  });

  it('given a paused clock, then a new round starts with its clock running', () => {
    const history = [routed, claimedByAna, planned, paused(60), resumed(60, 300, 'result'), resultRound(1), reopened(2, 600)];
    given(...history)
      .when(pause(ana, 700))
      .then([
        {
          type: 'ResolutionClockPaused',
          data: { round: 2, department: 'billing', reason: 'waiting_on_customer', handlerId: 'h-ana', pausedAt: iso(700), resolutionDueAt: iso(600 + 1440), resumeBy: iso(700 + MAX_PAUSE) },
        },
      ]);
  });
});

describe('ChangePriority: the deadlines re-targeted without losing the time spent', () => {
  const change = (actor: Actor, priority: 'low' | 'normal' | 'high' | 'urgent', minutes: number, reason = 'The customer is a hospital: urgent.') =>
    command('ChangePriority', { priority, reason }, actor, at(minutes));
  const pausedAt60: RoutingEvent = {
    type: 'ResolutionClockPaused',
    data: { round: 1, department: 'billing', reason: 'waiting_on_third_party', handlerId: 'h-ana', pausedAt: iso(60), resolutionDueAt: iso(1440), resumeBy: iso(60 + 4320) },
  };
  const resumedAt180: RoutingEvent = {
    type: 'ResolutionClockResumed',
    data: {
      round: 1,
      department: 'billing',
      trigger: 'handler',
      reason: 'waiting_on_third_party',
      pausedAt: iso(60),
      resumedAt: iso(180),
      pausedMinutes: 120,
      deadlines: deadlinesFrom(0, 1560),
    },
  };
  const urgent = (resolutionMinutes: number, previous: Deadlines): RoutingEvent => ({
    type: 'PriorityChanged',
    data: {
      round: 1,
      department: 'billing',
      previousPriority: 'normal',
      priority: 'urgent',
      reason: 'The customer is a hospital: urgent.',
      previousDeadlines: previous,
      deadlines: deadlinesFrom(0, resolutionMinutes),
    },
  });

  it("given a ticket in hand, then the manager's new priority counts its deadlines from the round's start", () => {
    given(routed, claimedByAna, planned).when(change(billingManager, 'urgent', 200)).then([urgent(240, deadlinesFrom(0))]);
    given(routed).when(change(director, 'urgent', 10)).then([urgent(240, deadlinesFrom(0))]);
  });

  it('given a pause that has ended, then the new deadline is moved past it too: the time paused stays off the clock', () => {
    given(routed, claimedByAna, planned, pausedAt60, resumedAt180).when(change(billingManager, 'urgent', 200)).then([urgent(240 + 120, deadlinesFrom(0, 1560))]);
  });

  it('given a new priority, then the sweep judges the round by the new deadline', () => {
    given(routed, claimedByAna, planned, urgent(240, deadlinesFrom(0)))
      .when(command('CheckDeadlines', {}, routingProcess, at(241)))
      .then([
        { type: 'DeadlineBreached', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(240) } },
        {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'resolution_overdue', round: 1, department: 'billing', dueAt: iso(240), reason: `resolution was due at ${iso(240)}` },
        },
      ]);
  });

  it('given the same priority, then nothing changes; a handler may not change it; a reason is required', () => {
    given(routed, claimedByAna).when(change(billingManager, 'normal', 60)).then([]);
    given(routed, claimedByAna).when(change(ana, 'urgent', 60)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(change(logisticsManager, 'urgent', 60)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(change(billingManager, 'urgent', 60, '  ')).thenThrows('VALIDATION_FAILED', 'reason');
    given(routed, claimedByAna).when(command('ChangePriority', { priority: 'asap' as never, reason: 'r' }, billingManager, at(60))).thenThrows('VALIDATION_FAILED', 'priority');
  });

  it('given a result reported, then the round has no clock left to re-target', () => {
    given(routed, claimedByAna, planned, resultRound(1)).when(change(billingManager, 'urgent', 60)).thenThrows('PRECONDITION_FAILED');
  });

  it('given a transfer accepted, then the deadlines are kept: the policy promises by type and priority, not by department', () => {
    const [accepted] = given(routed, claimedByAna, transferToLogistics).when(command('AcceptTransfer', {}, lou, at(60))).then([acceptedByLogistics]);
    const state = [routed, claimedByAna, transferToLogistics, accepted!].reduce(evolve, initialState);
    expect(state.status !== 'unrouted' && state.ticket.deadlines).toEqual(deadlinesFrom(0));
  });
});

describe('HandOnFromAway: the responsible handler is away', () => {
  const candidates = [
    { handlerId: 'h-ana', openTickets: 0, skills: [] },
    { handlerId: 'h-bo', openTickets: 1, skills: [] },
  ];
  const handOn = (data: Partial<{ strategy: 'least_loaded'; candidates: typeof candidates }>, actor: Actor = person('system:routing-assignment', 'system')) =>
    command('HandOnFromAway', { awayHandlerId: 'h-ana', ...data, candidates: data.candidates ?? candidates }, actor);

  it('hands the ticket to a free colleague by the strategy, never back to the away handler, saying why', () => {
    given(routed, claimedByAna)
      .when(handOn({ strategy: 'least_loaded' }))
      .then([
        {
          type: 'HandlerAssigned',
          data: {
            department: 'billing',
            handlerId: 'h-bo',
            method: 'least_loaded',
            reason: 'away: h-ana is away; least loaded: 1 open ticket, fewest of 1 candidates',
            previousHandlerId: 'h-ana',
          },
        },
      ]);
  });

  it('puts the ticket back in the queue when nobody is free, or the department assigns by hand', () => {
    const released: RoutingEvent = { type: 'HandlerReleased', data: { department: 'billing', round: 1, previousHandlerId: 'h-ana', reason: 'away' } };
    given(routed, claimedByAna).when(handOn({ strategy: 'least_loaded', candidates: [] })).then([released]);
    given(routed, claimedByAna).when(handOn({})).then([released]);
    // Back in the queue, a ticket waits for a handler again.
    given(routed, claimedByAna, released)
      .when(command('ClaimTicket', {}, bo))
      .then([{ type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-bo', method: 'claim', reason: 'claimed by the handler' } }]);
  });

  it('changes nothing once someone else holds the ticket or it has moved on; only the system hands on', () => {
    given(routed).when(handOn({ strategy: 'least_loaded' })).then([]);
    given(routed, claimedByAna, planned, resultRound(1)).when(handOn({ strategy: 'least_loaded' })).then([]);
    given(routed, claimedByAna).when(handOn({ strategy: 'least_loaded' }, billingManager)).thenThrows('FORBIDDEN');
  });
});

describe('sub-requests: one ticket asking several departments at once', () => {
  const logisticsMgr = logisticsManager;
  const open = (actor: Actor, department = 'logistics', subRequestId = 'sr-1') =>
    command('OpenSubRequest', { subRequestId, department, reason: 'Where is the parcel the customer was charged for?' }, actor, at(10));
  const opened = (overrides: Partial<Extract<RoutingEvent, { type: 'SubRequestOpened' }>['data']> = {}): RoutingEvent => ({
    type: 'SubRequestOpened',
    data: {
      subRequestId: 'sr-1',
      round: 1,
      department: 'logistics',
      leadDepartment: 'billing',
      reason: 'Where is the parcel the customer was charged for?',
      deadlines: deadlinesFrom(10),
      ...overrides,
    },
  });
  const claimedByLou: RoutingEvent = {
    type: 'SubRequestAssigned',
    data: { subRequestId: 'sr-1', department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'claimed by the handler' },
  };
  const louAnswered: RoutingEvent = {
    type: 'SubRequestAnswered',
    data: { subRequestId: 'sr-1', round: 1, department: 'logistics', handlerId: 'h-lou', summary: 'Delivered to the wrong address; re-sent today.' },
  };
  const result = (actor: Actor = ana) => command('ReportResult', { summary: 'Refund issued.' }, actor, at(60));

  it('given a ticket its department works, then CS, its responsible handler or management asks another department, with its own deadlines from now', () => {
    given(routed).when(open(csAgent)).then([opened()]);
    given(routed, claimedByAna).when(open(ana)).then([opened()]);
    given(routed, claimedByAna).when(open(director)).then([opened({ onBehalfOf: 'h-ana' })]);
  });

  it('given a claimed ticket, then a colleague of its handler, another department, QA or an auditor may not ask', () => {
    given(routed, claimedByAna).when(open(bo)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(open(lou)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(open(inspector)).thenThrows('FORBIDDEN');
    given(routed, claimedByAna).when(open(auditor)).thenThrows('FORBIDDEN');
  });

  it('refuses the ticket’s own department, an empty reason, a second open one to the same department, and a ticket with its result given', () => {
    given(routed).when(open(csAgent, 'billing')).thenThrows('VALIDATION_FAILED', 'department');
    given(routed).when(command('OpenSubRequest', { subRequestId: 'sr-1', department: 'logistics', reason: '  ' }, csAgent)).thenThrows('VALIDATION_FAILED', 'reason');
    given(routed, opened()).when(open(csAgent, 'logistics', 'sr-2')).thenThrows('CONFLICT');
    given(routed, claimedByAna, resultRound(1)).when(open(csAgent)).thenThrows('PRECONDITION_FAILED');
  });

  it('given the same sub-request asked again (a repeated request), then nothing new', () => {
    given(routed, opened()).when(open(csAgent)).then([]);
  });

  it('given a sub-request, then a handler of the asked department claims it; a second claim is a conflict; the lead department cannot', () => {
    given(routed, opened()).when(command('ClaimSubRequest', { subRequestId: 'sr-1' }, lou)).then([claimedByLou]);
    given(routed, opened(), claimedByLou).when(command('ClaimSubRequest', { subRequestId: 'sr-1' }, lou)).then([]);
    given(routed, opened(), claimedByLou).when(command('ClaimSubRequest', { subRequestId: 'sr-1' }, person('h-lee', 'department_handler', 'logistics'))).thenThrows('CONFLICT');
    given(routed, opened()).when(command('ClaimSubRequest', { subRequestId: 'sr-1' }, ana)).thenThrows('FORBIDDEN');
    // An unknown sub-request: the ticket's department hears so; another learns nothing of the ticket.
    given(routed, opened()).when(command('ClaimSubRequest', { subRequestId: 'sr-9' }, ana)).thenThrows('NOT_FOUND');
    given(routed, opened()).when(command('ClaimSubRequest', { subRequestId: 'sr-9' }, lou)).thenThrows('FORBIDDEN');
  });

  it("given a claimed sub-request, then its manager reassigns it saying why", () => {
    given(routed, opened(), claimedByLou)
      .when(command('AssignSubRequest', { subRequestId: 'sr-1', handlerId: 'h-lee', reason: 'Lou is on the road' }, logisticsMgr))
      .then([
        {
          type: 'SubRequestAssigned',
          data: { subRequestId: 'sr-1', department: 'logistics', handlerId: 'h-lee', method: 'manager', reason: 'Lou is on the road', previousHandlerId: 'h-lou' },
        },
      ]);
    given(routed, opened(), claimedByLou).when(command('AssignSubRequest', { subRequestId: 'sr-1', handlerId: 'h-lee' }, logisticsMgr)).thenThrows('VALIDATION_FAILED', 'reason');
    given(routed, opened()).when(command('AssignSubRequest', { subRequestId: 'sr-1', handlerId: 'h-lee' }, billingManager)).thenThrows('FORBIDDEN');
  });

  it('given a claimed sub-request, then only its handler, or its manager for them, reports progress and answers', () => {
    given(routed, opened(), claimedByLou)
      .when(command('ReportSubRequestProgress', { subRequestId: 'sr-1', note: 'Asking the carrier.' }, lou))
      .then([{ type: 'SubRequestProgressReported', data: { subRequestId: 'sr-1', round: 1, department: 'logistics', note: 'Asking the carrier.', firstResponse: true } }]);
    given(routed, opened(), claimedByLou)
      .when(command('AnswerSubRequest', { subRequestId: 'sr-1', summary: 'Delivered to the wrong address; re-sent today.' }, lou))
      .then([louAnswered]);
    given(routed, opened(), claimedByLou)
      .when(command('AnswerSubRequest', { subRequestId: 'sr-1', summary: 'Delivered to the wrong address; re-sent today.' }, logisticsMgr))
      .then([{ ...louAnswered, data: { ...(louAnswered.data as object), onBehalfOf: 'h-lou' } } as RoutingEvent]);
    given(routed, opened(), claimedByLou)
      .when(command('AnswerSubRequest', { subRequestId: 'sr-1', summary: 'x' }, person('h-lee', 'department_handler', 'logistics')))
      .thenThrows('FORBIDDEN');
    given(routed, opened()).when(command('AnswerSubRequest', { subRequestId: 'sr-1', summary: 'x' }, logisticsMgr)).thenThrows('PRECONDITION_FAILED');
    given(routed, opened(), claimedByLou, louAnswered).when(command('AnswerSubRequest', { subRequestId: 'sr-1', summary: 'again' }, lou)).thenThrows('PRECONDITION_FAILED');
  });

  it("given an open sub-request, then the ticket's result waits for it; once answered the result carries the answer to CS", () => {
    given(routed, claimedByAna, opened(), claimedByLou).when(result()).thenThrows('PRECONDITION_FAILED');
    given(routed, claimedByAna, opened(), claimedByLou, louAnswered)
      .when(result())
      .then([
        {
          type: 'ResultReported',
          data: {
            round: 1,
            department: 'billing',
            handlerId: 'h-ana',
            summary: 'Refund issued.',
            complaint: false,
            subRequests: [{ subRequestId: 'sr-1', department: 'logistics', outcome: 'answered', summary: 'Delivered to the wrong address; re-sent today.', handlerId: 'h-lou' }],
          },
        },
      ]);
  });

  it('given an open sub-request, then only management closes it, with a reason, and the result goes on without its answer', () => {
    const closed: RoutingEvent = {
      type: 'SubRequestClosed',
      data: { subRequestId: 'sr-1', round: 1, department: 'logistics', reason: 'The carrier confirmed by phone.', handlerId: 'h-lou' },
    };
    given(routed, claimedByAna, opened(), claimedByLou)
      .when(command('CloseSubRequest', { subRequestId: 'sr-1', reason: 'The carrier confirmed by phone.' }, director))
      .then([closed]);
    given(routed, opened()).when(command('CloseSubRequest', { subRequestId: 'sr-1', reason: 'x' }, logisticsMgr)).thenThrows('FORBIDDEN');
    given(routed, opened()).when(command('CloseSubRequest', { subRequestId: 'sr-1', reason: '' }, director)).thenThrows('VALIDATION_FAILED', 'reason');
    given(routed, opened(), claimedByLou, closed).when(command('CloseSubRequest', { subRequestId: 'sr-1', reason: 'again' }, director)).then([]);
    given(routed, claimedByAna, opened(), claimedByLou, closed)
      .when(result())
      .then([
        {
          type: 'ResultReported',
          data: {
            round: 1,
            department: 'billing',
            handlerId: 'h-ana',
            summary: 'Refund issued.',
            complaint: false,
            subRequests: [{ subRequestId: 'sr-1', department: 'logistics', outcome: 'closed_by_management', summary: 'The carrier confirmed by phone.', handlerId: 'h-lou' }],
          },
        },
      ]);
  });

  describe("a sub-request's own deadlines, swept by CheckDeadlines", () => {
    // Opened at 10: its first response is due at 40 (warned from 30), its answer at 1450.
    const check = (minutes: number) => command('CheckDeadlines', {}, routingProcess, at(minutes));
    const trigger = (kind: 'first_response' | 'resolution') => (kind === 'first_response' ? 'first_response_overdue' : 'resolution_overdue');
    const what = (kind: 'first_response' | 'resolution') => (kind === 'first_response' ? "sub-request's first response" : "sub-request's answer");
    const warned = (deadline: 'first_response' | 'resolution', dueMinutes: number, handlerId: string | null): RoutingEvent => ({
      type: 'DeadlineApproaching',
      data: { deadline, round: 1, department: 'logistics', dueAt: iso(dueMinutes), handlerId, subRequestId: 'sr-1' },
    });
    const breached = (deadline: 'first_response' | 'resolution', dueMinutes: number): RoutingEvent => ({
      type: 'DeadlineBreached',
      data: { deadline, round: 1, department: 'logistics', dueAt: iso(dueMinutes), subRequestId: 'sr-1' },
    });
    const toManager = (kind: 'first_response' | 'resolution', dueMinutes: number): RoutingEvent => ({
      type: 'TicketEscalated',
      data: {
        level: 'department_manager',
        trigger: trigger(kind),
        round: 1,
        department: 'logistics',
        dueAt: iso(dueMinutes),
        subRequestId: 'sr-1',
        reason: `${what(kind)} was due at ${iso(dueMinutes)}`,
      },
    });
    const toManagement = (kind: 'first_response' | 'resolution', dueMinutes: number, grace: number): RoutingEvent => ({
      type: 'TicketEscalated',
      data: {
        level: 'management',
        trigger: trigger(kind),
        round: 1,
        department: 'logistics',
        dueAt: iso(dueMinutes),
        subRequestId: 'sr-1',
        reason: `${what(kind)} still missing ${grace} minutes after ${iso(dueMinutes)}`,
      },
    });
    const involved: RoutingEvent = { type: 'ManagementInvolved', data: { reason: 'deadline_escalation' } };
    const louProgress: RoutingEvent = {
      type: 'SubRequestProgressReported',
      data: { subRequestId: 'sr-1', round: 1, department: 'logistics', note: 'Asking the carrier.', firstResponse: true },
    };
    // The lead department has given its first response: only the sub-request's clocks are near.
    const lead = [routed, claimedByAna, planned] as const;

    it('given its deadline within the warning time, then its handler, or the department asked while nobody holds it, is warned once', () => {
      given(...lead, opened()).when(check(29)).then([]);
      given(...lead, opened()).when(check(30)).then([warned('first_response', 40, null)]);
      given(...lead, opened(), claimedByLou).when(check(35)).then([warned('first_response', 40, 'h-lou')]);
      given(...lead, opened(), warned('first_response', 40, null), claimedByLou).when(check(39)).then([]);
      const leadWarned: RoutingEvent = {
        type: 'DeadlineApproaching',
        data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(1440), handlerId: 'h-ana' },
      };
      given(...lead, leadWarned, opened(), claimedByLou, louProgress).when(check(1330)).then([warned('resolution', 1450, 'h-lou')]);
    });

    it("given it missed, then it is breached and escalated to the asked department's manager, then to management after its grace, each once", () => {
      given(...lead, opened()).when(check(41)).then([breached('first_response', 40), toManager('first_response', 40)]);
      given(...lead, opened(), breached('first_response', 40), toManager('first_response', 40)).when(check(99)).then([]);
      given(...lead, opened(), breached('first_response', 40), toManager('first_response', 40))
        .when(check(100))
        .then([toManagement('first_response', 40, 60), involved]);
      given(...lead, opened()).when(check(100)).then([breached('first_response', 40), toManager('first_response', 40), toManagement('first_response', 40, 60), involved]);
      given(...lead, opened(), breached('first_response', 40), toManager('first_response', 40), toManagement('first_response', 40, 60), involved)
        .when(check(1000))
        .then([]);
    });

    it("given the round's own deadline missed too, then each is breached on its own: one does not stand for the other", () => {
      given(routed, opened()).when(check(41)).then([
        { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: iso(30) } },
        {
          type: 'TicketEscalated',
          data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', dueAt: iso(30), reason: `first response was due at ${iso(30)}` },
        },
        breached('first_response', 40),
        toManager('first_response', 40),
      ]);
      given(routed, opened(), breached('first_response', 40), toManager('first_response', 40))
        .when(check(41))
        .then([
          { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: iso(30) } },
          {
            type: 'TicketEscalated',
            data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', dueAt: iso(30), reason: `first response was due at ${iso(30)}` },
          },
        ]);
    });

    it('given it answered, closed by management, or its first response given, then those clocks are no longer swept', () => {
      const closed: RoutingEvent = {
        type: 'SubRequestClosed',
        data: { subRequestId: 'sr-1', round: 1, department: 'logistics', reason: 'The carrier confirmed by phone.', handlerId: 'h-lou' },
      };
      given(...lead, opened(), claimedByLou, louAnswered).when(check(1200)).then([]);
      given(...lead, opened(), claimedByLou, closed).when(check(1200)).then([]);
      given(...lead, opened(), claimedByLou, louProgress).when(check(1200)).then([]);
    });
  });

  it("given a new round, then the last round's answered sub-requests are not asked again", () => {
    given(routed, claimedByAna, opened(), claimedByLou, louAnswered, resultRound(1), reopened(2, 100))
      .when(result())
      .then([{ type: 'ResultReported', data: { round: 2, department: 'billing', handlerId: 'h-ana', summary: 'Refund issued.', complaint: false } }]);
  });
});
