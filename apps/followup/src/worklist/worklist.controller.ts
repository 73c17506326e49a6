import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { departmentSchema, parseOrThrow } from '@handoff/contracts';
import { Allow } from '@handoff/platform';
import { WorklistQuery } from './worklist.query';

const worklistQuerySchema = z.strictObject({
  department: departmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

@ApiTags('worklist')
@ApiBearerAuth()
@Controller('v1/followups')
export class WorklistController {
  constructor(private readonly worklist: WorklistQuery) {}

  @Get()
  @Allow('cs', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: "CS's follow-up worklist.",
    description:
      '`awaitingConfirmation`: results to report to the customer and confirm, oldest request first, with failed contact attempts. ' +
      '`lateProgress`: tickets whose department missed a deadline without news reaching CS, most overdue first, with the escalation level. ' +
      'Each item carries the customer masked (`customer: { status, customerId?, name, phone, email }`, null until intake’s record ' +
      'arrives), so CS sees whom to call; the details in clear are behind `GET /v1/tickets/:ticketId/customer`, where the read is ' +
      'recorded. Built from events, so it may trail a just-recorded change by a moment.',
  })
  @ApiQuery({ name: 'department', required: false, description: 'Only this department (first-contact answers have none).' })
  @ApiQuery({ name: 'limit', required: false, description: 'Most items per list (1 to 500, default 100).' })
  @ApiResponse({ status: 200, description: '`{ awaitingConfirmation: [...], lateProgress: [...] }`' })
  @ApiResponse({ status: 400, description: 'Invalid query; `fields` names each bad parameter.' })
  async list(@Query() query: Record<string, unknown>) {
    // EventSource-style clients may authenticate with `access_token`; it is not a filter.
    const { access_token: _token, ...filters } = query;
    return this.worklist.worklist(parseOrThrow(worklistQuerySchema, filters));
  }
}
