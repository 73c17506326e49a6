import { DeciderSpecification } from '@handoff/testing';
import { type Actor, DomainError, type DomainErrorCode, FOLLOWUP_EVENTS, type FollowupEvent } from '@handoff/contracts';
import { type FollowupCommand, type FollowupPolicy, decide, evolve, initialState } from './confirmations.decider';

const NOW = new Date('2025-03-04T02:00:00.000Z');
const policy: FollowupPolicy = { maxRounds: 3, maxContactAttempts: 3 };

const csAgent: Actor = { id: 'agent-1', role: 'cs' };
const followupProcess: Actor = { id: 'followup-process', role: 'system' };

function command<T extends FollowupCommand['type']>(
  type: T,
  data: Extract<FollowupCommand, { type: T }>['data'],
  actor: Actor = csAgent,
): FollowupCommand {
  return { type, data, metadata: { now: NOW, actor, correlationId: 'corr-1', causationId: 'cause-1' } } as FollowupCommand;
}

const specification = DeciderSpecification.for({ initialState, evolve, decide: (command: FollowupCommand, state) => decide(command, state, policy) }, FOLLOWUP_EVENTS);
const given = (...history: FollowupEvent[]) => specification.given(...history);

afterAll(() => specification.expectEveryEventEmitted());

// ---------------------------------------------------------------------------------------------

const requested = (round: number): FollowupEvent => ({
  type: 'ConfirmationRequested',
  data: { round, resolvedBy: 'department', department: 'billing', resultSummary: `Refund issued (round ${round}).` },
});
const requestFor = (round: number) =>
  command(
    'RequestConfirmation',
    { round, resolvedBy: 'department', department: 'billing', resultSummary: `Refund issued (round ${round}).` },
    followupProcess,
  );
const firstContactRequested: FollowupEvent = {
  type: 'ConfirmationRequested',
  data: { round: 0, resolvedBy: 'first_contact', resultSummary: 'Saturdays 09:00 to 17:00.' },
};
const objected = (round: number): FollowupEvent => ({
  type: 'CustomerObjected',
  data: { round, resolvedBy: 'department', department: 'billing', objection: 'The refund has not arrived.' },
});
const satisfied = { satisfied: true } as const;
const notSatisfied = { satisfied: false, objection: ' The refund has not arrived. ' } as const;
const attemptFailed = (round: number, attempt: number): FollowupEvent => ({
  type: 'ContactAttemptFailed',
  data: { round, attempt, note: 'no answer' },
});

describe('RequestConfirmation', () => {
  it("given a department's result, then CS is asked to confirm it with the customer", () => {
    given().when(requestFor(1)).then([requested(1)]);
  });

  it("given a complaint's result, then the apology and corrective action go to CS with it", () => {
    given()
      .when(
        command(
          'RequestConfirmation',
          {
            round: 1,
            resolvedBy: 'department',
            department: 'billing',
            resultSummary: 'Refunded.',
            apology: 'We are sorry.',
            correctiveAction: 'Daily reconciliation.',
          },
          followupProcess,
        ),
      )
      .then([
        {
          type: 'ConfirmationRequested',
          data: {
            round: 1,
            resolvedBy: 'department',
            department: 'billing',
            resultSummary: 'Refunded.',
            apology: 'We are sorry.',
            correctiveAction: 'Daily reconciliation.',
          },
        },
      ]);
  });

  it("given CS's first-contact answer, then it is round 0", () => {
    given()
      .when(command('RequestConfirmation', { round: 0, resolvedBy: 'first_contact', resultSummary: 'Saturdays 09:00 to 17:00.' }, followupProcess))
      .then([firstContactRequested]);
  });

  it('given the same result again (redelivered), then nothing', () => {
    given(requested(1)).when(requestFor(1)).then([]);
    given(requested(1), objected(1), requested(2)).when(requestFor(1)).then([]);
  });

  it('given the next round after an objection, then a new confirmation', () => {
    given(requested(1), objected(1)).when(requestFor(2)).then([requested(2)]);
  });

  it('given a new round while the last is still unconfirmed, or after closing, then it is refused', () => {
    given(requested(1)).when(requestFor(2)).thenThrows('PRECONDITION_FAILED');
    given(requested(1), { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } }).when(requestFor(2)).thenThrows('PRECONDITION_FAILED');
  });

  it('given rounds that do not fit who resolved it, then it is refused naming round', () => {
    given().when(command('RequestConfirmation', { round: 1, resolvedBy: 'first_contact', resultSummary: 'x' }, followupProcess)).thenThrows('VALIDATION_FAILED', 'round');
    given().when(command('RequestConfirmation', { round: 0, resolvedBy: 'department', department: 'billing', resultSummary: 'x' }, followupProcess)).thenThrows('VALIDATION_FAILED', 'round');
  });

  it('given an empty summary, then it is refused naming resultSummary', () => {
    given().when(command('RequestConfirmation', { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: '' }, followupProcess)).thenThrows('VALIDATION_FAILED', 'resultSummary');
  });

  it('given a person rather than the process, then it is forbidden', () => {
    given().when({ ...requestFor(1), metadata: { ...requestFor(1).metadata, actor: csAgent } }).thenThrows('FORBIDDEN');
  });
});

