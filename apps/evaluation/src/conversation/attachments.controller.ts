import { Controller, Get, HttpCode, HttpException, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  conversationStreamId,
  DomainError,
  parseOrThrow,
  singleLineText,
  ValidationFailed,
  type Actor,
  type AttachmentAddedView,
  type AttachmentContentType,
  type FieldError,
} from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { Allow, bytesAsText, commandMetadata, CONFIG, CurrentActor, CUSTOMER_VAULT, readFileBody, RequestId, CLOCK, type Clock } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import type { EvaluationConfig } from '../config';
import { declaredTypeAgrees, detectContentType } from './attachment-type';
import { AttachmentStore } from './attachments.store';
import { assertMayAttach, conversationDecider, NOTE_WRITERS } from './conversation.decider';
import { attachmentHref, ConversationReader } from './conversation.reader';

/** `POST /v1/tickets/:id/attachments`, whose body is the file itself (see main.ts). */
export const ATTACHMENT_UPLOAD_ROUTE = /^\/v1\/tickets\/[^/]+\/attachments\/?$/;

const uploadQuerySchema = z.strictObject({
  fileName: singleLineText(255).refine((name) => !/[\\/]/.test(name), { message: 'must be a name without a folder', params: { rule: 'file_name' } }),
  entryId: z.uuid().optional(),
});

const HASH = /^[0-9a-f]{64}$/;

/** Shown where they are (an image, a PDF, a recording); Office documents are downloaded. */
const SHOWN_INLINE = new Set<AttachmentContentType>(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'audio/mpeg', 'audio/wav', 'audio/mp4', 'audio/ogg']);

const customerErased = () =>
  new HttpException({ error: 'customer_erased', message: "The customer's data was erased on request: this attachment can no longer be read." }, 410);

