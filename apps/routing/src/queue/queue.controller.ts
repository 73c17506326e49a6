import { Controller, Get, Inject, Param, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { concat, interval, map, merge, of, takeUntil, type Observable } from 'rxjs';
import { z } from 'zod';
import { cursorInstant, DomainError, pageQueryShape, parseOrThrow, storableString, type Actor, type Departments } from '@handoff/contracts';
import { Allow, CONFIG, CurrentActor, CustomerAccess, CLOCK, type Clock } from '@handoff/platform';
import { assertMayRead, needsContactDetails, ROUTING_READERS } from '../access';
import type { RoutingConfig } from '../config';
import { departmentOf, type Organisation } from '../organisation/organisation';
import { ORGANISATION } from '../organisation/organisation-in-force';
import { QUEUE_STATUSES } from './queue.model';
import { QueueNotifications, type QueueSignal } from './queue.notifications';
import { QueueReader } from './queue.reader';

const queueQuerySchema = z.strictObject({
  /** One status, or several separated by commas (`awaiting_handler,in_progress`). */
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(QUEUE_STATUSES, { error: `must be one or more of ${QUEUE_STATUSES.join(', ')}, separated by commas` })).min(1))
    .optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  handler: storableString().trim().min(1).max(64).optional(),
  ...pageQueryShape({ key: z.tuple([z.number().int().min(0).max(16), cursorInstant.nullable(), z.string().min(1).max(200)]), defaultLimit: 100, maxLimit: 500 }),
  /** Accepted by the AuthGuard in place of the Authorization header. */
  access_token: storableString().optional(),
});

const HEARTBEAT_MS = 25_000;

@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/departments')
export class QueueController {
  constructor(
    @Inject(CONFIG) private readonly config: RoutingConfig,
    private readonly reader: QueueReader,
    private readonly notifications: QueueNotifications,
    private readonly access: CustomerAccess,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ORGANISATION) private readonly organisation: Organisation,
  ) {}

  @Get()
  @Allow(...ROUTING_READERS)
  @ApiOperation({ summary: 'The departments of the organisation: handlers (id, name, skills), managers and how each assigns a handler.' })
  departments(): Departments {
    return { departments: this.organisation.departments };
  }

  @Get(':department/queue')
  @Allow(...ROUTING_READERS)
  @ApiOperation({
    summary:
      "A department's queue, most urgent first, one page at a time (`{ items, nextCursor }`: pass `nextCursor` back as `cursor` for the " +
      'next page; null on the last), with deadlines (and whether they count business hours) and escalations, plus, with the first page, ' +
      'the transfers waiting for its answer. Urgency is priority and deadline together, as QUEUE_ORDER_FILE says (`order` in the answer). ' +
      "Department staff read their own department only; management, CS, QA and auditors read any.",
  })
  @ApiParam({ name: 'department', example: 'billing' })
  @ApiQuery({ name: 'status', required: false, description: `One or more of ${QUEUE_STATUSES.join(', ')}, separated by commas` })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: 'true: a deadline still running is past due now' })
  @ApiQuery({ name: 'handler', required: false, description: 'Only tickets this handler is responsible for' })
  @ApiQuery({ name: 'limit', required: false, description: 'Tickets per page, 1 to 500, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page' })
  @ApiResponse({ status: 400, description: 'A bad filter, `limit` or `cursor`; `fields` names each.' })
  @ApiResponse({ status: 403, description: 'A department role reading another department.' })
  @ApiResponse({ status: 404, description: 'No such department in the organisation.' })
  async queue(@Param('department') department: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    this.assertMayReadQueue(actor, department);
    const { status, overdue, handler, limit, cursor } = parseOrThrow(queueQuerySchema, query);
    const page = await this.reader.queue(department, { status, overdue, handler, limit, ...(cursor ? { after: cursor } : {}) }, this.clock());
    // Words on the rows (a pause's note, a transfer's reason) open in clear for the department's own
    // staff and CS, masked for others; a ticket only offered to the department is not its own yet.
    const open = <T extends { readonly ticketId: string }>(item: T, mine: boolean) => this.access.words(item, item.ticketId, mine && needsContactDetails(actor, department));
    return {
      ...page,
      items: await Promise.all(page.items.map((item) => open(item, true))),
      incomingTransfers: await Promise.all(page.incomingTransfers.map((item) => open(item, false))),
    };
  }

  @Sse(':department/queue/stream')
  @Allow(...ROUTING_READERS)
  @ApiOperation({
    summary:
      "Live changes to a department's queue as server-sent events: `ready` once subscribed, then a message " +
      '{ticketId, department, change: updated|left|transfer, status, streamPosition} whenever a ticket of the department changes or leaves it, ' +
      'and `resync` when changes may have been missed. EventSource cannot send headers: pass the token as `?access_token=`.',
  })
  @ApiProduces('text/event-stream')
  @ApiParam({ name: 'department', example: 'billing' })
  @ApiQuery({ name: 'access_token', required: false })
  stream(@Param('department') department: string, @CurrentActor() actor: Actor): Observable<MessageEvent> {
    this.assertMayReadQueue(actor, department);
    // A comment now and then keeps proxies from closing a quiet stream; clients ignore it.
    const heartbeats = interval(HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ comment: 'heartbeat' })),
      takeUntil(this.notifications.closed),
    );
    const changes = this.notifications.of(department).pipe(map(toMessage));
    return concat(of<MessageEvent>({ type: 'ready', data: { department } }), merge(changes, heartbeats));
  }

  private assertMayReadQueue(actor: Actor, department: string): void {
    assertMayRead(actor, [department]);
    if (!departmentOf(this.organisation, department)) throw new DomainError('NOT_FOUND', `no department ${department}`);
  }
}

function toMessage(signal: QueueSignal): MessageEvent {
  return signal.kind === 'resync'
    ? { type: 'resync', data: {} }
    : { id: `${signal.change.ticketId}/${signal.change.streamPosition}`, data: signal.change };
}
