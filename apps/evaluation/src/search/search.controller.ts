import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CHANNELS, PRIORITIES, TICKET_TYPES, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor } from '@handoff/platform';
import { MAX_SEARCH_PAGE, openTicketsLookupSchema, profileQuerySchema, searchQuerySchema } from './search.query';
import { SearchReader } from './search.reader';

@ApiTags('search')
@ApiBearerAuth()
@Controller('v1')
export class SearchController {
  constructor(private readonly reader: SearchReader) {}

  @Get('search')
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: 'Finds tickets by id or short id, by the customer’s phone, e-mail or name, or by words of the subject, description and notes.',
    description:
      '`q` is read every way it can be meant and a ticket matching any is found: a ticket id, its first 8 characters, words ' +
      '(Chinese by its characters, `快递` finds `我的快递三天没到`), a phone (with or without the country code), an e-mail, a name ' +
      'or part of one (two characters or more). Phone, e-mail and name are matched through keyed hashes; they are never stored in ' +
      'clear. Department staff find only tickets their department held or was asked to take; QA and auditors find by id and text ' +
      'only and see no customer; everyone else sees the customer masked. Newest opened first; pass `nextCursor` back as `cursor` ' +
      'for the next page. Built from the topics, so a ticket may reach search a moment after it is recorded.',
  })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiQuery({ name: 'type', required: false, enum: [...TICKET_TYPES] })
  @ApiQuery({ name: 'department', required: false, description: 'Only tickets this department held.' })
  @ApiQuery({ name: 'channel', required: false, enum: [...CHANNELS] })
  @ApiQuery({ name: 'priority', required: false, enum: [...PRIORITIES] })
  @ApiQuery({ name: 'from', required: false, description: 'Opened at or after this ISO 8601 instant.' })
  @ApiQuery({ name: 'to', required: false, description: 'Opened before this ISO 8601 instant.' })
  @ApiQuery({ name: 'limit', required: false, description: `Page size, 1 to ${MAX_SEARCH_PAGE} (default 20).` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the page before.' })
  @ApiResponse({ status: 200, description: '`{ items, nextCursor }`; each item: ticketId, shortId, subject, type, channel, priority, departments, status, openedAt, closedAt, outcome, satisfaction, customer.' })
  @ApiResponse({ status: 400, description: 'An unknown or invalid filter, or a cursor this search did not give; `fields` names each.' })
  @ApiResponse({ status: 401, description: 'No or invalid credentials.' })
  @ApiResponse({ status: 403, description: 'Not for this role.' })
  search(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor) {
    return this.reader.search(parseOrThrow(searchQuerySchema, query), actor);
  }

  @Get('tickets/:ticketId/customer-profile')
  @Allow('cs', 'department_handler', 'department_manager', 'management')
  @ApiOperation({
    summary: 'The customer of a ticket and every ticket of theirs (the same customer key), open and closed, with what they said of each result.',
    description:
      '`summary` counts their tickets: open, closed, satisfied, objected (latest answer an objection), unconfirmed. The customer is ' +
      'masked (CS reads the details in clear at `/v1/tickets/:id/customer`, recorded). Department staff see only the tickets their ' +
      'department held or was asked to take. An erased customer has nothing left to link tickets by: the profile is the one ticket.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, description: `Page size, 1 to ${MAX_SEARCH_PAGE} (default ${MAX_SEARCH_PAGE}).` })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, description: '`{ ticketId, customer, summary, items, nextCursor }`.' })
  @ApiResponse({ status: 400, description: 'The ticket id is not a UUID, or a bad limit or cursor.' })
  @ApiResponse({ status: 401, description: 'No or invalid credentials.' })
  @ApiResponse({ status: 403, description: 'Not for this role.' })
  @ApiResponse({ status: 404, description: 'No such ticket in search yet, or not one the caller’s department may read.' })
  profile(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Query() query: Record<string, unknown>, @CurrentActor() actor: Actor) {
    const { limit, cursor } = parseOrThrow(profileQuerySchema, query);
    return this.reader.customerProfile(ticketId, actor, limit, cursor);
  }

  @Post('customers/open-tickets')
  @HttpCode(200)
  @Allow('cs', 'management')
  @ApiOperation({
    summary: 'While CS records a contact: the open tickets of the customer whose phone or e-mail is being typed.',
    description: 'A POST so that the phone or e-mail travels in the body, never in a URL that proxies and access logs keep.',
  })
  @ApiBody({ schema: z.toJSONSchema(openTicketsLookupSchema, { io: 'input' }) as Record<string, unknown> })
  @ApiResponse({ status: 200, description: '`{ items, nextCursor }`, the customer masked in each.' })
  @ApiResponse({ status: 400, description: 'Neither phone nor e-mail, or one too long; `fields` names it.' })
  openTickets(@Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.reader.openTicketsOf(parseOrThrow(openTicketsLookupSchema, body), actor);
  }
}
