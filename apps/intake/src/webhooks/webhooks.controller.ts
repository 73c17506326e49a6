import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  cursorInstant,
  DomainError,
  freeText,
  newId,
  pageQueryShape,
  parseOrThrow,
  singleLineText,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  type Actor,
  type Page,
  type WebhookDeliveryView,
  type WebhookSubscriptionView,
  type WebhookSubscriptionWithSecret,
} from '@handoff/contracts';
import { Allow, CLOCK, CONFIG, CurrentActor, RequestId, type Clock } from '@handoff/platform';
import type { IntakeConfig } from '../config';
import { targetUrlProblem } from './webhooks.model';
import { SecretBox } from './secret-box';
import { WebhooksStore, type ChangeAuthor } from './webhooks.store';
import { WebhookSender } from './webhook-sender';

const reason = freeText(500);
const subscriptionSchema = z.strictObject({
  /** The upstream system whose tickets it follows: the `sourceSystem` its contacts are posted with. */
  sourceSystem: singleLineText(64).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain only letters, digits and . _ : -'),
  url: singleLineText(2000).superRefine((url, context) => {
      const problem = targetUrlProblem(url);
      if (problem) context.addIssue({ code: 'custom', message: problem, params: { rule: 'webhook_url' } });
    }),
  eventTypes: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length)
    .transform((types) => [...new Set(types)]),
  description: singleLineText(200).optional(),
  reason,
});
const changeSchema = z.strictObject({ reason });
const redriveSchema = z.strictObject({ reason: freeText(500).optional() });
const pageKey = z.tuple([cursorInstant, z.uuid()]);
const subscriptionsQuerySchema = z.strictObject({
  sourceSystem: singleLineText(64).optional(),
  ...pageQueryShape({ key: pageKey, defaultLimit: 50, maxLimit: 200 }),
});
const deliveriesQuerySchema = z.strictObject({
  subscriptionId: z.uuid().optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  ...pageQueryShape({ key: pageKey, defaultLimit: 50, maxLimit: 200 }),
});

const asJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** `whsec_` and 32 random bytes: the prefix tells a leaked value for what it is when someone finds it. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Outbound webhooks for upstream systems, managed by management: intake owns the upstream systems
 * (their API keys, the contacts they post), so the subscriptions and their deliveries live here.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'Invalid input (unknown fields refused); `fields` names each bad field. Nothing is written.' })
