import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, freeText, newId, parseOrThrow, privacyStreamId, type Actor, type Decider, type PrivacyEvent, storableString } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { Allow, CurrentActor, CUSTOMER_VAULT, CustomerAccess, RequestId, CLOCK, type Clock } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { closedBecause } from '../access/access.decider';
import { AccessService } from '../access/access.service';
import { ContactsService } from '../contacts/contacts.service';

const readQuerySchema = z.strictObject({ reason: storableString().trim().max(500).optional(), access_token: storableString().optional() });
const erasureSchema = z.strictObject({
  ticketId: z.uuid(),
  reason: freeText(500).min(10, 'at least 10 characters: say whose request and under which rule'),
});

type EraseCustomer = {
  readonly type: 'RecordErasure';
  readonly data: { readonly keyId: string; readonly reason: string; readonly basis: 'request' };
  readonly metadata: Parameters<CommandHandler['handle']>[2]['metadata'];
};
const erasureDecider: Decider<EraseCustomer, PrivacyEvent, null> = {
  initialState: null,
  decide: (command) => [{ type: 'CustomerDataErased', data: command.data }],
  evolve: (state) => state,
};

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1')
export class PrivacyController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly access: CustomerAccess,
    private readonly approvals: AccessService,
    private readonly commands: CommandHandler,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('tickets/:ticketId/customer')
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary:
      "The customer's contact details. CS, who calls customers back, sees them in clear; anyone else sees them masked, and in clear " +
      'only while an access request of theirs is approved (POST /v1/tickets/{ticketId}/access-requests). Asking in clear (`reason`) ' +
      'without a live approval is refused (403 naming why: none asked, waiting, refused or ended). Every clear read is recorded as CustomerDetailsRead.',
  })
  @ApiQuery({ name: 'reason', required: false })
  @ApiResponse({ status: 403, description: 'Asked in clear without a live approval; the message says why.' })
  async customer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Query() query: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason } = parseOrThrow(readQuerySchema, query);
    const state = await this.contacts.state(ticketId);
    if (state.status === 'unknown' || state.status === 'recorded') throw new DomainError('NOT_FOUND', `no ticket ${ticketId}`);
    const needToKnow = actor.role === 'cs';
    const clearance = needToKnow ? undefined : await this.approvals.clearance(ticketId, actor.id, this.clock());
    const approval = clearance?.kind === 'approved' ? { requestId: clearance.request.requestId, purpose: clearance.request.purpose } : undefined;
    const closed = clearance && clearance.kind !== 'approved' ? closedBecause(clearance).replace('{ticketId}', ticketId) : undefined;
    const view = await this.access.read({ ticketId, customer: state.contact.customer, actor, requestId, needToKnow, approval, closedBecause: closed, reason });
    return { ticketId, customer: view, ...(approval ? { approvedUntil: clearance!.request!.expiresAt } : {}) };
  }

  @Post('customers/erasure')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary:
      "Erase a customer's contact details on request (crypto-shredding): their key is destroyed, so the details of every ticket of " +
      'theirs become unreadable in every event, topic and export; the history, hash chains and figures stay intact.',
  })
  @ApiBody({ schema: z.toJSONSchema(erasureSchema) as Record<string, unknown> })
  async erase(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { ticketId, reason } = parseOrThrow(erasureSchema, body);
    const state = await this.contacts.state(ticketId);
    if (state.status === 'unknown' || state.status === 'recorded') throw new DomainError('NOT_FOUND', `no ticket ${ticketId}`);
    const { keyId } = state.contact.customer;
    const erasure = await this.vault.erase(keyId, `${actor.role}:${actor.id}`, reason);
    await this.commands.handle(
      privacyStreamId('intake', ticketId),
      erasureDecider,
      { type: 'RecordErasure', data: { keyId, reason, basis: 'request' }, metadata: { now: this.clock(), actor, correlationId: requestId, causationId: newId(), reason } },
      { ticketId },
    );
    return { ticketId, keyId, erasedAt: erasure.erasedAt };
  }
}