describe('RecordConfirmation', () => {
  it('given the customer is satisfied, then it is confirmed and the ticket closes satisfied', () => {
    given(requested(1))
      .when(command('RecordConfirmation', satisfied))
      .then([
        { type: 'CustomerConfirmedSatisfaction', data: { round: 1 } },
        { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } },
      ]);
  });

  it('given the customer is not satisfied, then the objection is recorded for another round', () => {
    given(requested(1)).when(command('RecordConfirmation', notSatisfied)).then([objected(1)]);
  });

  it('given an objection to a first-contact answer, then it says so (intake hands it over)', () => {
    given(firstContactRequested)
      .when(command('RecordConfirmation', { satisfied: false, objection: 'Closed that day.' }))
      .then([{ type: 'CustomerObjected', data: { round: 0, resolvedBy: 'first_contact', objection: 'Closed that day.' } }]);
  });

  it('given no objection text, then it is refused naming objection', () => {
    given(requested(1)).when(command('RecordConfirmation', { satisfied: false, objection: '  ' })).thenThrows('VALIDATION_FAILED', 'objection');
  });

  it('given three rounds, the third objected to, then the ticket is handed to management instead', () => {
    const history = [requested(1), objected(1), requested(2), objected(2), requested(3)];
    given(...history)
      .when(command('RecordConfirmation', notSatisfied))
      .then([
        {
          type: 'TicketHandedToManagement',
          data: { round: 3, department: 'billing', objection: 'The refund has not arrived.', maxRounds: 3 },
        },
      ]);
  });

  it('given a configurable cap, then it applies', () => {
    given(requested(1)).when(command('RecordConfirmation', notSatisfied), (command, state) => decide(command, state, { ...policy, maxRounds: 1 })).then([
      { type: 'TicketHandedToManagement', data: { round: 1, department: 'billing', objection: 'The refund has not arrived.', maxRounds: 1 } },
    ]);
  });

  it('given management has the ticket already, then a later objection reopens as usual', () => {
    const history: FollowupEvent[] = [
      requested(3),
      { type: 'TicketHandedToManagement', data: { round: 3, department: 'billing', objection: 'x', maxRounds: 3 } },
      requested(4),
    ];
    given(...history).when(command('RecordConfirmation', notSatisfied)).then([objected(4)]);
  });

  it('given the satisfied customer after rounds, then it closes in that round', () => {
    given(requested(1), objected(1), requested(2))
      .when(command('RecordConfirmation', satisfied))
      .then([
        { type: 'CustomerConfirmedSatisfaction', data: { round: 2 } },
        { type: 'TicketClosed', data: { outcome: 'satisfied', round: 2 } },
      ]);
  });

  it('given nothing to confirm, then not found; waiting for the next result or closed, then refused', () => {
    given().when(command('RecordConfirmation', satisfied)).thenThrows('NOT_FOUND');
    given(requested(1), objected(1)).when(command('RecordConfirmation', satisfied)).thenThrows('PRECONDITION_FAILED');
    given(requested(1), { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } })
      .when(command('RecordConfirmation', satisfied))
      .thenThrows('PRECONDITION_FAILED');
  });

  it.each(['department_handler', 'management', 'qa', 'auditor', 'system'] as const)('given the %s role, then it is forbidden', (role) => {
    given(requested(1)).when(command('RecordConfirmation', satisfied, { id: 'x', role })).thenThrows('FORBIDDEN');
  });
});

describe('RecordContactAttempt', () => {
  const attempt = () => command('RecordContactAttempt', { note: 'no answer' });

  it('given the customer not reached, then the attempt is counted', () => {
    given(requested(1)).when(attempt()).then([attemptFailed(1, 1)]);
    given(requested(1), attemptFailed(1, 1)).when(attempt()).then([attemptFailed(1, 2)]);
  });

  it('given the last allowed attempt fails, then the ticket closes unconfirmed, never as satisfied', () => {
    given(requested(1), attemptFailed(1, 1), attemptFailed(1, 2))
      .when(attempt())
      .then([attemptFailed(1, 3), { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } }]);
  });

  it('given a new round, then attempts count from zero again', () => {
    given(requested(1), attemptFailed(1, 1), attemptFailed(1, 2), objected(1), requested(2)).when(attempt()).then([attemptFailed(2, 1)]);
  });

  it('given a configurable number of attempts, then it applies', () => {
    given(requested(1))
      .when(command('RecordContactAttempt', {}), (command, state) => decide(command, state, { ...policy, maxContactAttempts: 1 }))
      .then([
        { type: 'ContactAttemptFailed', data: { round: 1, attempt: 1 } },
        { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } },
      ]);
  });

  it('given a closed ticket, then no more attempts', () => {
    given(requested(1), { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } })
      .when(attempt())
      .thenThrows('PRECONDITION_FAILED');
  });

  it('given QA, then it is forbidden', () => {
    given(requested(1)).when(command('RecordContactAttempt', {}, { id: 'q', role: 'qa' })).thenThrows('FORBIDDEN');
  });
});
