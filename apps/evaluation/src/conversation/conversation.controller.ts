import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { conversationStreamId, freeText, newId, parseOrThrow, type Actor, type TicketConversationView, type TicketWatchView } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { Allow, CurrentActor, CustomerAccess, RequestId, commandMetadata, CLOCK, type Clock } from '@handoff/platform';
import { conversationDecider, NOTE_WRITERS } from './conversation.decider';
import { ConversationReader } from './conversation.reader';

const NOTE_MAX_LENGTH = 4000;
const mentionId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a person’s or department’s id');

export const noteSchema = z.strictObject({
  text: freeText(NOTE_MAX_LENGTH),
  mentions: z
    .strictObject({
      people: z.array(mentionId).max(20).default([]),
      departments: z.array(mentionId).max(20).default([]),
    })
    .default({ people: [], departments: [] }),
});

/** Watching takes no body; one with fields is refused rather than ignored, as on routing's claim. */
const nothingSchema = z.strictObject({});

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const CONVERSATION_READERS = ['cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor'] as const;

@ApiTags('conversation')
@ApiBearerAuth()
@Controller('v1/tickets/:ticketId')
export class ConversationController {
  constructor(
    private readonly reader: ConversationReader,
    private readonly commands: CommandHandler,
    private readonly access: CustomerAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('conversation')
  @Allow(...CONVERSATION_READERS)
  @ApiOperation({
    summary: "A ticket's conversation: every event of it as what people said and did, with the words written, in the timeline's order.",
    description:
      'Each entry has who (id, role, department), when, the handling round, a one-line summary and the words written with it ' +
      '(subject and description of the contact, the first-contact answer, reasons, progress notes, the result with its apology and ' +
      "corrective action, the customer's objection, internal notes with their mentions). Never the customer's contact details. " +
      'Who may read it is who may read the timeline.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiResponse({ status: 403, description: 'A department that never held the ticket nor was asked to take it.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  conversation(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: Actor): Promise<TicketConversationView> {
    return this.reader.conversation(ticketId, actor);
  }

  @Post('notes')
  @HttpCode(201)
  @Allow(...NOTE_WRITERS)
  @ApiOperation({
    summary: 'Add an internal note to a ticket, optionally mentioning people or departments (they are notified).',
    description: 'Anyone who may act on the ticket: CS, management, and the staff of a department that held it or was asked to take it.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(noteSchema) })
  @ApiResponse({ status: 201, description: '`{ ticketId, noteId }`.' })
  @ApiResponse({ status: 400, description: 'No text, or text or mentions that cannot be stored; `fields` names each.' })
  @ApiResponse({ status: 403, description: 'QA and auditors, or a department the ticket never concerned.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  async addNote(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { text, mentions } = parseOrThrow(noteSchema, body);
    const departments = await this.reader.departmentsConcerned(ticketId);
    const command = {
      type: 'AddNote' as const,
      data: { noteId: newId(), text, mentions, ticket: departments === null ? null : { departmentsConcerned: departments } },
      metadata: commandMetadata(actor, requestId, this.clock()),
    };
    // A phone or e-mail in the note is sealed with the ticket's customer key. A ticket evaluation
    // has not seen is refused by the decider (404) before anything is written, sealed or not.
    const sealed =
      departments === null
        ? command
        : await this.access.sealWords(command, ticketId, async () => {
            const key = await this.reader.customerKeyOf(ticketId);
            return key.status === 'known' ? key.keyId : key.status === 'erased' ? null : undefined;
          });
    const result = await this.commands.handle(conversationStreamId(ticketId), conversationDecider, sealed, { ticketId });
    // A repeated request (same request id) adds nothing and answers with the note it added the first time.
    const [added] = result.events as readonly { readonly data: { readonly noteId: string } }[];
    return { ticketId, noteId: added.data.noteId };
  }

  @Post('watch')
  @HttpCode(200)
  @Allow(...CONVERSATION_READERS)
  @ApiOperation({
    summary: 'Follow a ticket without holding it: the caller is notified of its progress, results, passes, escalations, objections, notes and closing.',
    description: 'Whoever may read the conversation. Watching a ticket one already watches changes nothing.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(nothingSchema), required: false })
  @ApiResponse({ status: 200, description: '`{ ticketId, watching: true }`.' })
  @ApiResponse({ status: 400, description: 'A body with fields: watching takes none.' })
  @ApiResponse({ status: 403, description: 'A department that never held the ticket nor was asked to take it.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  watch(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<TicketWatchView> {
    parseOrThrow(nothingSchema, body ?? {});
    return this.setWatching(ticketId, true, actor, requestId);
  }

  @Delete('watch')
  @HttpCode(200)
  @Allow(...CONVERSATION_READERS)
  @ApiOperation({ summary: 'Stop following a ticket: nothing after this notifies the caller of it. Not watching it already changes nothing.' })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiResponse({ status: 200, description: '`{ ticketId, watching: false }`.' })
  @ApiResponse({ status: 400, description: 'A body with fields: stopping takes none.' })
  @ApiResponse({ status: 403, description: 'A department that never held the ticket nor was asked to take it.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  unwatch(@Param('ticketId', ParseUUIDPipe) ticketId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<TicketWatchView> {
    parseOrThrow(nothingSchema, body ?? {});
    return this.setWatching(ticketId, false, actor, requestId);
  }

  private async setWatching(ticketId: string, watching: boolean, actor: Actor, requestId: string): Promise<TicketWatchView> {
    const departments = await this.reader.departmentsConcerned(ticketId);
    await this.commands.handle(
      conversationStreamId(ticketId),
      conversationDecider,
      { type: 'SetWatching', data: { watching, ticket: departments === null ? null : { departmentsConcerned: departments } }, metadata: commandMetadata(actor, requestId, this.clock()) },
      { ticketId },
    );
    return { ticketId, watching };
  }
}
