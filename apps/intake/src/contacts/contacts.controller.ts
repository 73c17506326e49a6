import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { contactPayloadSchema, freeText, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, apiKeyBindings, CONFIG, commandMetadata, CurrentActor, CustomerAccess, RequestId, CLOCK, type Clock } from '@handoff/platform';
import type { IntakeConfig } from '../config';
import { ContactsService } from './contacts.service';

const answerSchema = z.strictObject({
  answer: freeText(4000),
  /** The customer, still on the line, is satisfied with the answer: the ticket closes without a call back. */
  customerSatisfied: z.boolean().optional(),
});
const handOverSchema = z.strictObject({ note: freeText(2000).optional() });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

@ApiTags('contacts')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1')
export class ContactsController {
  /** The source systems each bound upstream key may post for (AUTH_API_KEYS `name=key:source|source`). */
  private readonly bindings: Map<string, readonly string[]>;

  constructor(
    private readonly contacts: ContactsService,
    private readonly access: CustomerAccess,
    @Inject(CONFIG) config: IntakeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.bindings = apiKeyBindings(config.AUTH_API_KEYS);
  }

  @Post('contacts')
  @Allow('system', 'cs')
  @ApiOperation({
    summary:
      'Record a contact from a channel. The same contact again (same source, external id and content) returns the same ticket (200) and writes nothing; ' +
      'the same source and external id with other content is refused (409, naming the fields that differ). ' +
      'An API key bound to source systems posts for those only (403 naming sourceSystem).',
  })
  @ApiBody({ schema: asJsonSchema(contactPayloadSchema) })
  @ApiResponse({ status: 201, description: 'A new ticket was opened.' })
  @ApiResponse({ status: 200, description: 'This contact was recorded before; the existing ticket id.' })
  @ApiResponse({ status: 400, description: 'Invalid input; `fields` names each bad field. Nothing is written.' })
  @ApiResponse({ status: 403, description: 'The API key is bound to other source systems (`details.field`: sourceSystem).' })
  @ApiResponse({ status: 409, description: 'This source and external id were recorded with other content; `details.fields` names what differs. Nothing is written.' })
  async record(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string, @Res({ passthrough: true }) response: Response) {
    const result = await this.contacts.record(body, commandMetadata(actor, requestId, this.clock()), actor.role === 'system' ? this.bindings.get(actor.id) : undefined);
    response.status(result.created ? 201 : 200);
    return result;
  }

  @Post('tickets/:ticketId/first-contact-answer')
  @HttpCode(200)
  @Allow('cs')
  @ApiOperation({
    summary: 'CS answers a simple contact at once; the ticket goes straight to confirmation.',
    description: 'With `customerSatisfied: true` (the customer said so on the line) follow-up records the confirmation in the agent’s name and closes the ticket: one step.',
  })
  @ApiBody({ schema: asJsonSchema(answerSchema) })
  async answer(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { answer, customerSatisfied } = parseOrThrow(answerSchema, body);
    const state = await this.contacts.execute(ticketId, {
      type: 'AnswerAtFirstContact',
      data: { answer, ...(customerSatisfied ? { confirmedOnTheLine: true } : {}) },
      metadata: commandMetadata(actor, requestId, this.clock()),
    });
    return { ticketId, status: state.status };
  }

  @Post('tickets/:ticketId/hand-over')
  @HttpCode(200)
  @Allow('cs')
  @ApiOperation({ summary: 'CS could not answer after all: hand the ticket over to routing.' })
  @ApiBody({ schema: asJsonSchema(handOverSchema) })
  async handOver(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { note } = parseOrThrow(handOverSchema, body);
    const state = await this.contacts.execute(ticketId, {
      type: 'HandOverTicket',
      data: { reason: 'cs_could_not_answer', ...(note ? { note } : {}) },
      metadata: commandMetadata(actor, requestId, this.clock()),
    });
    return { ticketId, status: state.status };
  }

  @Get('tickets/:ticketId')
  @Allow('cs', 'management')
  @ApiOperation({
    summary: 'The intake record of a ticket: the contact as recorded (contact details masked; see /customer), its classification and status.',
  })
  async get(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: Actor) {
    const state = await this.contacts.state(ticketId);
    if (state.status === 'unknown' || state.status === 'recorded') return { ticketId, status: state.status };
    const { customer, ...contact } = state.contact;
    // CS calls the customer back: the details typed into the description open for CS, masked for management.
    const words = await this.access.words(contact, ticketId, actor.role === 'cs');
    return { ticketId, status: state.status, contact: { ...words, customer: await this.access.masked(customer) }, classification: state.classification };
  }
}
