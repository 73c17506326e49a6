import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText, newId, parseOrThrow, PAUSE_REASONS, PRIORITIES, type Actor, type DeadlineCounting, type Deadlines, type RoutingTicket, type TicketSubRequest } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess, RequestId, commandMetadata, CLOCK, type Clock } from '@handoff/platform';
import { assertMayRead, needsContactDetails, ROUTING_READERS } from '../access';
import { QueueReader } from '../queue/queue.reader';
import { isOpenSubRequest, type RoutingCommand, type SubRequest } from './tickets.decider';
import { handlerOf, TicketsService, type RoutedState } from './tickets.service';

// No control characters or bidi overrides: these notes reach CS's screens, the timeline and logs.
const text = (max: number) => freeText(max);
const nothingSchema = z.strictObject({});
const assignSchema = z.strictObject({ handlerId: text(64), reason: text(1000).optional() });
const progressSchema = z.strictObject({ note: text(4000) });
// The cause is checked against the taxonomy by the decider, which knows whether the ticket is a complaint.
const resultSchema = z.strictObject({
  summary: text(4000),
  apology: text(4000).optional(),
  correctiveAction: text(4000).optional(),
  cause: text(64).optional(),
});
const transferSchema = z.strictObject({ toDepartment: text(64), reason: text(1000) });
const refuseSchema = z.strictObject({ reason: text(1000) });
const takeOverSchema = z.strictObject({ reason: text(1000) });
const updateRequestSchema = z.strictObject({ message: text(2000) });
const pauseSchema = z.strictObject({ reason: z.enum(PAUSE_REASONS), note: text(1000).optional() });
const customerAnswerSchema = z.strictObject({ answer: text(4000) });
const prioritySchema = z.strictObject({ priority: z.enum(PRIORITIES), reason: text(1000) });
const openSubRequestSchema = z.strictObject({ department: text(64), reason: text(2000) });
const subRequestAnswerSchema = z.strictObject({ summary: text(4000) });
const subRequestCloseSchema = z.strictObject({ reason: text(1000) });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const DEPARTMENT_STAFF = ['department_handler', 'department_manager'] as const;
const DEPARTMENT_AND_MANAGEMENT = [...DEPARTMENT_STAFF, 'management'] as const;

