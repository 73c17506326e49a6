import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  DomainError,
  freeText,
  isStorableText,
  parseOrThrow,
  PERSON_ROLES,
  POLICY_KINDS,
  POLICY_OWNERS,
  policyDecider,
  policyKeyOf,
  policyStreamId,
  UNSTORABLE_TEXT_MESSAGE,
  type Actor,
  type PolicyChangedData,
  type PolicyHistory,
  type PolicyKind,
  type PolicyVersionView,
  hasForbiddenCharacters,
  type PolicyView,
  type RecordedEvent,
} from '@handoff/contracts';
import { CommandHandler, type EventStore } from '@handoff/event-store';
import { CLOCK, type Clock } from '../clock';
import { commandMetadata } from '../command-metadata';
import { Allow, CurrentActor, RequestId } from '../http';
import { EVENT_STORE } from '../service.module';
import { PolicyBook } from './policy-book';

/**
 * Every string and key of a document must be storable text (PostgreSQL's jsonb refuses a lone
 * surrogate and NUL: a 500 otherwise), and free of the control characters no other text field
 * lets in (a category or a department name reaches screens, logs and CSV exports).
 */
const storableDocument = z.record(z.string(), z.unknown()).superRefine((document, context) => {
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      if (!isStorableText(value)) context.addIssue({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE });
      else if (hasForbiddenCharacters(value)) context.addIssue({ code: 'custom', path, message: 'must not contain control characters', params: { rule: 'control_characters' } });
    } else if (Array.isArray(value)) {
      value.forEach((member, index) => visit(member, [...path, index]));
    } else if (value && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        if (!isStorableText(key)) context.addIssue({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE });
        else if (hasForbiddenCharacters(key)) context.addIssue({ code: 'custom', path, message: 'must not contain control characters', params: { rule: 'control_characters' } });
        else visit(member, [...path, key]);
      }
    }
  };
  visit(document, []);
});

const changeSchema = z.strictObject({
  /** The version the change is made on, as read: another change made meanwhile is not overwritten unseen. */
  expectedVersion: z.number().int().min(0),
  /** Why, kept with who changed it. */
  reason: freeText(500),
  /** The whole policy, as its file would hold it. */
  document: storableDocument,
});

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/**
 * The policies this service owns, changed by management while it runs (README, "Policies"). Each
 * kind is answered by its owner, whose validator checks it (POLICY_OWNERS): routing's deadlines and
 * routing rules, evaluation's KPI targets, sampling policy and rubric. The history is read from the event store, so it is exact at once; the
 * version in force in this instance (`appliedVersion`) follows through the consumer a moment later.
 */
@ApiTags('policies')
@ApiBearerAuth()
@ApiParam({ name: 'kind', enum: POLICY_KINDS })
@ApiResponse({ status: 401, description: 'No or invalid credentials.' })
@ApiResponse({ status: 404, description: 'Not a kind of policy this service owns (the answer names the service that does).' })
@Controller('v1/policies')
export class PoliciesController {
  constructor(
    private readonly book: PolicyBook,
    private readonly commands: CommandHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject('SERVICE_NAME') private readonly service: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':kind')
  @Allow(...PERSON_ROLES)
  @ApiOperation({ summary: 'The policy in force: its version (0: the file the services started with), the document, who changed it, when and why. Every person may read the rules they work by.' })
  async current(@Param('kind') kind: string): Promise<PolicyView> {
    const owned = this.owned(kind);
    const [latest] = await this.versions(owned);
    return { kind: owned, ...latest!, appliedVersion: this.book.current(owned).version };
  }

  @Get(':kind/history')
  @Allow(...PERSON_ROLES)
  @ApiOperation({ summary: 'Every version of the policy, newest first, down to the file (version 0): each with its document, who changed it, when and why.' })
  async history(@Param('kind') kind: string): Promise<PolicyHistory> {
    const owned = this.owned(kind);
    return { kind: owned, versions: await this.versions(owned) };
  }

  @Put(':kind')
  @Allow('management')
  @ApiOperation({
    summary:
      'Management changes the policy: the whole new `document` (as its file would hold it), checked by the validator of the file; `expectedVersion`, the version it was read at; ' +
      '`reason`, why. Recorded as PolicyChanged with who and why; every service that applies it takes it up without a restart, within about a second.',
  })
  @ApiBody({ schema: asJsonSchema(changeSchema) })
  @ApiResponse({ status: 200, description: 'The new version (not yet applied by this instance when `appliedVersion` is lower).' })
  @ApiResponse({ status: 400, description: 'A bad document or request: `fields` names each bad field (`document.resolutionMinutes.default`). Nothing is written.' })
  @ApiResponse({ status: 403, description: 'Only management changes a policy.' })
  @ApiResponse({ status: 409, description: 'Another version is in force than `expectedVersion` (someone changed it meanwhile): read it again. Nothing is written.' })
  async change(@Param('kind') kind: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<PolicyView> {
    // The body is judged before the path: a malformed request is a 400 wherever it is sent.
    const { expectedVersion, reason, document } = parseOrThrow(changeSchema, body);
    const owned = this.owned(kind);
    await this.commands.handle(
      policyStreamId(owned),
      policyDecider(this.book.definition(owned), (other) => this.book.current(other).document as never),
      { type: 'ChangePolicy', data: { expectedVersion, document }, metadata: commandMetadata(actor, requestId, this.clock(), reason) },
      { ticketId: policyKeyOf(owned) },
    );
    return this.current(owned);
  }

  private owned(kind: string): PolicyKind {
    const known = (POLICY_KINDS as readonly string[]).includes(kind) ? (kind as PolicyKind) : undefined;
    if (!known) throw new DomainError('NOT_FOUND', `no policy ${kind}; the policies are ${POLICY_KINDS.join(', ')}`);
    if (POLICY_OWNERS[known] !== this.service || !this.book.applies(known)) {
      throw new DomainError('NOT_FOUND', `the ${known} policy is ${POLICY_OWNERS[known]}'s: read and change it there`);
    }
    return known;
  }

  /** Newest first, down to the file. */
  private async versions(kind: PolicyKind): Promise<PolicyVersionView[]> {
    const recorded = (await this.store.readStream(policyStreamId(kind))) as RecordedEvent<string, PolicyChangedData>[];
    const changes = recorded
      .filter((event) => event.type === 'PolicyChanged')
      .map(
        (event): PolicyVersionView => ({
          version: event.data.version,
          document: event.data.document as Record<string, unknown>,
          source: 'change',
          changedAt: event.metadata.occurredAt,
          changedBy: event.metadata.actorId,
          role: event.metadata.role,
          reason: event.metadata.reason ?? null,
        }),
      );
    const file: PolicyVersionView = {
      version: 0,
      document: this.book.definition(kind).initial as Record<string, unknown>,
      source: 'file',
      changedAt: null,
      changedBy: null,
      role: null,
      reason: null,
    };
    return [...changes.reverse(), file];
  }
}
