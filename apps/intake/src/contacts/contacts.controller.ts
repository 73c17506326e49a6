import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { contactPayloadSchema, freeText, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess, RequestId } from '@handoff/platform';
import { commandMetadata, ContactsService } from './contacts.service';

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
  constructor(
    private readonly contacts: ContactsService,
    private readonly access: CustomerAccess,
  ) {}

  @Post('contacts')
  @Allow('system', 'cs')
  @ApiOperation({ summary: 'Record a contact from a channel. The same source and external id again returns the same ticket (200) and writes nothing.' })
  @ApiBody({ schema: asJsonSchema(contactPayloadSchema) })
  @ApiResponse({ status: 201, description: 'A new ticket was opened.' })
  @ApiResponse({ status: 200, description: 'This contact was recorded before; the existing ticket id.' })
  @ApiResponse({ status: 400, description: 'Invalid input; `fields` names each bad field. Nothing is written.' })
  async record(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string, @Res({ passthrough: true }) response: Response) {
    const result = await this.contacts.record(body, commandMetadata(actor, requestId));
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
      metadata: commandMetadata(actor, requestId),
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
      metadata: commandMetadata(actor, requestId),
    });
    return { ticketId, status: state.status };
  }

  @Get('tickets/:ticketId')
  @Allow('cs', 'management')
  @ApiOperation({
    summary: 'The intake record of a ticket: the contact as recorded (contact details masked; see /customer), its classification and status.',
  })
  async get(@Param('ticketId', ParseUUIDPipe) ticketId: string) {
    const state = await this.contacts.state(ticketId);
    if (state.status === 'unknown' || state.status === 'recorded') return { ticketId, status: state.status };
    const { customer, ...contact } = state.contact;
    return { ticketId, status: state.status, contact: { ...contact, customer: await this.access.masked(customer) }, classification: state.classification };
  }
}
