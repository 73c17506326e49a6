import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { freeText, parseOrThrow, periodSchema, storableString, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, RequestId, commandMetadata, CLOCK, type Clock } from '@handoff/platform';
import { isPeriod } from '@handoff/service-time';
import { assertMaySuperviseTeam, teamSchema } from '../teams';
import { AssessmentService } from './assessment.service';

const assessmentPeriodSchema = periodSchema.refine(isPeriod, 'is not a real week or month');
// Whole points: a score is a judgement, not a measurement.
const scoreSchema = z.number().int().min(0).max(100);
const personIdSchema = storableString().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be a person’s id');

const selfSchema = z.strictObject({ period: assessmentPeriodSchema, score: scoreSchema, comment: freeText(2000).optional() });
const supervisorSchema = z.strictObject({ personId: personIdSchema, team: teamSchema, period: assessmentPeriodSchema, score: scoreSchema, comment: freeText(2000).optional() });
const rankingQuerySchema = z.strictObject({ team: teamSchema, period: assessmentPeriodSchema });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

@ApiTags('assessments')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'Invalid input (unknown fields refused); `fields` names each bad field.' })
@ApiResponse({ status: 401, description: 'No or invalid credentials.' })
@ApiResponse({ status: 403, description: 'Not for this role, or not this person’s or this team’s supervisor.' })
@Controller('v1/assessments')
export class AssessmentsController {
  constructor(
    private readonly assessments: AssessmentService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('self')
  @HttpCode(200)
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: 'One’s own evaluation of one’s work in a period (ISO week or month), 0 to 100. The latest counts; earlier ones stay on the record.',
    description: 'The team is the caller’s: `cs` for CS agents, the department for department staff.',
  })
  @ApiBody({ schema: asJsonSchema(selfSchema) })
  @ApiResponse({ status: 409, description: 'The person is assessed in another team for this period.' })
  async self(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    return this.assessments.submitSelf(parseOrThrow(selfSchema, body), commandMetadata(actor, requestId, this.clock()));
  }

  @Post('supervisor')
  @HttpCode(200)
  @Allow('department_manager', 'management')
  @ApiOperation({ summary: 'A supervisor’s evaluation of a person’s work in a period, 0 to 100: management for any team, a department manager for their department.' })
  @ApiBody({ schema: asJsonSchema(supervisorSchema) })
  @ApiResponse({ status: 409, description: 'The person is assessed in another team for this period.' })
  async supervisor(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    return this.assessments.submitSupervisor(parseOrThrow(supervisorSchema, body), commandMetadata(actor, requestId, this.clock()));
  }

  @Get()
  @Allow('management', 'qa', 'department_manager')
  @ApiOperation({
    summary: 'A team’s assessments for a period, best first, with the parts visible; the first complete one is the service star.',
    description:
      'Self, supervisor and customer evaluation (the share of satisfied customer answers on the results the person produced or reported ' +
      'back), combined with the configured weights. An assessment missing a part is shown with the parts it has and is not ranked.',
  })
  @ApiQuery({ name: 'team', required: true, description: '`cs` or a department.' })
  @ApiQuery({ name: 'period', required: true, description: 'An ISO week (2025-W10) or a month (2025-03).' })
  @ApiResponse({ status: 200, description: '`{ team, period, policy, stars, ranking }`.' })
  async ranking(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor) {
    const { team, period } = parseOrThrow(rankingQuerySchema, query);
    assertMaySuperviseTeam(actor, team);
    return this.assessments.ranking(team, period);
  }
}
