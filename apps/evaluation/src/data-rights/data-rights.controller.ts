import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { parseOrThrow, ValidationFailed, type Actor } from '@handoff/contracts';
import { Allow, CLOCK, CONFIG, CurrentActor, RequestId, type Clock } from '@handoff/platform';
import type { EvaluationConfig } from '../config';
import { exportRequestSchema, type CustomerDataExport } from './customer-export';
import { CustomerExportService } from './customer-export.service';
import { RetentionJob, type RetentionListing, type RetentionRun } from './retention.job';

const asOfSchema = z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() });
const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/**
 * Data rights: a customer's access request answered with everything held about them, and the
 * retention schedule that erases customers' details once they are no longer needed. Management
 * decides both: the product has no privacy officer's role of its own.
 */
@ApiTags('data rights')
@ApiBearerAuth()
@Controller('v1')
export class DataRightsController {
  constructor(
    private readonly exports: CustomerExportService,
    private readonly retention: RetentionJob,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('customers/export')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary: 'Everything held about one customer, as one JSON file, for a data-subject access request.',
    description:
      'Name the customer by exactly one of `customerId` (the upstream system’s), `keyId`, `ticketId` (the customer of that ticket), ' +
      '`phone` or `email` (found through search’s keyed hashes; in the body, never in a URL), with a `reason` of 10 characters or more. ' +
      'The file holds the contact details in clear, every ticket with its conversation read as words, the customer’s answers, internal ' +
      'notes, and the attached files (each up to EXPORT_ATTACHMENT_INLINE_MAX_BYTES in base64, larger ones listed). Each ticket it covers ' +
      'records CustomerDataExported (who, when, why; never the contents) before the file is answered. After erasure it says the details are erased.',
  })
  @ApiBody({ schema: asJsonSchema(exportRequestSchema) })
  @ApiResponse({ status: 200, description: 'The export (`format: handoff.customer-data-export`, `version: 1`), as an attachment.' })
  @ApiResponse({ status: 400, description: 'No reason, a short one, or not exactly one way of naming the customer; `fields` names each.' })
  @ApiResponse({ status: 404, description: 'No ticket of such a customer has reached evaluation.' })
  async export(
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerDataExport> {
    const request = parseOrThrow(exportRequestSchema, body);
    const exported = await this.exports.export(request, actor, requestId, this.clock());
    response.setHeader('content-disposition', `attachment; filename="customer-data-export-${exported.exportedAt.slice(0, 10)}-${exported.exportId.slice(0, 8)}.json"`);
    // Contact details in clear: no proxy or browser cache may keep a copy an erasure cannot reach.
    response.setHeader('cache-control', 'private, no-store');
    return exported;
  }

  @Get('retention/due')
  @Allow('management')
  @ApiOperation({
    summary: 'The retention schedule’s dry run: the rule, and the customers a run now would erase (key id, last ticket, when it closed).',
    description: '`asOf` lists as of another instant and is refused unless the service runs with ALLOW_CLOCK_OVERRIDE=true (tests, demos).',
  })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiResponse({ status: 200, description: '`{ asOf, rule, cutoff, due: [{ keyId, lastTicketId, lastClosedAt, tickets }] }`; `rule: null` when the schedule erases nothing.' })
  @ApiResponse({ status: 400, description: '`fields` names asOf when the clock override is off or the instant is invalid.' })
  due(@Query() query: unknown): Promise<RetentionListing> {
    return this.retention.listing(this.asOf(parseOrThrow(asOfSchema, query).asOf));
  }

  @Post('retention/run')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary: 'Run the retention schedule now (it also runs every RETENTION_CHECK_INTERVAL_MINUTES): each customer due is erased as on request, recorded as CustomerDataErased with the retention basis, by system:retention.',
    description: '`asOf` runs as of another instant and is refused unless the service runs with ALLOW_CLOCK_OVERRIDE=true (tests, demos).',
  })
  @ApiBody({ schema: asJsonSchema(asOfSchema), required: false })
  @ApiResponse({ status: 200, description: 'The listing, with `erased: [{ keyId, ticketId }]`, `skipped` (another instance had them) and `failed`.' })
  @ApiResponse({ status: 400, description: '`fields` names asOf when the clock override is off or the instant is invalid.' })
  run(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<RetentionRun> {
    return this.retention.run(this.asOf(parseOrThrow(asOfSchema, body ?? {}).asOf), { correlationId: requestId, requestedBy: actor });
  }

  private asOf(asOf: string | undefined): Date {
    if (asOf === undefined) return this.clock();
    if (!this.config.ALLOW_CLOCK_OVERRIDE) throw new ValidationFailed([{ field: 'asOf', message: 'is refused unless ALLOW_CLOCK_OVERRIDE=true' }]);
    return new Date(asOf);
  }
}
