import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, parseOrThrow, storableString, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess, RequestId } from '@handoff/platform';
import { CustomersReader } from './customers.reader';

const readQuerySchema = z.strictObject({ reason: storableString().trim().max(500).optional(), access_token: storableString().optional() });

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1/tickets')
export class CustomersController {
  constructor(
    private readonly customers: CustomersReader,
    private readonly access: CustomerAccess,
  ) {}

  @Get(':ticketId/customer')
  @Allow('cs', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary:
      "The customer's contact details, to call them back. CS sees them in clear; management, QA and auditors see them masked, and " +
      'read them in clear at intake once an access request of theirs is approved: asking here in clear (`reason`) is refused with 403 ' +
      'saying so. Every clear read is recorded as CustomerDetailsRead.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiQuery({ name: 'reason', required: false })
  @ApiResponse({ status: 200, description: '`{ ticketId, customer: { status: clear | masked | erased, customerId?, name?, phone?, email? } }`' })
  @ApiResponse({ status: 403, description: 'Not for this role, or asked in clear (`reason`) without the need to know.' })
  @ApiResponse({ status: 404, description: 'Follow-up has no record of this ticket’s contact yet.' })
  async customer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Query() query: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason } = parseOrThrow(readQuerySchema, query);
    const customer = await this.customers.sealedOf(ticketId);
    if (!customer) throw new DomainError('NOT_FOUND', `follow-up has no customer for ticket ${ticketId} yet`);
    // CS calls the customer back: its own work needs the details.
    const view = await this.access.read({ ticketId, customer, actor, requestId, needToKnow: actor.role === 'cs', reason });
    return { ticketId, customer: view };
  }
}
