import type { HandoffEvent, RecordedEvent, RecordedOf } from '@handoff/contracts';

/**
 * One line a person can read on a ticket's timeline: what happened, who or which department,
 * which round. Built from ids, codes and counts only: no free text the customer wrote and no
 * contact details, so a summary can be shown to every role that may read the timeline.
 *
 * Expects data already checked against its contract; an event type this build does not know
 * (a newer producer) gets a generic line instead of an error.
 */
export function summarise(event: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>): string {
  const known = event as RecordedOf<HandoffEvent>;
  switch (known.type) {
    case 'ContactRecorded': {
      const { type, channel, platform } = known.data;
      return `${article(words(type))} ${words(type)} received via ${words(channel)}${platform ? ` (${platform})` : ''}`;
    }
    case 'TicketClassified': {
      const { category, priority, resolution } = known.data;
      return `classified as ${category}, priority ${priority}, ${resolution === 'first_contact' ? 'for CS to answer at first contact' : 'for a department'}`;
    }
    case 'TicketHandedOver': {
      const { reason, complaint } = known.data;
      const why = {
        classified_for_department: 'handed over to a department',
        cs_could_not_answer: 'handed over to a department: CS could not answer',
        customer_objected: 'handed over to a department after the customer objected to the first-contact answer',
      }[reason];
      return complaint ? `${why}; a complaint, so management too` : why;
    }
    case 'AnsweredAtFirstContact':
      return 'answered by CS at first contact';
    case 'TicketRouted': {
      const { department, rule, round } = known.data;
      return `routed to ${department} by rule ${rule} (round ${round})`;
    }
    case 'ManagementInvolved':
      return `management involved: ${words(known.data.reason)}`;
    case 'HandlerAssigned': {
      const { handlerId, method, previousHandlerId, department } = known.data;
      if (previousHandlerId) return `reassigned in ${department} from ${previousHandlerId} to ${handlerId} (${words(method)})`;
      return method === 'claim' ? `claimed by ${handlerId}` : `assigned in ${department} to ${handlerId} (${words(method)})`;
    }
    case 'TransferRequested':
      return `transfer from ${known.data.fromDepartment} to ${known.data.toDepartment} requested${forHandler(known.data.onBehalfOf)}`;
    case 'TransferAccepted':
      return `passed from ${known.data.fromDepartment} to ${known.data.toDepartment}`;
    case 'TransferRefused':
      return `${known.data.toDepartment} refused the transfer from ${known.data.fromDepartment}`;
    case 'ProgressReported': {
      const { department, round, firstResponse, onBehalfOf, answersUpdateRequest } = known.data;
      const answering = answersUpdateRequest ? `, answering ${answersUpdateRequest.requestedBy}'s request for an update` : '';
      return `${firstResponse ? 'first response (handling plan)' : 'progress reported'} by ${department} (round ${round})${forHandler(onBehalfOf)}${answering}`;
    }
    case 'ResultReported': {
      const { department, handlerId, round, apology, correctiveAction, onBehalfOf } = known.data;
      const remedies = [apology && 'an apology', correctiveAction && 'a corrective action'].filter(Boolean).join(' and ');
      const by = onBehalfOf ? `for ${handlerId}` : `by ${handlerId}`;
      return `result reported ${by} of ${department} (round ${round})${remedies ? `, with ${remedies}` : ''}`;
    }
    case 'TicketReopened': {
      const { round, department, previousDepartment } = known.data;
      return previousDepartment
        ? `reopened for round ${round}, moved from ${previousDepartment} to ${department}`
        : `reopened for round ${round} with ${department}`;
    }
    case 'DeadlineApproaching': {
      const { deadline, department, round, dueAt, subRequestId } = known.data;
      return `${ofSubRequest(subRequestId)}${deadline === 'first_response' ? 'first-response' : 'resolution'} deadline of ${department} due at ${dueAt}: warned (round ${round})`;
    }
    case 'DeadlineBreached': {
      const { deadline, department, round, subRequestId } = known.data;
      return `${ofSubRequest(subRequestId)}${deadline === 'first_response' ? 'first-response' : 'resolution'} deadline missed by ${department} (round ${round})`;
    }
    case 'TicketEscalated': {
      const { level, trigger, department, round, subRequestId } = known.data;
      return `${ofSubRequest(subRequestId)}escalated to ${level === 'management' ? 'management' : `the ${department} manager`}: ${words(trigger)} (${department}, round ${round})`;
    }
    case 'HandlingClosed':
      return `department handling closed (round ${known.data.round})`;
    case 'ResolutionClockPaused': {
      const { department, round, reason, resumeBy } = known.data;
      return `resolution clock of ${department} paused: ${words(reason)}, resumes by ${resumeBy} at the latest (round ${round})`;
    }
    case 'ResolutionClockResumed': {
      const { department, round, trigger, pausedMinutes, deadlines } = known.data;
      const by = { handler: 'by the department', customer: "on the customer's answer", limit: 'at the maximum pause', result: 'with the result', transfer: 'with the transfer' }[trigger];
      return `resolution clock of ${department} resumed ${by} after ${Math.round(pausedMinutes)} min; due at ${deadlines.resolutionDueAt} (round ${round})`;
    }
    case 'PriorityChanged': {
      const { department, round, previousPriority, priority, deadlines } = known.data;
      return `priority changed from ${previousPriority} to ${priority}; resolution due at ${deadlines.resolutionDueAt} (${department}, round ${round})`;
    }
    case 'TicketTakenOver': {
      const { holderId, department, round, previousHandlerId } = known.data;
      return `taken over by ${holderId} of management${previousHandlerId ? ` from ${previousHandlerId}` : ''} (${department}, round ${round})`;
    }
    case 'UpdateRequested': {
      const { requestedBy, department, handlerId, round } = known.data;
      return `${requestedBy} of management asks ${handlerId ?? department} for an update (${department}, round ${round})`;
    }
    case 'CustomerAnswered': {
      const { recordedBy, department, handlerId, round } = known.data;
      return `the customer's answer recorded by ${recordedBy} for ${handlerId ?? department} (${department}, round ${round})`;
    }
    case 'HandlerReleased': {
      const { department, previousHandlerId, round } = known.data;
      return `back in ${department}'s queue: ${previousHandlerId} is away and nobody was free (round ${round})`;
    }
    case 'SubRequestOpened': {
      const { department, leadDepartment, round, onBehalfOf } = known.data;
      return `${leadDepartment} asks ${department} for a part of the answer (sub-request, round ${round})${forHandler(onBehalfOf)}`;
    }
    case 'SubRequestAssigned': {
      const { handlerId, method, previousHandlerId, department } = known.data;
      if (previousHandlerId) return `sub-request of ${department} reassigned from ${previousHandlerId} to ${handlerId}`;
      return method === 'claim' ? `sub-request of ${department} claimed by ${handlerId}` : `sub-request of ${department} assigned to ${handlerId}`;
    }
    case 'SubRequestProgressReported': {
      const { department, round, firstResponse, onBehalfOf } = known.data;
      return `${firstResponse ? 'first response' : 'progress'} on the sub-request by ${department} (round ${round})${forHandler(onBehalfOf)}`;
    }
    case 'SubRequestAnswered': {
      const { department, handlerId, round, onBehalfOf } = known.data;
      return `sub-request answered ${onBehalfOf ? 'for' : 'by'} ${handlerId} of ${department} (round ${round})`;
    }
    case 'SubRequestClosed':
      return `sub-request of ${known.data.department} closed by management without an answer (round ${known.data.round})`;
    case 'HandlerMarkedAway': {
      const { department, handlerId, until } = known.data;
      return `${handlerId} of ${department} away${until ? ` until ${until}` : ''}`;
    }
    case 'HandlerBack':
      return `${known.data.handlerId} of ${known.data.department} back at work`;
    case 'ConfirmationRequested': {
      const { round, resolvedBy, department } = known.data;
      return resolvedBy === 'first_contact'
        ? 'CS asks the customer to confirm the first-contact answer'
        : `CS asks the customer to confirm ${department ? `the ${department} result` : 'the result'} (round ${round})`;
    }
    case 'CustomerConfirmedSatisfaction':
      return `customer satisfied${roundNote(known.data.round)}`;
    case 'CustomerObjected':
      return `customer not satisfied${roundNote(known.data.round)}`;
    case 'TicketHandedToManagement': {
      const { round, maxRounds } = known.data;
      return `customer not satisfied after ${round} of ${maxRounds} rounds: handed to management`;
    }
    case 'ContactAttemptFailed': {
      const { attempt, round } = known.data;
      return `customer not reached (attempt ${attempt}${round === 0 ? '' : `, round ${round}`})`;
    }
    case 'TicketClosed':
      return known.data.outcome === 'satisfied'
        ? `closed: customer satisfied${roundNote(known.data.round)}`
        : `closed unconfirmed: customer could not be reached${known.data.round === 0 ? '' : ` (round ${known.data.round})`}`;
    case 'CustomerDetailsRead':
      return known.data.purpose === 'handling'
        ? 'customer contact details read for handling the ticket'
        : `customer contact details read for other work: ${known.data.reason ?? 'no reason given'}${known.data.requestId ? ` (approved request ${known.data.requestId})` : ''}`;
    case 'CustomerDataErased':
      return known.data.basis === 'retention'
        ? `customer contact details erased under the retention schedule: ${known.data.reason}`
        : `customer contact details erased on request: ${known.data.reason}`;
    case 'CustomerDataExported':
      return known.data.keyId
        ? `everything held about the customer exported (export ${known.data.exportId}): ${known.data.reason}`
        : `everything held about the customer exported, details already erased (export ${known.data.exportId}): ${known.data.reason}`;
    case 'CustomerAccessRequested':
      return `access to the customer's contact details requested by ${known.data.requester.id} (${known.data.requester.role}): ${known.data.purpose}`;
    case 'CustomerAccessApproved':
      return `access to the customer's contact details approved until ${known.data.expiresAt}`;
    case 'CustomerAccessRefused':
      return `access to the customer's contact details refused: ${known.data.reason}`;
    case 'NoteAdded': {
      const { people, departments } = known.data.mentions;
      const mentioned = [...people, ...departments];
      return `internal note${mentioned.length ? ` mentioning ${mentioned.join(', ')}` : ''}`;
    }
    case 'AttachmentAdded': {
      // The file's name is sealed with the customer's key: the summary names only what the bytes are.
      const { contentType, size, entryId } = known.data;
      return `attachment added (${contentType}, ${size} bytes)${entryId ? ` to entry ${entryId}` : ''}`;
    }
    case 'TicketWatched':
      return `${known.data.watcherId} started watching the ticket`;
    case 'TicketUnwatched':
      return `${known.data.watcherId} stopped watching the ticket`;
    case 'SampleDrawn': {
      const { team, period, size, populationSize, seed } = known.data;
      return `quality sample of ${team} for ${period} drawn: ${size} of ${populationSize} service records (seed ${seed})`;
    }
    case 'RecordInspected': {
      const { total, rubricVersion, correctiveActionRequired } = known.data;
      return `service record inspected: ${total} of 100 (rubric ${rubricVersion})${correctiveActionRequired ? ', corrective action required' : ''}`;
    }
    case 'CorrectiveActionRequired':
      return `corrective action required of ${known.data.assignees.join(', ') || known.data.team}`;
    case 'CorrectiveActionCompleted':
      return 'corrective action completed';
    case 'CorrectiveActionVerified':
      return known.data.effective ? 'corrective action verified by QA: effective' : 'corrective action verified by QA: not effective, open again';
    case 'SelfEvaluationSubmitted':
      return `self-evaluation of ${known.data.personId} for ${known.data.period}: ${known.data.score}`;
    case 'SupervisorEvaluationSubmitted':
      return `supervisor evaluation of ${known.data.personId} for ${known.data.period}: ${known.data.score}`;
    case 'PolicyChanged':
      return `${known.data.kind} policy changed to version ${known.data.version}`;
    default: {
      const unknown: never = known;
      void unknown;
      return `${event.type} (v${event.schemaVersion})`;
    }
  }
}

/** Round 0 is CS's first-contact answer, not a department round. */
const roundNote = (round: number): string => (round === 0 ? ' with the first-contact answer' : ` (round ${round})`);

const words = (code: string): string => code.replace(/_/g, ' ');

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? 'an' : 'a');

/** A manager or management acting for the responsible handler: the actor is in the envelope. */
function forHandler(onBehalfOf: string | undefined): string {
  return onBehalfOf ? `, for ${onBehalfOf}` : '';
}

/** A deadline event of a sub-request names it first: the round's own events say nothing extra. */
const ofSubRequest = (subRequestId: string | undefined): string => (subRequestId === undefined ? '' : `sub-request ${subRequestId}: `);
