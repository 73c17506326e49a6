import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { cursorInstant, freeText, isoInstantSchema, pageQueryShape, parseOrThrow, periodSchema, storableString, type Actor, type CorrectiveActionView, type Page, type SampleSummary } from '@handoff/contracts';
import { Allow, CONFIG, CurrentActor, RequestId, commandMetadata, CLOCK, PolicyBook, type Clock } from '@handoff/platform';
import type { EvaluationConfig } from '../config';
import { isPeriod } from '@handoff/service-time';
import { assertMaySuperviseTeam, teamSchema } from '../teams';
import { QualityService } from './quality.service';
import type { Rubric } from './rubric';

const samplingPeriodSchema = periodSchema.refine(isPeriod, 'is not a real week or month');

const drawSchema = z.strictObject({
  team: teamSchema,
  period: samplingPeriodSchema,
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});
const inspectSchema = z.strictObject({
  sampleId: z.uuid(),
  scores: z.record(storableString().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a criterion of the rubric'), z.number().int().min(0).max(100)),
  note: freeText(2000).optional(),
  correctiveAction: z.strictObject({ description: freeText(2000), dueAt: isoInstantSchema.optional() }).optional(),
});
const completeSchema = z.strictObject({ note: freeText(2000) });
const samplesQuerySchema = z.strictObject({
  team: teamSchema.optional(),
  period: samplingPeriodSchema.optional(),
  ...pageQueryShape({ key: z.tuple([cursorInstant, z.uuid()]), defaultLimit: 50, maxLimit: 200 }),
});
const actionsQuerySchema = z.strictObject({
  team: teamSchema.optional(),
  status: z.enum(['open', 'completed', 'verified'], { error: 'must be open, completed or verified' }).optional(),
  ...pageQueryShape({ key: z.tuple([cursorInstant, z.uuid()]), defaultLimit: 50, maxLimit: 200 }),
});
const verifySchema = z.strictObject({ effective: z.boolean(), note: freeText(2000).optional() });

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const FOLLOWING_UP = ['qa', 'management', 'department_manager'] as const;

@ApiTags('quality')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'Invalid input (unknown fields refused); `fields` names each bad field.' })
@ApiResponse({ status: 401, description: 'No or invalid credentials.' })
@ApiResponse({ status: 403, description: 'Not for this role, or a department manager asking about another team.' })
@Controller('v1/qa')
export class QualityController {
  constructor(
    private readonly quality: QualityService,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyBook,
  ) {}

  @Get('rubric')
  @Allow(...FOLLOWING_UP)
  @ApiOperation({ summary: 'The inspection rubric in force (QA_RUBRIC_FILE, or as management last changed it: /v1/policies/qa-rubric): criteria with weights and points, the pass mark, its version.' })
  @ApiResponse({ status: 200, description: '`{ version, criteria: [{ id, name, weight, maxPoints }], passMark }`.' })
  rubric(): Rubric {
    return this.policies.current<Rubric>('qa-rubric').document;
  }

