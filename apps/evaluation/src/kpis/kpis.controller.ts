import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { departmentSchema, DomainError, isoInstantSchema, parseOrThrow, type Actor } from '@handoff/contracts';
import { Allow, CONFIG, CurrentActor, CLOCK, PolicyBook, type Clock } from '@handoff/platform';
import { kpiPolicyOf, type EvaluationConfig } from '../config';
import { ServiceRecordsReader } from '../records/service-records.reader';
import { kpiReportCsv } from './kpi-csv';
import { KpiFactsReader } from './kpi-facts.reader';
import { complaintReport } from './kpis';
import { GROUP_BYS, POLICY_BASES, type ComplaintReport, type KpiReport } from '@handoff/contracts';
import { GRANULARITIES } from '@handoff/service-time';

const windowSchema = {
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
  department: departmentSchema.optional(),
};
const fromBeforeTo = ({ from, to }: { from?: string; to?: string }) => from === undefined || to === undefined || Date.parse(from) < Date.parse(to);
const afterFrom = { message: 'must be after from', path: ['to'] };

export const kpiQuerySchema = z
  .strictObject({
    ...windowSchema,
    groupBy: z.enum(GROUP_BYS).optional(),
    period: z.enum(GRANULARITIES).optional(),
    policy: z.enum(POLICY_BASES).default('then'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine(fromBeforeTo, afterFrom);

export const complaintQuerySchema = z.strictObject(windowSchema).refine(fromBeforeTo, afterFrom);

const KPI_READERS = ['management', 'qa', 'department_manager'] as const;

/**
 * The service standards, summed on request from the KPI aggregate the timeline projection keeps
 * (kpi-facts.reader.ts), equal by test to the pure functions that recompute them from the event
 * stores alone (kpis.ts); the complaint analysis from the tickets' service records.
 */
@ApiTags('kpis')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'An unknown or invalid parameter; `fields` names each.' })
@ApiResponse({ status: 401, description: 'No or invalid credentials.' })
@ApiResponse({ status: 403, description: 'Not for this role, or a department manager asking for another department.' })
@Controller('v1/kpis')
export class KpisController {
  constructor(
    private readonly records: ServiceRecordsReader,
    private readonly facts: KpiFactsReader,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyBook,
  ) {}

  @Get()
  @Allow(...KPI_READERS)
  @ApiOperation({
    summary: 'Service KPIs with their targets beside them, in total and grouped, as JSON or CSV.',
    description:
      'Over the tickets opened in [from, to): satisfaction rate (satisfied ÷ closed), complaint rate, resolution rate (satisfied ÷ tickets), ' +
      'first-contact resolution rate, reopen rate (sent back ÷ with a result), first response and resolution time (median and 90th percentile, ' +
      'minutes), first-response and resolution deadline compliance, volume by channel and by local hour with the peak hours marked. ' +
      '`groupBy` agent (everyone who worked on a ticket), department (every department that held it), channel, type or period; `period` ' +
      'day, ISO week or month in the configured time zone. `policy=then` (default): deadlines as routing recorded them and the targets in ' +
      'force when each period began; `policy=now`: every round’s deadlines recomputed and judged under today’s policy, and today’s targets. ' +
      'A department manager sees the tickets their department held.',
  })
  @ApiQuery({ name: 'from', required: false, description: 'Opened at or after this ISO 8601 instant.' })
  @ApiQuery({ name: 'to', required: false, description: 'Opened before this ISO 8601 instant.' })
  @ApiQuery({ name: 'groupBy', required: false, enum: GROUP_BYS })
  @ApiQuery({ name: 'period', required: false, enum: GRANULARITIES, description: 'Rows per local day, ISO week or month (month with groupBy=period).' })
  @ApiQuery({ name: 'policy', required: false, enum: POLICY_BASES })
  @ApiQuery({ name: 'department', required: false, description: 'Only the tickets this department held.' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiResponse({ status: 200, description: '`{ asOf, policy, total, rows, ... }`, or the same as CSV (one line per row).' })
  async kpis(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response): Promise<KpiReport | string> {
    const { format, ...parsed } = parseOrThrow(kpiQuerySchema, query);
    const department = scopedDepartment(actor, parsed.department);
    const asOf = this.clock();
    const report = await this.facts.report({ ...parsed, department }, kpiPolicyOf(this.config, this.policies), asOf);
    if (format === 'json') return report;
    response.type('text/csv').attachment('kpis.csv');
    return kpiReportCsv(report);
  }

  @Get('complaints')
  @Allow(...KPI_READERS)
  @ApiOperation({
    summary: 'Complaint analysis: complaints by category, by cause and by the department that put them right, with shares.',
    description:
      'Over the complaints opened in [from, to). The cause is what the department named with its result, a code of the complaint cause ' +
      'taxonomy (COMPLAINT_CAUSES_FILE) with its English and Chinese label; `unclassified` for results from before causes were asked, ' +
      '`not_reported` for complaints without a result yet; ' +
      'shares are of all the complaints. A department manager sees the complaints their department held.',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'department', required: false })
  @ApiResponse({ status: 200, description: '`{ complaints, byCategory, byCause, byDepartment, withCorrectiveAction }`.' })
  async complaints(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor): Promise<ComplaintReport> {
    const parsed = parseOrThrow(complaintQuerySchema, query);
    const department = scopedDepartment(actor, parsed.department);
    return complaintReport(await this.records.openedBetween({ ...parsed, department }), { ...parsed, department }, this.config.COMPLAINT_CAUSES_FILE);
  }
}

/** A department manager reads their own department's tickets; others may narrow to any department. */
function scopedDepartment(actor: Actor, asked: string | undefined): string | undefined {
  if (actor.role !== 'department_manager') return asked;
  if (asked !== undefined && asked !== actor.department) throw new DomainError('FORBIDDEN', `a manager of ${actor.department} reads ${actor.department}'s figures only`);
  return actor.department;
}