@ApiTags('tickets')
@ApiBearerAuth()
@ApiParam({ name: 'ticketId', format: 'uuid' })
@ApiResponse({ status: 400, description: 'Invalid body (unknown fields refused); `fields` names each bad field.' })
@ApiResponse({ status: 403, description: 'Not for this role, or a department acting on another department’s ticket.' })
@ApiResponse({ status: 404, description: 'Routing has no such ticket.' })
@Controller('v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queue: QueueReader,
    private readonly access: CustomerAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':ticketId')
  @Allow(...ROUTING_READERS)
  @ApiOperation({
    summary:
      "A ticket's routing state, read from its event stream: department, responsible handler, round, deadlines, escalations, pending transfer, " +
      'and the customer masked (see /customer for the details). Department staff see the tickets of their department (and those offered to it).',
  })
  async get(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: Actor): Promise<RoutingTicket> {
    const { state, version } = await this.tickets.state(ticketId);
    // A department asked for a part of the ticket reads it too: it has to know what the ticket is about.
    assertMayRead(actor, [state.ticket.department, state.ticket.pendingTransfer?.toDepartment, ...(state.ticket.subRequests ?? []).map((subRequest) => subRequest.department)]);
    const { ticket } = state;
    const handOver = await this.queue.handOverOf(ticketId);
    return this.access.words({
      ticketId,
      status: state.status,
      department: ticket.department,
      handlerId: handlerOf(state) ?? null,
      round: ticket.round,
      type: ticket.type,
      category: ticket.category,
      priority: ticket.priority,
      channel: ticket.channel,
      platform: ticket.platform ?? null,
      complaint: ticket.complaint,
      subject: handOver?.subject ?? null,
      customer: handOver?.customer ? await this.access.masked(handOver.customer) : null,
      deadlines: deadlinesView(ticket.deadlines, this.queue.deadlineCounting(ticket.deadlines)),
      firstResponseGiven: ticket.respondedThisRound,
      escalations: ticket.escalations,
      managementInvolved: ticket.managementInvolved,
      pendingTransfer: ticket.pendingTransfer ?? null,
      pendingUpdateRequest: ticket.pendingUpdateRequest ?? null,
      paused: ticket.pause ? { since: ticket.pause.since, reason: ticket.pause.reason, note: ticket.pause.note ?? null, resumeBy: ticket.pause.resumeBy } : null,
      pausedMinutesThisRound: (ticket.pausesThisRound ?? []).reduce((sum, pause) => sum + (Date.parse(pause.until) - Date.parse(pause.from)) / 60_000, 0),
      subRequests: (ticket.subRequests ?? []).map(subRequestView),
      outcome: state.status === 'closed' ? state.outcome : null,
      version,
    }, ticketId, needsContactDetails(actor, ticket.department));
  }

  /** The command with the contact details typed into its words sealed with the customer's key (CustomerAccess.sealWords), then decided. */
  private async execute(ticketId: string, command: RoutingCommand): Promise<RoutedState> {
    const sealed = await this.access.sealWords(command, ticketId, async () => (await this.queue.handOverOf(ticketId))?.customer?.keyId);
    return this.tickets.execute(ticketId, sealed);
  }

  /** An answer with the words in it (a transfer's reason, a pause's note) opened as the actor may read them. */
  private answer<T extends { readonly ticketId: string; readonly department: string }>(actor: Actor, body: T): Promise<T> {
    return this.access.words(body, body.ticketId, needsContactDetails(actor, body.department));
  }

  @Post(':ticketId/claim')
  @HttpCode(200)
  @Allow(...DEPARTMENT_STAFF)
  @ApiOperation({ summary: 'A handler of the ticket’s department takes it as the responsible handler. Of two simultaneous claims one wins; the other gets 409.' })
  @ApiBody({ schema: asJsonSchema(nothingSchema), required: false })
  @ApiResponse({ status: 409, description: 'Another handler claimed it first.' })
  async claim(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    parseOrThrow(nothingSchema, body ?? {});
    return this.answer(actor, summary(ticketId, await this.execute(ticketId, { type: 'ClaimTicket', data: {}, metadata: commandMetadata(actor, requestId, this.clock()) })));
  }

  @Post(':ticketId/assign')
  @HttpCode(200)
  @Allow('department_manager', 'management')
  @ApiOperation({
    summary:
      'The department’s manager (or management) names the responsible handler, one of the department’s handlers. ' +
      'Taking a ticket from the handler who holds it (a reassignment) needs a `reason`, kept on the record.',
  })
  @ApiBody({ schema: asJsonSchema(assignSchema) })
  async assign(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { handlerId, reason } = parseOrThrow(assignSchema, body);
    const state = await this.execute(ticketId, {
      type: 'AssignHandler',
      data: { mode: 'manager', handlerId, ...(reason ? { reason } : {}) },
      metadata: commandMetadata(actor, requestId, this.clock(), reason),
    });
    return this.answer(actor, summary(ticketId, state));
  }

  @Post(':ticketId/progress')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Keep CS informed. The first progress report of a round is the department’s first response (its handling plan). ' +
      'On a claimed ticket: its responsible handler, or the department’s manager or management recorded as acting for them.',
  })
  @ApiBody({ schema: asJsonSchema(progressSchema) })
  @ApiResponse({ status: 403, description: 'Another handler holds the ticket: only they or their manager may work it.' })
  async progress(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { note } = parseOrThrow(progressSchema, body);
    return this.answer(actor, summary(ticketId, await this.execute(ticketId, { type: 'ReportProgress', data: { note }, metadata: commandMetadata(actor, requestId, this.clock()) })));
  }

  @Post(':ticketId/result')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Report the result to CS (not to the customer). A complaint’s result must carry an apology, a corrective action and its `cause`, ' +
      'a code of the complaint cause taxonomy (GET /v1/complaint-causes); other tickets take no cause. ' +
      'On a claimed ticket: its responsible handler, or the department’s manager or management for them (the result stays credited to the handler).',
  })
  @ApiBody({ schema: asJsonSchema(resultSchema) })
  @ApiResponse({ status: 403, description: 'Another handler holds the ticket: only they or their manager may work it.' })
  async result(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const data = parseOrThrow(resultSchema, body);
    return this.answer(actor, summary(ticketId, await this.execute(ticketId, { type: 'ReportResult', data, metadata: commandMetadata(actor, requestId, this.clock()) })));
  }

  @Post(':ticketId/transfer')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Ask another department to take the ticket over; it stays here until that department accepts. ' +
      'On a claimed ticket: its responsible handler, or the department’s manager or management for them.',
  })
  @ApiBody({ schema: asJsonSchema(transferSchema) })
  @ApiResponse({ status: 409, description: 'A transfer is already waiting for an answer.' })
  async transfer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { toDepartment, reason } = parseOrThrow(transferSchema, body);
    const state = await this.execute(ticketId, {
      type: 'RequestTransfer',
      data: { toDepartment, reason },
      metadata: commandMetadata(actor, requestId, this.clock(), reason),
    });
    return this.answer(actor, summary(ticketId, state));
  }

  @Post(':ticketId/transfer/accept')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({ summary: 'The receiving department takes the ticket over (without a handler until it names one); the round’s deadlines keep running.' })
  @ApiBody({ schema: asJsonSchema(nothingSchema), required: false })
  @ApiResponse({ status: 412, description: 'No transfer is waiting for an answer.' })
  async acceptTransfer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    parseOrThrow(nothingSchema, body ?? {});
    return this.answer(actor, summary(ticketId, await this.execute(ticketId, { type: 'AcceptTransfer', data: {}, metadata: commandMetadata(actor, requestId, this.clock()) })));
  }

  @Post(':ticketId/transfer/refuse')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({ summary: 'The receiving department refuses the transfer, saying why; the ticket stays where it is.' })
  @ApiBody({ schema: asJsonSchema(refuseSchema) })
  @ApiResponse({ status: 412, description: 'No transfer is waiting for an answer.' })
  async refuseTransfer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason } = parseOrThrow(refuseSchema, body);
    const state = await this.execute(ticketId, {
      type: 'RefuseTransfer',
      data: { reason },
      metadata: commandMetadata(actor, requestId, this.clock(), reason),
    });
    return this.answer(actor, summary(ticketId, state));
  }

  @Post(':ticketId/take-over')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary:
      'Management takes a ticket in flight into its own hands, saying why: it becomes the responsible holder (its progress and result are its own), ' +
      'recorded as TicketTakenOver in the handoff ledger and the conversation. The department’s manager may hand it back by naming a handler.',
  })
  @ApiBody({ schema: asJsonSchema(takeOverSchema) })
  @ApiResponse({ status: 412, description: 'Nothing in flight to take over: a result is reported, the ticket is closed, or a transfer waits for an answer.' })
  async takeOver(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason } = parseOrThrow(takeOverSchema, body);
    const state = await this.execute(ticketId, { type: 'TakeOverTicket', data: { reason }, metadata: commandMetadata(actor, requestId, this.clock(), reason) });
    return this.answer(actor, summary(ticketId, state));
  }

  @Post(':ticketId/update-requests')
  @HttpCode(201)
  @Allow('management')
  @ApiOperation({
    summary:
      'Management asks the department for an update on a ticket in flight. The responsible handler and the department are notified; ' +
      'the department’s next progress note answers the request (ProgressReported.answersUpdateRequest), and the conversation shows both.',
  })
  @ApiBody({ schema: asJsonSchema(updateRequestSchema) })
  @ApiResponse({ status: 201, description: '`{ ticketId, requestId }`.' })
  @ApiResponse({ status: 409, description: 'An earlier request is still waiting for the department’s answer.' })
  @ApiResponse({ status: 412, description: 'Nothing in flight to ask about: a result is reported or the ticket is closed.' })
  async requestUpdate(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { message } = parseOrThrow(updateRequestSchema, body);
    const state = await this.execute(ticketId, {
      type: 'RequestUpdate',
      data: { requestId: newId(), message },
      metadata: commandMetadata(actor, requestId, this.clock()),
    });
    // A repeated request (same request id) asks nothing new and answers with the request it made the first time.
    return { ticketId, requestId: state.ticket.pendingUpdateRequest?.requestId ?? null };
  }

  @Post(':ticketId/pause')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Pause the resolution clock while the department waits on the customer (`waiting_on_customer`) or a third party (`waiting_on_third_party`), ' +
      'with a `note` saying what for. The sweep neither warns of nor breaches the resolution deadline while it is paused, and resumes it after ' +
      'the escalation policy’s `maxPauseMinutes`. On a claimed ticket: its responsible handler, or the department’s manager or management for them.',
  })
  @ApiBody({ schema: asJsonSchema(pauseSchema) })
  @ApiResponse({ status: 409, description: 'The clock is already paused.' })
  @ApiResponse({ status: 412, description: 'Nobody holds the ticket yet, or it is not in the department’s hands.' })
  async pause(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason, note } = parseOrThrow(pauseSchema, body);
    const state = await this.execute(ticketId, {
      type: 'PauseClock',
      data: { reason, ...(note ? { note } : {}) },
      metadata: commandMetadata(actor, requestId, this.clock(), note),
    });
    return this.answer(actor, clockSummary(ticketId, state));
  }

  @Post(':ticketId/resume')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Resume the paused resolution clock (the answer came). The resolution deadline moves later by the time paused, counted in business hours ' +
      'when the deadlines are. Resuming a clock that runs records nothing.',
  })
  @ApiBody({ schema: asJsonSchema(nothingSchema), required: false })
  async resume(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    parseOrThrow(nothingSchema, body ?? {});
    return this.answer(actor, clockSummary(ticketId, await this.execute(ticketId, { type: 'ResumeClock', data: {}, metadata: commandMetadata(actor, requestId, this.clock()) })));
  }

  @Post(':ticketId/customer-answer')
  @HttpCode(200)
  @Allow('cs', ...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Record the customer’s answer for the department working the ticket (most often CS, who took the call; or the department itself). ' +
      'A resolution clock paused waiting on the customer resumes with it (`trigger: customer`); one paused on a third party keeps standing. ' +
      'Once the result is reported the customer answers through follow-up instead (412).',
  })
  @ApiBody({ schema: asJsonSchema(customerAnswerSchema) })
  @ApiResponse({ status: 412, description: 'The department has reported its result, or the ticket is closed.' })
  async customerAnswer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { answer } = parseOrThrow(customerAnswerSchema, body);
    const state = await this.execute(ticketId, { type: 'RecordCustomerAnswer', data: { answer }, metadata: commandMetadata(actor, requestId, this.clock()) });
    return this.answer(actor, clockSummary(ticketId, state));
  }

  @Post(':ticketId/priority')
  @HttpCode(200)
  @Allow('department_manager', 'management')
  @ApiOperation({
    summary:
      'Change the priority of a ticket the department works, saying why. The round’s deadlines become those of the new priority counted from the ' +
      'round’s start, moved past the pauses so far: the time already spent stays spent.',
  })
  @ApiBody({ schema: asJsonSchema(prioritySchema) })
  async priority(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { priority, reason } = parseOrThrow(prioritySchema, body);
    const state = await this.execute(ticketId, { type: 'ChangePriority', data: { priority, reason }, metadata: commandMetadata(actor, requestId, this.clock(), reason) });
    return this.answer(actor, clockSummary(ticketId, state));
  }

  @Post(':ticketId/sub-requests')
  @HttpCode(201)
  @Allow('cs', ...DEPARTMENT_AND_MANAGEMENT)
  @ApiOperation({
    summary:
      'Ask another department for a part of the answer while the ticket’s department works it (billing and logistics on one complaint). ' +
      'The department asked names its own responsible handler, has its own deadlines from now, reports its own progress and answers; the ' +
      'ticket’s result waits for every sub-request of the round (or management closing it) and carries the answers to CS. ' +
      'CS, the ticket’s responsible handler (or the department’s manager or management for them) ask.',
  })
  @ApiBody({ schema: asJsonSchema(openSubRequestSchema) })
  @ApiResponse({ status: 201, description: '`{ ticketId, subRequestId, subRequest, openSubRequests }`.' })
  @ApiResponse({ status: 409, description: 'That department already has an open sub-request of this ticket.' })
  @ApiResponse({ status: 412, description: 'The ticket’s department is not working it (its result is reported, or it is closed).' })
  async openSubRequest(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { department, reason } = parseOrThrow(openSubRequestSchema, body);
    const subRequestId = newId();
    const state = await this.execute(ticketId, {
      type: 'OpenSubRequest',
      data: { subRequestId, department, reason },
      metadata: commandMetadata(actor, requestId, this.clock(), reason),
    });
    return this.answer(actor, { ...subRequestSummary(ticketId, subRequestId, state), subRequestId });
  }

  @Post(':ticketId/sub-requests/:subRequestId/claim')
  @HttpCode(200)
  @Allow(...DEPARTMENT_STAFF)
  @ApiParam({ name: 'subRequestId', format: 'uuid' })
  @ApiOperation({ summary: 'A handler of the department asked takes the sub-request as its responsible handler. Of two claims one wins; the other gets 409.' })
  @ApiBody({ schema: asJsonSchema(nothingSchema), required: false })
  async claimSubRequest(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('subRequestId', ParseUUIDPipe) subRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    parseOrThrow(nothingSchema, body ?? {});
    const state = await this.execute(ticketId, { type: 'ClaimSubRequest', data: { subRequestId }, metadata: commandMetadata(actor, requestId, this.clock()) });
    return this.answer(actor, subRequestSummary(ticketId, subRequestId, state));
  }

  @Post(':ticketId/sub-requests/:subRequestId/assign')
  @HttpCode(200)
  @Allow('department_manager', 'management')
  @ApiParam({ name: 'subRequestId', format: 'uuid' })
  @ApiOperation({ summary: 'The asked department’s manager (or management) names the sub-request’s responsible handler; taking it from the one who holds it needs a `reason`.' })
  @ApiBody({ schema: asJsonSchema(assignSchema) })
  async assignSubRequest(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('subRequestId', ParseUUIDPipe) subRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    const { handlerId, reason } = parseOrThrow(assignSchema, body);
    const state = await this.execute(ticketId, {
      type: 'AssignSubRequest',
      data: { subRequestId, handlerId, ...(reason ? { reason } : {}) },
      metadata: commandMetadata(actor, requestId, this.clock(), reason),
    });
    return this.answer(actor, subRequestSummary(ticketId, subRequestId, state));
  }

  @Post(':ticketId/sub-requests/:subRequestId/progress')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiParam({ name: 'subRequestId', format: 'uuid' })
  @ApiOperation({ summary: 'Progress on a sub-request: its responsible handler, or the asked department’s manager or management for them.' })
  @ApiBody({ schema: asJsonSchema(progressSchema) })
  @ApiResponse({ status: 403, description: 'Another handler holds the sub-request: only they or their manager may work it.' })
  async subRequestProgress(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('subRequestId', ParseUUIDPipe) subRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    const { note } = parseOrThrow(progressSchema, body);
    const state = await this.execute(ticketId, { type: 'ReportSubRequestProgress', data: { subRequestId, note }, metadata: commandMetadata(actor, requestId, this.clock()) });
    return this.answer(actor, subRequestSummary(ticketId, subRequestId, state));
  }

  @Post(':ticketId/sub-requests/:subRequestId/answer')
  @HttpCode(200)
  @Allow(...DEPARTMENT_AND_MANAGEMENT)
  @ApiParam({ name: 'subRequestId', format: 'uuid' })
  @ApiOperation({
    summary:
      'The department asked answers its part, credited to the sub-request’s responsible handler (its manager or management may answer for them). ' +
      'The answer goes to CS inside the ticket’s result.',
  })
  @ApiBody({ schema: asJsonSchema(subRequestAnswerSchema) })
  @ApiResponse({ status: 403, description: 'Another handler holds the sub-request: only they or their manager may work it.' })
  async answerSubRequest(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('subRequestId', ParseUUIDPipe) subRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    const { summary: answer } = parseOrThrow(subRequestAnswerSchema, body);
    const state = await this.execute(ticketId, { type: 'AnswerSubRequest', data: { subRequestId, summary: answer }, metadata: commandMetadata(actor, requestId, this.clock()) });
    return this.answer(actor, subRequestSummary(ticketId, subRequestId, state));
  }

  @Post(':ticketId/sub-requests/:subRequestId/close')
  @HttpCode(200)
  @Allow('management')
  @ApiParam({ name: 'subRequestId', format: 'uuid' })
  @ApiOperation({
    summary:
      'Management decides the ticket goes on without this sub-request’s answer, saying why: it is closed, and the ticket’s result ' +
      '(no longer waiting for it) says so to CS.',
  })
  @ApiBody({ schema: asJsonSchema(subRequestCloseSchema) })
  @ApiResponse({ status: 412, description: 'The sub-request is answered already.' })
  async closeSubRequest(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('subRequestId', ParseUUIDPipe) subRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    const { reason } = parseOrThrow(subRequestCloseSchema, body);
    const state = await this.execute(ticketId, { type: 'CloseSubRequest', data: { subRequestId, reason }, metadata: commandMetadata(actor, requestId, this.clock(), reason) });
    return this.answer(actor, subRequestSummary(ticketId, subRequestId, state));
  }
}

