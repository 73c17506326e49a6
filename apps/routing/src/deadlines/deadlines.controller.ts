import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseOrThrow, ValidationFailed, type Actor } from '@handoff/contracts';
import { Allow, CONFIG, CurrentActor, RequestId, CLOCK, type Clock } from '@handoff/platform';
import type { RoutingConfig } from '../config';
import { DeadlineSweeper } from './deadline-sweeper';

const checkSchema = z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() });

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('v1/deadlines')
export class DeadlinesController {
  constructor(
    private readonly sweeper: DeadlineSweeper,
    @Inject(CONFIG) private readonly config: RoutingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('check')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary:
      'Run one deadline sweep now: every ticket whose deadline or escalation point has come (its own or an open sub-request\'s, ' +
      'then with `subRequestId`) gets DeadlineBreached / TicketEscalated, ' +
      'and one whose deadline falls due within the warning time (escalation policy `warnBeforeMinutes`) DeadlineApproaching. ' +
      '`asOf` sweeps as of another instant and is refused unless the service runs with ALLOW_CLOCK_OVERRIDE=true (tests, demos).',
  })
  @ApiBody({ schema: z.toJSONSchema(checkSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>, required: false })
  @ApiResponse({ status: 200, description: '{asOf, checked, changed: [{ticketId, events}], failed}' })
  @ApiResponse({ status: 400, description: '`fields` names asOf when the clock override is off or the instant is invalid.' })
  async check(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { asOf } = parseOrThrow(checkSchema, body ?? {});
    if (asOf !== undefined && !this.config.ALLOW_CLOCK_OVERRIDE) {
      throw new ValidationFailed([{ field: 'asOf', message: 'is refused unless ALLOW_CLOCK_OVERRIDE=true' }]);
    }
    return this.sweeper.sweep(asOf ? new Date(asOf) : this.clock(), { correlationId: requestId, requestedBy: actor });
  }
}