  @Get('samples')
  @Allow(...FOLLOWING_UP)
  @ApiOperation({ summary: 'The samples drawn, newest first, by team and period, a page at a time. A department manager sees their own department’s.' })
  @ApiQuery({ name: 'team', required: false })
  @ApiQuery({ name: 'period', required: false, description: 'An ISO week (2025-W10) or a month (2025-03).' })
  @ApiQuery({ name: 'limit', required: false, description: 'Samples per page, 1 to 200, default 50.' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page.' })
  @ApiResponse({ status: 200, description: '`{ items: [{ sampleId, team, period, seed, size, populationSize, drawnBy, drawnAt }], nextCursor }`.' })
  async samples(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor): Promise<Page<SampleSummary>> {
    const { cursor, ...filter } = parseOrThrow(samplesQuerySchema, query);
    const page = { ...filter, ...(cursor ? { after: cursor } : {}) };
    if (actor.role !== 'department_manager') return this.quality.samples(page);
    assertMaySuperviseTeam(actor, filter.team ?? actor.department ?? '');
    return this.quality.samples({ ...page, team: actor.department });
  }

  @Post('samples')
  @HttpCode(201)
  @Allow('qa')
  @ApiOperation({
    summary: "Draw a quality sample of a team's service records for a period, by a seeded random choice stratified by agent and channel.",
    description:
      'Team `cs` (the tickets CS agents worked on) or a department (the tickets it held), period an ISO week (`2025-W10`) or a month ' +
      '(`2025-03`) as the team’s sampling policy says. The share is the team’s (default 10% a week, small teams 30% a month, large teams ' +
      '15% a week), enlarged when needed so every agent and channel is represented. Without a seed a random one is chosen; either way ' +
      'it is recorded in the SampleDrawn event, and the same seed over the same records draws the same sample.',
  })
  @ApiBody({ schema: asJsonSchema(drawSchema) })
  @ApiResponse({ status: 201, description: 'The sample as drawn: seed, policy, population size and digest, ticket ids.' })
  @ApiResponse({ status: 412, description: 'The team has no service records in the period.' })
  async draw(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    return this.quality.draw(parseOrThrow(drawSchema, body), commandMetadata(actor, requestId, this.clock()));
  }

  @Get('samples/:sampleId')
  @Allow(...FOLLOWING_UP)
  @ApiOperation({
    summary: 'A sample with each record’s completeness check, its inspection, and whether a redraw now gives the same sample.',
    description:
      'Completeness of each service record: customer information, contact details, problem description, handling process, solution, ' +
      'customer confirmation; a record missing contact details or a solution needs improvement.',
  })
  @ApiParam({ name: 'sampleId', format: 'uuid' })
  @ApiResponse({ status: 404, description: 'No such sample.' })
  async sample(@Param('sampleId', ParseUUIDPipe) sampleId: string, @CurrentActor() actor: Actor) {
    return this.quality.sample(sampleId, actor);
  }

  @Post('inspections/:ticketId')
  @HttpCode(200)
  @Allow('qa')
  @ApiOperation({
    summary: 'Score a sampled service record against the rubric; a total below the pass mark needs a corrective action.',
    description: 'Scores per criterion of the configured rubric (wording and politeness, opening script, accuracy, timeliness, completeness by default).',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(inspectSchema) })
  @ApiResponse({ status: 404, description: 'No such sample.' })
  @ApiResponse({ status: 409, description: 'The record was inspected in this sample already.' })
  @ApiResponse({ status: 412, description: 'The record is not in the sample.' })
  async inspect(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const input = parseOrThrow(inspectSchema, body);
    return this.quality.inspect(ticketId, input, commandMetadata(actor, requestId, this.clock()));
  }

  @Post('corrective-actions/:actionId/complete')
  @HttpCode(200)
  @Allow(...FOLLOWING_UP, 'cs', 'department_handler')
  @ApiOperation({ summary: 'Record that a corrective action is done, with what was done. The person it is addressed to, QA, management, or the team’s own department manager.' })
  @ApiParam({ name: 'actionId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(completeSchema) })
  @ApiResponse({ status: 404, description: 'No such corrective action (yet: the list follows the events by a moment).' })
  @ApiResponse({ status: 409, description: 'Completed already.' })
  async complete(@Param('actionId', ParseUUIDPipe) actionId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { note } = parseOrThrow(completeSchema, body);
    return this.quality.completeAction(actionId, note, commandMetadata(actor, requestId, this.clock()));
  }

  @Post('corrective-actions/:actionId/verify')
  @HttpCode(200)
  @Allow('qa')
  @ApiOperation({ summary: 'QA checks a completed corrective action: effective (done with) or not (open again; the note says what is missing).' })
  @ApiParam({ name: 'actionId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(verifySchema) })
  @ApiResponse({ status: 404, description: 'No such corrective action.' })
  @ApiResponse({ status: 412, description: 'The action is not completed.' })
  async verify(@Param('actionId', ParseUUIDPipe) actionId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const input = parseOrThrow(verifySchema, body);
    return this.quality.verifyAction(actionId, input, commandMetadata(actor, requestId, this.clock()));
  }

  @Get('corrective-actions/mine')
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({ summary: 'The corrective actions addressed to the caller: open first, then completed, then verified.' })
  @ApiResponse({ status: 200, description: '`{ items }`.' })
  async mine(@CurrentActor() actor: Actor): Promise<{ items: CorrectiveActionView[] }> {
    // Bounded by what one person is asked to put right; the consoles read it whole.
    return { items: await this.quality.actionsOf(actor.id) };
  }

  @Get('corrective-actions')
  @Allow(...FOLLOWING_UP)
  @ApiOperation({ summary: 'Corrective actions with the ticket’s subject, oldest first, open, completed or verified, a page at a time. A department manager sees their own department’s.' })
  @ApiQuery({ name: 'team', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'completed', 'verified'] })
  @ApiQuery({ name: 'limit', required: false, description: 'Actions per page, 1 to 200, default 50.' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page.' })
  @ApiResponse({ status: 200, description: '`{ items, nextCursor }`.' })
  async actions(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor): Promise<Page<CorrectiveActionView>> {
    const { cursor, ...filter } = parseOrThrow(actionsQuerySchema, query);
    const page = { ...filter, ...(cursor ? { after: cursor } : {}) };
    if (actor.role !== 'department_manager') return this.quality.actions(page);
    assertMaySuperviseTeam(actor, filter.team ?? actor.department ?? '');
    return this.quality.actions({ ...page, team: actor.department });
  }
}