function subRequestView(subRequest: SubRequest): TicketSubRequest {
  return {
    subRequestId: subRequest.subRequestId,
    round: subRequest.round,
    department: subRequest.department,
    reason: subRequest.reason,
    status: subRequest.status,
    handlerId: subRequest.handlerId ?? null,
    deadlines: subRequest.deadlines,
    responded: subRequest.responded,
    outcome: subRequest.summary ?? null,
  };
}

/** What a step on a sub-request answers: the sub-request as it now stands, and whether the ticket still waits on any. */
function subRequestSummary(ticketId: string, subRequestId: string, state: RoutedState) {
  const subRequest = state.ticket.subRequests?.find((known) => known.subRequestId === subRequestId);
  return {
    ...summary(ticketId, state),
    subRequest: subRequest ? subRequestView(subRequest) : null,
    openSubRequests: (state.ticket.subRequests ?? []).filter(isOpenSubRequest).length,
  };
}

function summary(ticketId: string, state: RoutedState) {
  return {
    ticketId,
    status: state.status,
    department: state.ticket.department,
    handlerId: handlerOf(state) ?? null,
    round: state.ticket.round,
    pendingTransfer: state.ticket.pendingTransfer ?? null,
  };
}

/** What a pause, a resumption or a priority change answers: the clock and the deadlines as they now stand. */
function clockSummary(ticketId: string, state: RoutedState) {
  const { pause, deadlines, priority } = state.ticket;
  return {
    ...summary(ticketId, state),
    priority,
    paused: pause ? { since: pause.since, reason: pause.reason, note: pause.note ?? null, resumeBy: pause.resumeBy } : null,
    deadlines,
  };
}

/** The round's deadlines, saying whether they count business hours (borrowed from the policy for older events). */
function deadlinesView(deadlines: Deadlines, countIn: DeadlineCounting | null): Deadlines & { businessHours: boolean } {
  return { ...deadlines, ...(countIn ? { countIn } : {}), businessHours: countIn === 'business' };
}
