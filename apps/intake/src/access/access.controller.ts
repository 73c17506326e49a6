import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, CLOCK, commandMetadata, CurrentActor, RequestId, type Clock } from '@handoff/platform';
import { MIN_PURPOSE_LENGTH } from './access.decider';
import { AccessService } from './access.service';

// The decider checks the purpose too; here it is refused first so the answer names the field in the caller's language.
const requestSchema = z.strictObject({ purpose: freeText(500).min(MIN_PURPOSE_LENGTH, `must say why your work needs the details, in ${MIN_PURPOSE_LENGTH} characters or more`) });
const approveSchema = z.strictObject({});
const refuseSchema = z.strictObject({ reason: freeText(500) });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** Everyone who works or inspects tickets may ask; CS and the holding department rarely need to. */
const REQUESTERS = ['cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor'] as const;
const APPROVERS = ['department_manager', 'management'] as const;

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1')
export class AccessController {
  constructor(
    private readonly access: AccessService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('tickets/:ticketId/access-requests')
  @Allow(...REQUESTERS)
  @ApiOperation({
    summary:
      "Ask to read this ticket's customer contact details for work that does not need them by itself, saying why (`purpose`, 10+ characters). " +
      'Your department manager or management approves it for ACCESS_APPROVAL_MINUTES, or refuses it; nobody decides their own request.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(requestSchema) })
  @ApiResponse({ status: 201, description: '`{ ticketId, requestId, status: pending, purpose, requester }`' })
  @ApiResponse({ status: 400, description: 'No purpose, or one shorter than 10 characters; `fields` names `purpose`. Nothing is written.' })
  @ApiResponse({ status: 409, description: 'You already have a request waiting or approved on this ticket (`details.requestId`).' })
  async request(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { purpose } = parseOrThrow(requestSchema, body);
    return this.access.request(ticketId, purpose, commandMetadata(actor, requestId, this.clock()));
  }

  @Get('tickets/:ticketId/access-requests')
  @Allow(...REQUESTERS)
  @ApiOperation({ summary: 'The access requests of this ticket that you asked or may decide, with their status and, once approved, until when.' })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  async ofTicket(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: Actor) {
    return { items: await this.access.ofTicket(ticketId, actor) };
  }

  @Get('access-requests/pending')
  @Allow(...APPROVERS)
  @ApiOperation({ summary: 'The access requests waiting for your decision: a department manager sees their own department’s, management everyone’s but their own.' })
  async pending(@CurrentActor() actor: Actor) {
    return { items: await this.access.pendingFor(actor) };
  }

  @Post('tickets/:ticketId/access-requests/:requestId/approve')
  @HttpCode(200)
  @Allow(...APPROVERS)
  @ApiOperation({ summary: 'Approve an access request for ACCESS_APPROVAL_MINUTES. Not your own; a department manager only for their own department’s staff.' })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiParam({ name: 'requestId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(approveSchema) })
  @ApiResponse({ status: 403, description: 'Your own request, or a request you may not decide.' })
  @ApiResponse({ status: 404, description: 'No such request on this ticket.' })
  @ApiResponse({ status: 409, description: 'Already approved or refused.' })
  async approve(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('requestId', ParseUUIDPipe) accessRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    parseOrThrow(approveSchema, body ?? {});
    return this.access.approve(ticketId, accessRequestId, commandMetadata(actor, requestId, this.clock()));
  }

  @Post('tickets/:ticketId/access-requests/:requestId/refuse')
  @HttpCode(200)
  @Allow(...APPROVERS)
  @ApiOperation({ summary: 'Refuse an access request, saying why (`reason`). Not your own; a department manager only for their own department’s staff.' })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiParam({ name: 'requestId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(refuseSchema) })
  @ApiResponse({ status: 400, description: 'No reason; `fields` names `reason`. Nothing is written.' })
  @ApiResponse({ status: 403, description: 'Your own request, or a request you may not decide.' })
  @ApiResponse({ status: 404, description: 'No such request on this ticket.' })
  @ApiResponse({ status: 409, description: 'Already approved or refused.' })
  async refuse(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('requestId', ParseUUIDPipe) accessRequestId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ) {
    const { reason } = parseOrThrow(refuseSchema, body);
    return this.access.refuse(ticketId, accessRequestId, reason, commandMetadata(actor, requestId, this.clock(), reason));
  }
}