@ApiTags('conversation')
@ApiBearerAuth()
@Controller('v1/tickets/:ticketId/attachments')
export class AttachmentsController {
  constructor(
    private readonly reader: ConversationReader,
    private readonly store: AttachmentStore,
    private readonly commands: CommandHandler,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Allow(...NOTE_WRITERS)
  @ApiOperation({
    summary: 'Attach a file to a ticket, or to its contact, a note, a progress update or a result (`entryId`: that entry’s event id).',
    description:
      'The body is the file itself (any Content-Type; a declared type must agree with the bytes). Its type is read from the bytes: ' +
      'images (PNG, JPEG, GIF, WebP), PDF, Office documents (OOXML and legacy) and call recordings (MP3, WAV, M4A, OGG). ' +
      'The file and its name are sealed with the customer’s key, so erasing the customer makes them unreadable; the event ' +
      '`AttachmentAdded` names it by a content hash keyed with that key. The same file on the same entry is added once. ' +
      'CS attaches to the contact; a department to its own progress updates and results; anyone who may write a note, to a note or the ticket.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiQuery({ name: 'fileName', required: true, description: 'The file’s name, without a folder.' })
  @ApiQuery({ name: 'entryId', required: false, description: 'The event id of the entry it belongs to.' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 201, description: '`{ ticketId, contentHash, contentType, size, entryId, href }`.' })
  @ApiResponse({ status: 400, description: 'No file name, an empty file, or an entry that is not on the ticket or takes no files; `fields` names each.' })
  @ApiResponse({ status: 403, description: 'QA and auditors, a department the ticket never concerned, or an entry that is not the caller’s to attach to.' })
  @ApiResponse({ status: 404, description: 'No event of this ticket has reached evaluation.' })
  @ApiResponse({ status: 409, description: 'The ticket’s contact has not reached evaluation yet; retry.' })
  @ApiResponse({ status: 410, description: 'The customer’s data was erased: nothing more is attached to their ticket.' })
  @ApiResponse({ status: 413, description: 'Larger than ATTACHMENT_MAX_BYTES (10 MB unless configured).' })
  @ApiResponse({ status: 415, description: 'Not a kind of file a ticket takes, or not the type it was sent as.' })
  async add(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Query() query: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ): Promise<AttachmentAddedView> {
    // Who may attach, then what and where, all before the file is read: a refused caller sends nothing we keep.
    const departments = await this.reader.departmentsConcerned(ticketId);
    const ticket = departments === null ? null : { departmentsConcerned: departments };
    assertMayAttach(actor, ticket, null, null);
    const { fileName, entryId = null } = parseOrThrow(uploadQuerySchema, query);
    const entry = entryId === null ? null : await this.reader.entryOf(ticketId, entryId);
    assertMayAttach(actor, ticket, entryId, entry);

    const limit = this.config.ATTACHMENT_MAX_BYTES;
    const body = await readFileBody(request, limit);
    if (body.status === 'too_large') {
      response.setHeader('connection', 'close');
      throw refusal(413, 'payload_too_large', `the file is larger than ${bytesAsText(limit)}`, { code: 'too_big', origin: 'file', maximum: limit });
    }
    const { bytes } = body;
    if (bytes.length === 0) throw new ValidationFailed([{ field: 'file', message: 'is empty', issue: { code: 'custom', rule: 'file_empty' } }]);
    const contentType = detectContentType(bytes);
    if (!contentType) throw refusal(415, 'unsupported_media_type', 'the file is not a kind a ticket takes', { code: 'custom', rule: 'file_type_unknown' });
    if (!declaredTypeAgrees(request.headers['content-type'], contentType)) {
      throw refusal(415, 'unsupported_media_type', `the file's content is ${contentType}, not the type it was sent as`, {
        code: 'custom',
        rule: 'file_type_mismatch',
        values: [contentType],
      });
    }

    const customer = await this.reader.customerKeyOf(ticketId);
    if (customer.status === 'erased') throw customerErased();
    if (customer.status === 'not_yet') throw new DomainError('CONFLICT', 'the ticket’s contact has not reached evaluation yet; retry in a moment');
    const sealed = await this.vault.sealFile(customer.keyId, { bytes, name: fileName, context: ticketId });
    if (!sealed) throw customerErased();
    await this.store.keep({ ticketId, contentHash: sealed.contentHash, keyId: customer.keyId, sealed: sealed.sealed, contentType, size: bytes.length });
    await this.commands.handle(
      conversationStreamId(ticketId),
      conversationDecider,
      {
        type: 'AddAttachment',
        data: { contentHash: sealed.contentHash, keyId: customer.keyId, fileName: sealed.sealedName, contentType, size: bytes.length, entryId, entry, ticket },
        metadata: commandMetadata(actor, requestId, this.clock()),
      },
      { ticketId },
    );
    return { ticketId, contentHash: sealed.contentHash, contentType, size: bytes.length, entryId, href: attachmentHref(ticketId, sealed.contentHash) };
  }

  @Get(':contentHash')
  @Allow('cs', 'department_handler', 'department_manager', 'management', 'qa', 'auditor')
  @ApiOperation({
    summary: 'A file attached to the ticket, to whoever may read the ticket’s conversation, with the type read from its bytes.',
    description: 'Never cached (an erasure must reach every copy); `X-Content-Type-Options: nosniff`.',
  })
  @ApiParam({ name: 'ticketId', format: 'uuid' })
  @ApiParam({ name: 'contentHash', description: 'As the conversation lists it.' })
  @ApiProduces(...SHOWN_INLINE, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiResponse({ status: 403, description: 'A department that never held the ticket nor was asked to take it.' })
  @ApiResponse({ status: 404, description: 'No such ticket, or no such file on it.' })
  @ApiResponse({ status: 410, description: 'The customer’s data was erased.' })
  async read(
    @Param('ticketId', ParseUUIDPipe) ticketId: string,
    @Param('contentHash') contentHash: string,
    @CurrentActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.reader.assertMayRead(ticketId, actor);
    const stored = HASH.test(contentHash) ? await this.store.find(ticketId, contentHash) : null;
    if (!stored) throw new DomainError('NOT_FOUND', `no attachment ${contentHash} on ticket ${ticketId}`);
    const bytes = await this.vault.openFile(stored.keyId, { sealed: stored.sealed, context: ticketId, contentHash });
    if (!bytes) throw customerErased();
    const name = await this.reader.fileNameOf(ticketId, contentHash);
    response.status(200);
    response.setHeader('content-type', stored.contentType);
    response.setHeader('content-length', String(bytes.length));
    response.setHeader('content-disposition', contentDisposition(SHOWN_INLINE.has(stored.contentType) ? 'inline' : 'attachment', name ?? `attachment-${contentHash.slice(0, 8)}`));
    // The type is what the bytes are (never HTML or SVG), and the browser must not guess another.
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('cache-control', 'private, no-store');
    response.end(bytes);
  }
}

function refusal(status: number, error: string, message: string, issue: FieldError['issue']): HttpException {
  return new HttpException({ error, message, fields: [{ field: 'file', message, issue }] }, status);
}

/** RFC 6266: an ASCII name for old clients, the real one (any script) in `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
