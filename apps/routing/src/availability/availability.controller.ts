import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainError, parseOrThrow, staffingStreamId, storableString, type Actor, type CommandMetadata, type Department, type DepartmentStaffing } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { Allow, CLOCK, CONFIG, CurrentActor, RequestId, commandMetadata, type Clock } from '@handoff/platform';
import { assertMayRead } from '../access';
import type { RoutingConfig } from '../config';
import { departmentOf, type Organisation } from '../organisation/organisation';
import { ORGANISATION } from '../organisation/organisation-in-force';
import { staffingDecider, type StaffingCommand } from './availability.decider';
import { DepartmentAssigner, type AssignmentCause } from './department-assigner';

const awaySchema = z.strictObject({
  until: z.iso.datetime({ offset: true, error: 'must be an ISO instant with its offset, such as 2026-12-07T09:00:00+08:00' }).optional(),
});
const backSchema = z.strictObject({});
const handlerIdSchema = storableString().trim().min(1).max(64);

const STAFF: readonly ['department_handler', 'department_manager', 'management'] = ['department_handler', 'department_manager', 'management'];

@ApiTags('availability')
@ApiBearerAuth()
@ApiParam({ name: 'department', example: 'billing' })
@ApiResponse({ status: 404, description: 'No such department.' })
@Controller('v1/departments')
export class AvailabilityController {
  constructor(
    @Inject(CONFIG) private readonly config: RoutingConfig,
    private readonly commands: CommandHandler,
    private readonly assigner: DepartmentAssigner,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ORGANISATION) private readonly organisation: Organisation,
  ) {}

  @Get(':department/handlers')
  @Allow(...STAFF)
  @ApiOperation({
    summary:
      "Each handler of the department: at work or away (and until when), tickets in progress against the department's limit (`wipLimit`, null: none). " +
      'Department staff read their own department; management any.',
  })
  async handlers(@Param('department') department: string, @CurrentActor() actor: Actor): Promise<DepartmentStaffing> {
    const definition = this.department(department);
    assertMayRead(actor, [department]);
    return {
      department,
      strategy: definition.strategy,
      wipLimit: definition.wipLimit ?? null,
      handlers: await this.assigner.handlerStates(this.dataSource.manager, department),
    };
  }

  @Post(':department/handlers/:handlerId/away')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiParam({ name: 'handlerId', example: 'billing-wu' })
  @ApiOperation({
    summary:
      'The handler is away (optionally `until` an instant, when the absence ends by itself): automatic assignment passes them by, and their tickets in progress ' +
      'go to free colleagues by the department’s strategy, each a reassignment with reason `away`, or back to the queue when nobody is free. ' +
      'For the handler themself, their department’s manager, or management. Saying it again hands on anything left.',
  })
  @ApiBody({ schema: { type: 'object', properties: { until: { type: 'string', format: 'date-time' } }, additionalProperties: false }, required: false })
  @ApiResponse({ status: 400, description: 'Not a handler of the department, or `until` not a future instant.' })
  @ApiResponse({ status: 403, description: 'Another handler, or staff of another department.' })
  async away(
    @Param('department') department: string,
    @Param('handlerId') handlerId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ): Promise<DepartmentStaffing> {
    const { until } = parseOrThrow(awaySchema, body ?? {});
    return this.changeAvailability(
      { department, handlerId, actor, requestId },
      (id, metadata) => ({ type: 'MarkAway', data: { handlerId: id, ...(until !== undefined && { until }) }, metadata }),
      (id, cause) => this.assigner.handOn(this.dataSource.manager, department, id, cause),
    );
  }

  @Post(':department/handlers/:handlerId/back')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiParam({ name: 'handlerId', example: 'billing-wu' })
  @ApiOperation({ summary: 'The handler is back at work: automatic assignment gives them tickets again, the waiting ones first. Same people as /away.' })
  @ApiBody({ schema: { type: 'object', additionalProperties: false }, required: false })
  async back(
    @Param('department') department: string,
    @Param('handlerId') handlerId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ): Promise<DepartmentStaffing> {
    parseOrThrow(backSchema, body ?? {});
    return this.changeAvailability(
      { department, handlerId, actor, requestId },
      (id, metadata) => ({ type: 'MarkBack', data: { handlerId: id }, metadata }),
      (_id, cause) => this.assigner.drain(this.dataSource.manager, department, cause),
    );
  }

  /**
   * Away and back differ only in their command and in what the assigner does after it. Each caller
   * has judged its body already: a malformed request is a 400 wherever it is sent.
   */
  private async changeAvailability(
    request: { readonly department: string; readonly handlerId: string; readonly actor: Actor; readonly requestId: string },
    command: (handlerId: string, metadata: CommandMetadata) => StaffingCommand,
    reassign: (handlerId: string, cause: AssignmentCause) => Promise<void>,
  ): Promise<DepartmentStaffing> {
    const { department, actor, requestId } = request;
    this.department(department);
    const id = parseOrThrow(handlerIdSchema, request.handlerId);
    await this.staffing(department, command(id, commandMetadata(actor, requestId, this.clock())));
    await reassign(id, { correlationId: requestId, causationId: requestId });
    return this.handlers(department, actor);
  }

  private department(department: string) {
    const definition = departmentOf(this.organisation, department);
    if (!definition) throw new DomainError('NOT_FOUND', `no department ${department}`);
    return definition;
  }

  private async staffing(department: Department, command: StaffingCommand): Promise<void> {
    // The department's stream holds no ticket: the envelope names the stream instead.
    await this.commands.handle(staffingStreamId(department), staffingDecider(department, this.organisation), command, { ticketId: staffingStreamId(department) });
  }
}
