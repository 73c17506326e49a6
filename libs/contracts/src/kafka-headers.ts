/** Headers carried on every event published to Kafka, so a consumer can route before parsing. */
export const HEADERS = {
  eventId: 'handoff-event-id',
  eventType: 'handoff-event-type',
  schemaVersion: 'handoff-schema-version',
  ticketId: 'handoff-ticket-id',
  correlationId: 'handoff-correlation-id',
  contentType: 'content-type',
  deadLetterReason: 'handoff-dead-letter-reason',
  deadLetterSource: 'handoff-dead-letter-source',
} as const;

export const TOPICS = {
  contactsInbound: 'contacts.inbound',
  intakeEvents: 'intake.events',
  routingEvents: 'routing.events',
  followupEvents: 'followup.events',
  evaluationEvents: 'evaluation.events',
  deadLetter: 'handoff.dead-letter',
} as const;