@ApiResponse({ status: 401, description: 'No or invalid credentials.' })
@ApiResponse({ status: 403, description: 'Only management manages webhooks.' })
@Controller('v1/webhooks')
export class WebhooksController {
  private readonly store: WebhooksStore;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(CONFIG) private readonly config: IntakeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sender: WebhookSender,
  ) {
    this.store = new WebhooksStore(dataSource, new SecretBox(config.VAULT_MASTER_KEY));
  }

  @Post('subscriptions')
  @HttpCode(201)
  @Allow('management')
  @ApiOperation({
    summary: "Subscribe an upstream system's URL to events of the tickets its contacts opened (by `sourceSystem`).",
    description:
      'Each event is POSTed as JSON, signed (`Handoff-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>`), with `Handoff-Delivery-Id` the same on every retry and redrive. ' +
      'The answer carries the signing secret: the only time it is shown (rotate it to get a new one). `reason` says why, kept with who asked.',
  })
  @ApiBody({ schema: asJsonSchema(subscriptionSchema) })
  @ApiResponse({ status: 201, description: 'The subscription, with its secret.' })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<WebhookSubscriptionWithSecret> {
    const { reason: why, ...subscription } = parseOrThrow(subscriptionSchema, body);
    const secret = newSecret();
    const view = await this.store.createSubscription({ id: newId(), ...subscription, secret }, authorOf(actor, requestId, why), this.clock());
    return { ...view, secret };
  }

  @Get('subscriptions')
  @Allow('management')
  @ApiOperation({ summary: 'The subscriptions in force, newest first, paged (`limit`, `cursor`); `sourceSystem` narrows them. Secrets are never shown.' })
  async list(@Query() query: unknown): Promise<Page<WebhookSubscriptionView>> {
    const { cursor, ...filter } = parseOrThrow(subscriptionsQuerySchema, query);
    return this.store.subscriptions({ ...filter, ...(cursor ? { after: cursor } : {}) });
  }

  @Get('subscriptions/:subscriptionId')
  @Allow('management')
  @ApiOperation({ summary: 'One subscription, in force or ended (`deletedAt`), and its changes (created, secret rotated, deleted) with who made them and why.' })
  @ApiParam({ name: 'subscriptionId', format: 'uuid' })
  async get(@Param('subscriptionId', ParseUUIDPipe) id: string) {
    const subscription = await this.store.subscription(id);
    if (!subscription) throw new DomainError('NOT_FOUND', `no webhook subscription ${id}`);
    return { ...subscription, changes: await this.store.changes(id) };
  }

  @Delete('subscriptions/:subscriptionId')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({ summary: 'End a subscription (`reason` in the body): nothing more is queued for it and its waiting deliveries are cancelled; its log stays.' })
  @ApiParam({ name: 'subscriptionId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(changeSchema) })
  async delete(@Param('subscriptionId', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    const { reason: why } = parseOrThrow(changeSchema, body ?? {});
    if (!(await this.store.deleteSubscription(id, authorOf(actor, requestId, why), this.clock()))) throw new DomainError('NOT_FOUND', `no webhook subscription ${id}`);
    return { id, deleted: true };
  }

  @Post('subscriptions/:subscriptionId/rotate-secret')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({
    summary: 'A new signing secret, shown in this answer only.',
    description: 'For WEBHOOK_SECRET_GRACE_MINUTES (default a day) deliveries carry a second `v1` signature under the previous secret, so the receiver can switch without refusing any.',
  })
  @ApiParam({ name: 'subscriptionId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(changeSchema) })
  async rotate(@Param('subscriptionId', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<WebhookSubscriptionWithSecret> {
    const { reason: why } = parseOrThrow(changeSchema, body);
    const now = this.clock();
    const secret = newSecret();
    const view = await this.store.rotateSecret(id, secret, new Date(now.getTime() + this.config.WEBHOOK_SECRET_GRACE_MINUTES * 60_000), authorOf(actor, requestId, why), now);
    if (!view) throw new DomainError('NOT_FOUND', `no webhook subscription ${id}`);
    return { ...view, secret };
  }

  @Post('subscriptions/:subscriptionId/redrive')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({ summary: 'Queue every failed delivery of the subscription again, each with a fresh round of attempts (after the receiver was down).' })
  @ApiParam({ name: 'subscriptionId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(redriveSchema) })
  async redriveSubscription(@Param('subscriptionId', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    parseOrThrow(redriveSchema, body ?? {});
    const subscription = await this.store.subscription(id);
    if (!subscription) throw new DomainError('NOT_FOUND', `no webhook subscription ${id}`);
    if (subscription.deletedAt) throw new DomainError('CONFLICT', `webhook subscription ${id} has ended: its deliveries are not sent again`);
    const redriven = await this.store.redriveFailed(id, actor.id, this.clock());
    if (redriven > 0) this.sender.wake();
    return { subscriptionId: id, redriven };
  }

  @Get('deliveries')
  @Allow('management')
  @ApiOperation({ summary: 'The delivery log, newest first, each delivery with every attempt (status code, duration, error); `subscriptionId` and `status` narrow it; paged.' })
  async deliveries(@Query() query: unknown): Promise<Page<WebhookDeliveryView>> {
    const { cursor, ...filter } = parseOrThrow(deliveriesQuerySchema, query);
    return this.store.deliveries({ ...filter, ...(cursor ? { after: cursor } : {}) });
  }

  @Get('deliveries/:deliveryId')
  @Allow('management')
  @ApiOperation({ summary: 'One delivery with every attempt.' })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  async delivery(@Param('deliveryId', ParseUUIDPipe) id: string): Promise<WebhookDeliveryView> {
    const delivery = await this.store.delivery(id);
    if (!delivery) throw new DomainError('NOT_FOUND', `no webhook delivery ${id}`);
    return delivery;
  }

  @Post('deliveries/:deliveryId/redrive')
  @HttpCode(200)
  @Allow('management')
  @ApiOperation({ summary: 'Queue a failed delivery again, due at once, with a fresh round of attempts; same id and body. 409 when it is not failed.' })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  @ApiBody({ schema: asJsonSchema(redriveSchema) })
  @ApiResponse({ status: 409, description: 'The delivery is pending, delivered or cancelled: only a failed one is redriven.' })
  async redrive(@Param('deliveryId', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<WebhookDeliveryView> {
    parseOrThrow(redriveSchema, body ?? {});
    const outcome = await this.store.redrive(id, actor.id, this.clock());
    if (!outcome) throw new DomainError('NOT_FOUND', `no webhook delivery ${id}`);
    if (!outcome.redriven && outcome.subscriptionEnded) throw new DomainError('CONFLICT', `webhook delivery ${id} belongs to a subscription that has ended: it is not sent again`);
    if (!outcome.redriven) throw new DomainError('CONFLICT', `webhook delivery ${id} is ${outcome.status}: only a failed delivery is redriven`);
    this.sender.wake();
    return (await this.store.delivery(id))!;
  }
}

function authorOf(actor: Actor, requestId: string, reason: string): ChangeAuthor {
  return { actorId: actor.id, role: actor.role, requestId, reason };
}
