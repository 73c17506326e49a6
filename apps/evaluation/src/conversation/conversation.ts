import type { AttachmentView, ConversationClock, ConversationEntry, ConversationKind, ConversationWords } from '@handoff/contracts';

/**
 * A ticket's conversation: its events read as what the people in the workflow said and did, in
 * the timeline's one order. Every event of the ticket is an entry (nothing is left out, so the
 * conversation and the history never disagree); each carries the words written with it: the
 * contact's subject and description, CS's answer, a pass's reason, a progress note, a result with
 * its apology and corrective action, the customer's objection, an internal note.
 *
 * Pure: takes timeline entries (already without the customer's contact details) and notes.
 */

export interface ConversationSource {
  readonly eventId: string;
  readonly type: string;
  readonly service: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly role: string;
  readonly department: string | null;
  readonly reason: string | null;
  readonly summary: string;
  readonly data: unknown;
}

const KINDS: Readonly<Record<string, ConversationKind>> = {
  ContactRecorded: 'contact',
  AnsweredAtFirstContact: 'answer',
  TicketHandedOver: 'handover',
  TransferRequested: 'pass',
  TransferAccepted: 'pass',
  TransferRefused: 'pass',
  HandlerReleased: 'pass',
  ProgressReported: 'progress',
  ResultReported: 'result',
  CustomerConfirmedSatisfaction: 'customer',
  CustomerObjected: 'customer',
  ContactAttemptFailed: 'customer',
  CustomerAnswered: 'customer',
  NoteAdded: 'note',
  AttachmentAdded: 'attachment',
  DeadlineBreached: 'escalation',
  TicketEscalated: 'escalation',
  ManagementInvolved: 'escalation',
  TicketHandedToManagement: 'escalation',
  TicketTakenOver: 'escalation',
  UpdateRequested: 'escalation',
  SubRequestOpened: 'pass',
  SubRequestProgressReported: 'progress',
  SubRequestAnswered: 'progress',
  SubRequestClosed: 'escalation',
};

/** The fields of event data that are words someone wrote, under the name the conversation gives them. */
const WORD_FIELDS: readonly [keyof ConversationWords, string][] = [
  ['subject', 'subject'],
  ['description', 'description'],
  ['answer', 'answer'],
  ['note', 'note'],
  ['note', 'text'],
  ['reason', 'reason'],
  ['summary', 'summary'],
  ['apology', 'apology'],
  ['correctiveAction', 'correctiveAction'],
  ['objection', 'objection'],
  ['request', 'message'],
];

/** Types whose `reason` is a code, shown by the summary, not words someone wrote. */
const CODED_REASONS = new Set(['TicketHandedOver', 'ManagementInvolved', 'ResolutionClockPaused', 'ResolutionClockResumed']);
/**
 * Words an event carries again from an earlier one so its reader need not look back: a handover
 * repeats the contact for the department, a confirmation request repeats the result for CS. The
 * conversation shows them once, where they were written.
 */
const REPEATED: Readonly<Record<string, readonly string[]>> = {
  TicketHandedOver: ['subject', 'description'],
  ConfirmationRequested: ['apology', 'correctiveAction'],
};

const DEPARTMENT_FIELDS = ['department', 'toDepartment', 'fromDepartment', 'previousDepartment'] as const;

/**
 * `sources` must already be in timeline order (see contracts' `inTimelineOrder`). `attachments`
 * are the files added, by the event id of their `AttachmentAdded`: each shows on that entry and
 * on the entry it was attached to.
 */
export function conversationOf(sources: readonly ConversationSource[], attachments: ReadonlyMap<string, AttachmentView> = new Map()): ConversationEntry[] {
  let round: number | null = null;
  const onEntry = new Map<string, AttachmentView[]>();
  for (const attachment of attachments.values()) {
    if (attachment.entryId !== null) onEntry.set(attachment.entryId, [...(onEntry.get(attachment.entryId) ?? []), attachment]);
  }
  // Management's update requests by id, so the progress note answering one can quote the question.
  const requests = new Map<string, string>();
  return sources.map((source) => {
    const data = isRecord(source.data) ? source.data : {};
    if (typeof data.round === 'number' && data.round > 0) round = data.round;
    const words: Record<string, string> = {};
    for (const [name, field] of WORD_FIELDS) {
      if (field === 'reason' && CODED_REASONS.has(source.type)) continue;
      if (REPEATED[source.type]?.includes(field)) continue;
      const value = data[field];
      if (typeof value === 'string' && value.length > 0 && words[name] === undefined) words[name] = value;
    }
    if (source.type === 'UpdateRequested' && typeof data.requestId === 'string' && words.request) requests.set(data.requestId, words.request);
    const answered = isRecord(data.answersUpdateRequest) ? requests.get(String(data.answersUpdateRequest.requestId)) : undefined;
    if (answered) words.inAnswerTo = answered;
    // The envelope's "why" (a pass refused, a reassignment) when the data has no reason of its own.
    // The command's metadata often repeats the words themselves (an objection is its own reason): shown once.
    if (words.reason === undefined && source.reason && !Object.values(words).includes(source.reason)) words.reason = source.reason;
    const departments = [...new Set(DEPARTMENT_FIELDS.map((field) => data[field]).filter((value): value is string => typeof value === 'string'))];
    const mentions = isRecord(data.mentions) ? (data.mentions as unknown as ConversationEntry['mentions']) : undefined;
    const added = attachments.get(source.eventId);
    const files = added ? [added] : (onEntry.get(source.eventId) ?? []);
    return {
      eventId: source.eventId,
      type: source.type,
      kind: KINDS[source.type] ?? 'step',
      occurredAt: source.occurredAt,
      actor: { id: source.actorId, role: source.role, department: source.department },
      round,
      summary: source.summary,
      words,
      departments,
      ...(mentions ? { mentions } : {}),
      ...(typeof data.channel === 'string' && source.type === 'ContactRecorded' ? { channel: data.channel } : {}),
      ...(typeof data.subRequestId === 'string' ? { subRequestId: data.subRequestId } : {}),
      ...(files.length > 0 ? { attachments: files } : {}),
      ...clockOf(source.type, data),
    };
  });
}

/** The codes and instants of a clock's entry, for the consoles to word in the reader's language. */
function clockOf(type: string, data: Record<string, unknown>): { clock?: ConversationClock } {
  const deadlines = isRecord(data.deadlines) ? data.deadlines : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const pick = (clock: Record<string, unknown>): { clock: ConversationClock } => ({
    clock: Object.fromEntries(Object.entries(clock).filter(([, value]) => value !== undefined)) as ConversationClock,
  });
  switch (type) {
    case 'ResolutionClockPaused':
      return pick({ reason: text(data.reason), resumeBy: text(data.resumeBy), resolutionDueAt: text(data.resolutionDueAt) });
    case 'ResolutionClockResumed':
      return pick({
        reason: text(data.reason),
        trigger: text(data.trigger),
        pausedMinutes: typeof data.pausedMinutes === 'number' ? data.pausedMinutes : undefined,
        resolutionDueAt: text(deadlines.resolutionDueAt),
      });
    case 'PriorityChanged':
      return pick({ priority: text(data.priority), previousPriority: text(data.previousPriority), resolutionDueAt: text(deadlines.resolutionDueAt) });
    default:
      return {};
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
