import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { cursorInstant, departmentSchema, pageQueryShape, parseOrThrow, WORKLIST_ARRIVALS, type Actor } from '@handoff/contracts';
import { Allow, CurrentActor, CustomerAccess } from '@handoff/platform';
import { WorklistReader } from './worklist.reader';

const worklistQuerySchema = z.strictObject({
  arrived: z.enum(WORKLIST_ARRIVALS, { error: 'must be result or late_progress' }).optional(),
  department: departmentSchema.optional(),
  mine: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  ...pageQueryShape({ key: z.tuple([cursorInstant.nullable(), z.uuid()]), defaultLimit: 50, maxLimit: 200 }),
});

@ApiTags('worklist')
@ApiBearerAuth()
@Controller('v1/followups')
export class WorklistController {
  constructor(
    private readonly worklist: WorklistReader,
    private readonly access: CustomerAccess,
  ) {}

  @Get()
  @Allow('cs', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: "CS's follow-up worklist, one page at a time.",
    description:
      'One item per ticket waiting for CS, longest waiting first: `arrived: result` (a result to report to the customer and confirm, ' +
      'with failed contact attempts) or `arrived: late_progress` (the department missed a deadline without news reaching CS, with ' +
      'the escalation level). Each item has the subject, the department, and the customer masked (`customer: { status, customerId?, ' +
      'name, phone, email }`, null until intake’s record arrives), so CS sees whom to call; the details in clear are behind ' +
      '`GET /v1/tickets/:ticketId/customer`, where the read is recorded. `{ items, nextCursor }`: pass `nextCursor` back as ' +
      '`cursor` for the next page; null on the last. Built from events, so it may trail a just-recorded change by a moment.',
  })
  @ApiQuery({ name: 'arrived', required: false, enum: WORKLIST_ARRIVALS, description: 'Only results to confirm, or only late progress.' })
  @ApiQuery({ name: 'department', required: false, description: 'Only this department (first-contact answers have none).' })
  @ApiQuery({ name: 'mine', required: false, enum: ['true', 'false'], description: 'true: only tickets whose contact the caller recorded.' })
  @ApiQuery({ name: 'limit', required: false, description: 'Items per page, 1 to 200, default 50.' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page.' })
  @ApiResponse({ status: 200, description: '`{ items: [...], nextCursor }`' })
  @ApiResponse({ status: 400, description: 'Invalid query (a filter, `limit` or `cursor`); `fields` names each bad parameter.' })
  async list(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor) {
    // EventSource-style clients may authenticate with `access_token`; it is not a filter.
    const { access_token: _token, ...filters } = query;
    const { arrived, department, mine, limit, cursor } = parseOrThrow(worklistQuerySchema, filters);
    const page = await this.worklist.worklist({
      limit,
      ...(arrived ? { arrived } : {}),
      ...(department ? { department } : {}),
      ...(mine === 'true' ? { recordedBy: actor.id } : {}),
      ...(cursor ? { after: cursor } : {}),
    });
    // A result's summary may quote a contact detail: in clear for CS, who calls the customer with it.
    return { ...page, items: await Promise.all(page.items.map((item) => this.access.words(item, item.ticketId, actor.role === 'cs'))) };
  }
}
