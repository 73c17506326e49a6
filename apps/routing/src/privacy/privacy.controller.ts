import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, parseOrThrow, storableString, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess, RequestId } from '@handoff/platform';
import { assertMayRead, needsContactDetails, ROUTING_READERS } from '../access';
import { QueueReader } from '../queue/queue.reader';
import { TicketsService } from '../tickets/tickets.service';

const readQuerySchema = z.strictObject({ reason: storableString().trim().max(500).optional(), access_token: storableString().optional() });

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1')
export class PrivacyController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queue: QueueReader,
    private readonly access: CustomerAccess,
  ) {}

  @Get('tickets/:ticketId/customer')
  @Allow(...ROUTING_READERS)
  @ApiOperation({
    summary:
      "The customer's contact details, as intake handed them over. The staff of the department that has the ticket now, and CS, " +
      'see them in clear; management, QA, auditors (and a department the ticket is only offered to) see them masked, and read them ' +
      'in clear at intake once an access request of theirs is approved: asking here in clear (`reason`) is refused with 403 saying so. ' +
      'Every clear read is recorded as CustomerDetailsRead.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiQuery({ name: 'reason', required: false })
  @ApiResponse({ status: 200, description: '`{ ticketId, customer: { status: clear | masked | erased, customerId?, name?, phone?, email? } }`' })
  @ApiResponse({ status: 403, description: 'Not for this role, a department reading another department’s ticket, or asked in clear (`reason`) without the need to know.' })
  @ApiResponse({ status: 404, description: 'Routing has no such ticket, or not its hand-over yet.' })
  async customer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Query() query: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason } = parseOrThrow(readQuerySchema, query);
    // The event stream, not the queue, says which department has the ticket now.
    const { state } = await this.tickets.state(ticketId);
    // A department asked for a part of the ticket sees the customer masked: its answer goes through the ticket's own department and CS.
    assertMayRead(actor, [state.ticket.department, state.ticket.pendingTransfer?.toDepartment, ...(state.ticket.subRequests ?? []).map((subRequest) => subRequest.department)]);
    const customer = (await this.queue.handOverOf(ticketId))?.customer;
    if (!customer) throw new DomainError('NOT_FOUND', `routing has no customer details for ticket ${ticketId} yet`);
    const needToKnow = needsContactDetails(actor, state.ticket.department);
    return { ticketId, customer: await this.access.read({ ticketId, customer, actor, requestId, needToKnow, reason }) };
  }
}
