import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { isoInstantSchema, pageQueryShape, parseOrThrow, type Actor, type NotificationsPage } from '@handoff/contracts';
import { Allow, CurrentActor } from '@handoff/platform';
import { MAX_NOTIFICATIONS_PAGE, notificationCursor, NotificationsReader } from './notifications.reader';

const pageSchema = z.strictObject(pageQueryShape({ key: notificationCursor, defaultLimit: 20, maxLimit: MAX_NOTIFICATIONS_PAGE }));
const seenSchema = z.strictObject({ upTo: isoInstantSchema });

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly reader: NotificationsReader) {}

  @Get()
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: "The caller's notifications, newest first: mentioned in a note (by name or by department), a ticket assigned to them, a result arrived for a contact they took.",
    description: 'Built from the topics, so a notification may trail its event by a moment. `unread` counts those after the last `seen` mark.',
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the page before.' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_NOTIFICATIONS_PAGE} (default 20).` })
  @ApiResponse({ status: 200, description: '`{ items, unread, nextCursor }`.' })
  @ApiResponse({ status: 400, description: 'A bad cursor or limit; `fields` names it.' })
  list(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor): Promise<NotificationsPage> {
    return this.reader.of(actor, parseOrThrow(pageSchema, query));
  }

  @Post('seen')
  @HttpCode(200)
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({ summary: 'Marks every notification up to an instant as read (the newest one shown, usually).' })
  @ApiResponse({ status: 400, description: '`upTo` is not an ISO 8601 instant.' })
  async seen(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<{ seenUpTo: string }> {
    const { upTo } = parseOrThrow(seenSchema, body);
    await this.reader.markSeen(actor, new Date(upTo));
    return { seenUpTo: upTo };
  }
}
