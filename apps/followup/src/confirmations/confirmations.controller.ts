import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText, hasForbiddenCharacters, parseOrThrow, storableString, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess, RequestId, commandMetadata, CLOCK, type Clock } from '@handoff/platform';
import { CustomersReader } from '../customers/customers.reader';
import type { FollowupCommand } from './confirmations.decider';
import { ConfirmationsService, describeState, type Executed } from './confirmations.service';

const confirmationSchema = z.discriminatedUnion('satisfied', [
  z.strictObject({ satisfied: z.literal(true) }),
  z.strictObject({
    satisfied: z.literal(false),
    objection: storableString({ error: (issue) => (issue.input === undefined ? 'required when the customer is not satisfied' : undefined) })
      .trim()
      .min(1)
      .max(4000)
      .refine((value) => !hasForbiddenCharacters(value), { message: 'must not contain control characters', params: { rule: 'control_characters' } }),
  }),
]);
const contactAttemptSchema = z.strictObject({ note: freeText(4000).optional() });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

@ApiTags('confirmations')
@ApiBearerAuth()
@Controller('v1/tickets')
export class ConfirmationsController {
  constructor(
    private readonly confirmations: ConfirmationsService,
    private readonly customers: CustomersReader,
    private readonly access: CustomerAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The customer's objection or CS's note with the contact details typed into it sealed with the customer's key, then decided. */
  private async execute(ticketId: string, command: FollowupCommand): Promise<Executed> {
    const sealed = await this.access.sealWords(command, ticketId, async () => (await this.customers.sealedOf(ticketId))?.keyId);
    return this.confirmations.execute(ticketId, sealed);
  }

  @Post(':ticketId/confirmation')
  @HttpCode(200)
  @Allow('cs')
  @ApiOperation({
    summary: "Record the customer's answer to the result CS reported.",
    description:
      'Satisfied closes the ticket. Not satisfied records the objection and sends the ticket back for another round ' +
      '(to management instead, once the rounds reach the policy cap). The same X-Request-Id again records nothing new.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(confirmationSchema) })
  @ApiResponse({ status: 200, description: "The ticket's follow-up state after the answer and the events recorded." })
  @ApiResponse({ status: 400, description: 'Invalid body (`objection` is required when not satisfied); `fields` names each bad field.' })
  @ApiResponse({ status: 404, description: 'No confirmation was ever requested for this ticket.' })
  @ApiResponse({ status: 412, description: 'The ticket is not awaiting a confirmation (closed, or waiting for the next result).' })
  async confirm(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const answer = parseOrThrow(confirmationSchema, body);
    const { state, recorded } = await this.execute(ticketId, {
      type: 'RecordConfirmation',
      data: answer.satisfied ? { satisfied: true } : { satisfied: false, objection: answer.objection },
      metadata: commandMetadata(actor, requestId, this.clock(), answer.satisfied ? undefined : answer.objection),
    });
    return { ...describeState(ticketId, state), recorded };
  }

  @Post(':ticketId/contact-attempts')
  @HttpCode(200)
  @Allow('cs')
  @ApiOperation({
    summary: 'CS could not reach the customer to confirm the result.',
    description: 'Counted per round; the policy number of failed attempts closes the ticket as `unconfirmed_unreachable`, never as satisfied.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(contactAttemptSchema) })
  @ApiResponse({ status: 200, description: "The ticket's follow-up state after the attempt and the events recorded." })
  @ApiResponse({ status: 400, description: 'Invalid body; `fields` names each bad field.' })
  @ApiResponse({ status: 404, description: 'No confirmation was ever requested for this ticket.' })
  @ApiResponse({ status: 412, description: 'The ticket is not awaiting a confirmation.' })
  async contactAttempt(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { note } = parseOrThrow(contactAttemptSchema, body ?? {});
    const { state, recorded } = await this.execute(ticketId, {
      type: 'RecordContactAttempt',
      data: note ? { note } : {},
      metadata: commandMetadata(actor, requestId, this.clock()),
    });
    return { ...describeState(ticketId, state), recorded };
  }

  @Get(':ticketId')
  @Allow('cs', 'management')
  @ApiOperation({
    summary: "A ticket's follow-up state, read from its event stream (the source of truth, not the worklist).",
    description: 'The round being confirmed, failed contact attempts, whether management took over, or how the ticket closed.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiResponse({ status: 200, description: 'The follow-up state and the stream version it was read at.' })
  @ApiResponse({ status: 404, description: 'Follow-up has nothing for this ticket yet.' })
  async get(@Param('ticketId', ParseUUIDPipe) ticketId: string) {
    const { state, version } = await this.confirmations.state(ticketId);
    return { ...describeState(ticketId, state), version };
  }
}
