import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CLOSE_OUTCOMES, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CUSTOMER_VAULT } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { assertMayReadTimeline, currentDepartment, departmentsConcerned, mayReadContactDetails } from './timeline-access';
import { MAX_PAGE_SIZE, ticketListQuerySchema, TimelineReader } from './timeline.reader';

@ApiTags('timelines')
@ApiBearerAuth()
@Controller('v1')
export class TimelineController {
  constructor(
    private readonly reader: TimelineReader,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
  ) {}

  @Get('tickets/:ticketId/timeline')
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: "A ticket's whole history across intake, routing and follow-up, with its lifecycle figures.",
    description:
      'Entries are in one stable order: each stream in its own order; across streams by occurred-at, then recorded-at, then ' +
      'service (intake, routing, followup), then stream id. Each entry has its envelope metadata (who, in which role and ' +
      "department, when, why), a one-line summary and the event's data without the customer's contact details. The lifecycle " +
      'holds the figures computed from these entries: first response and resolution times, rounds, reopens, deadlines kept, ' +
      'departments visited, escalations, outcome. Built from the topics, so it may trail the services by a moment. ' +
      "Department staff read only the timelines of tickets their department has held (the lifecycle's departments visited) " +
      'or has been asked to take over.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiResponse({ status: 200, description: '`{ ticketId, lifecycle, entries }`.' })
  @ApiResponse({ status: 400, description: 'The ticket id is not a UUID.' })
  @ApiResponse({ status: 401, description: 'No or invalid credentials.' })
  @ApiResponse({ status: 403, description: 'The role may not read timelines, or the caller’s department never held this ticket nor was asked to take it.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  async timeline(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: Actor) {
    const timeline = await this.reader.timeline(ticketId);
    assertMayReadTimeline(actor, departmentsConcerned(timeline.lifecycle.departmentsVisited, timeline.entries));
    // Contact details typed into the entries' words are sealed: opened, masked or erased for this reader.
    return this.vault.openTexts(timeline, ticketId, mayReadContactDetails(actor, currentDepartment(timeline.entries)));
  }

  @Get('tickets')
  @Allow('management', 'qa', 'auditor')
  @ApiOperation({
    summary: 'Lists tickets with their subject and lifecycle figures, newest opened first, filtered on the server and paged by cursor.',
    description:
      'Ordered by opened-at descending (tickets whose intake events have not arrived yet come last), then ticket id descending. ' +
      '`{ items, nextCursor }`: pass `nextCursor` back as `cursor` for the next page; null on the last. Complaints in flight: ' +
      '`outcome=open&complaint=true`; escalations still open: `outcome=open&escalated=true`.',
  })
  @ApiQuery({ name: 'outcome', required: false, enum: [...CLOSE_OUTCOMES, 'open'], description: '`open`: not closed yet.' })
  @ApiQuery({ name: 'department', required: false, description: 'Only tickets this department had at some point.' })
  @ApiQuery({ name: 'from', required: false, description: 'Opened at or after this ISO 8601 instant.' })
  @ApiQuery({ name: 'to', required: false, description: 'Opened before this ISO 8601 instant.' })
  @ApiQuery({ name: 'complaint', required: false, enum: ['true', 'false'], description: 'true: complaints only; false: no complaints.' })
  @ApiQuery({ name: 'escalated', required: false, enum: ['true', 'false'], description: 'true: escalated at least once; false: never.' })
  @ApiQuery({ name: 'count', required: false, enum: ['true', 'false'], description: 'true: add `total`, how many tickets the filters match.' })
  @ApiQuery({ name: 'limit', required: false, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default 50).` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page.' })
  @ApiResponse({ status: 200, description: '`{ items, nextCursor, total? }`; `items` are lifecycles with their subject.' })
  @ApiResponse({ status: 400, description: 'An unknown or invalid filter, `limit` or `cursor`; `fields` names each.' })
  @ApiResponse({ status: 401, description: 'No or invalid credentials.' })
  @ApiResponse({ status: 403, description: 'Only management, QA and auditors list tickets.' })
  async list(@Query() query: Record<string, unknown>) {
    const page = await this.reader.list(parseOrThrow(ticketListQuerySchema, query));
    // Management, QA and auditors list tickets: a detail typed into a subject shows masked.
    return { ...page, items: await Promise.all(page.items.map((item) => this.vault.openTexts(item, item.ticketId, false))) };
  }
}
