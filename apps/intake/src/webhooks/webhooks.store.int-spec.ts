import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { SecretBox } from './secret-box';
import { deliveryIdOf } from './webhooks.model';
import { WEBHOOK_MIGRATIONS } from './webhooks.migrations';
import { WebhooksStore, type ClaimedDelivery, type NewDelivery } from './webhooks.store';

/**
 * The sender's bookkeeping against the real PostgreSQL: several senders claiming at once never
 * take the same delivery, a claim whose sender died is taken again once its lease runs out, and
 * a sender whose lease ran out cannot overwrite the attempt that followed.
 */
describe('webhook deliveries in PostgreSQL', () => {
  let database: TestDatabase;
  let dataSources: DataSource[];
  let subscriptionId: string;
  const box = new SecretBox(randomBytes(32));
  const author = { actorId: 'director-1', role: 'management', requestId: 'test', reason: 'a test' };

  beforeAll(async () => {
    database = await createTestDatabase('webhooks');
    // Three "instances", each with a pool of its own.
    dataSources = await Promise.all(
      [0, 1, 2].map((index) =>
        new DataSource({ type: 'postgres', url: database.url, migrations: [...WEBHOOK_MIGRATIONS], migrationsRun: index === 0, extra: { max: 3 } }).initialize(),
      ),
    );
    subscriptionId = randomUUID();
    await new WebhooksStore(dataSources[0], box).createSubscription(
      { id: subscriptionId, sourceSystem: 'crm', url: 'http://127.0.0.1:9/in', eventTypes: ['TicketClosed'], secret: 'whsec_test' },
      author,
      new Date(),
    );
  });
  afterAll(async () => {
    await Promise.all(dataSources?.map((dataSource) => dataSource.destroy()) ?? []);
    await database?.drop();
  });

  const deliveries = (count: number): NewDelivery[] =>
    Array.from({ length: count }, () => {
      const eventId = randomUUID();
      return { id: deliveryIdOf(eventId, subscriptionId), subscriptionId, eventId, eventType: 'TicketClosed', ticketId: randomUUID(), body: '{}' };
    });

  it('queues an event delivered twice once', async () => {
    const [delivery] = deliveries(1);
    const now = new Date();
    await dataSources[0].transaction((manager) => WebhooksStore.enqueue(manager, [delivery], now));
    await dataSources[1].transaction((manager) => WebhooksStore.enqueue(manager, [delivery, delivery], now));
    const [{ count }] = await dataSources[0].query('SELECT count(*)::int AS count FROM webhook_deliveries WHERE id = $1', [delivery.id]);
    expect(count).toBe(1);
    await dataSources[0].query('DELETE FROM webhook_deliveries');
  });

  it('gives each due delivery to one of several senders claiming at once', async () => {
    const queued = deliveries(120);
    await dataSources[0].transaction((manager) => WebhooksStore.enqueue(manager, queued, new Date(Date.now() - 1000)));
    const claims: ClaimedDelivery[][] = await Promise.all(
      dataSources.flatMap((dataSource) =>
        [0, 1].map(async () => {
          const store = new WebhooksStore(dataSource, box);
          const mine: ClaimedDelivery[] = [];
          for (;;) {
            const batch = await store.claimDue(7, 60_000);
            if (batch.length === 0) return mine;
            mine.push(...batch);
          }
        }),
      ),
    );
    const ids = claims.flat().map((claim) => claim.id);
    expect(ids).toHaveLength(120);
    expect(new Set(ids)).toEqual(new Set(queued.map((delivery) => delivery.id)));
    // Spread over the senders, not one taking everything while the others wait.
    expect(claims.filter((claim) => claim.length > 0).length).toBeGreaterThan(1);
    await dataSources[0].query('DELETE FROM webhook_deliveries');
  });

  it("takes a delivery again once its sender's lease has run out, and keeps the late sender from overwriting the attempt after it", async () => {
    const [delivery] = deliveries(1);
    await dataSources[0].transaction((manager) => WebhooksStore.enqueue(manager, [delivery], new Date(Date.now() - 1000)));
    const first = new WebhooksStore(dataSources[0], box);
    const second = new WebhooksStore(dataSources[1], box);
    const [dead] = await first.claimDue(10, 1);
    expect(dead).toMatchObject({ id: delivery.id, attempt: 1, attemptInRound: 1, secrets: ['whsec_test'] });
    // At rest the secret is sealed; the claim opens it for signing.
    const [{ secret }] = await dataSources[0].query('SELECT secret FROM webhook_subscriptions WHERE id = $1', [subscriptionId]);
    expect(secret).toMatch(/^v1\./);
    expect(secret).not.toContain('whsec_test');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [again] = await second.claimDue(10, 60_000);
    expect(again).toMatchObject({ id: delivery.id, attempt: 2 });
    await second.recordAttempt(again, new Date(), 12, { statusCode: 204, error: null }, { status: 'delivered' });
    // The first sender comes back from a long wait and records its failure: the delivery stays delivered.
    await first.recordAttempt(dead, new Date(), 30_000, { statusCode: null, error: 'timeout after 30000 ms' }, { status: 'failed' });
    const view = await first.delivery(delivery.id);
    expect(view).toMatchObject({ status: 'delivered', attemptsInRound: 2 });
    expect(view!.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, null],
      [2, 204],
    ]);
  });

  it('says when the sender should look next: never for nothing pending, at once for what is due, later for a retry or a claim', async () => {
    // The deliveries left by the tests before are delivered or failed: they count for nothing.
    await dataSources[0].query("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE status = 'pending'");
    const store = new WebhooksStore(dataSources[0], box);
    // Nothing pending (delivered ones count for nothing): no time at all, not "now".
    expect(await store.nextDueInMs()).toBeNull();
    const [later, due] = deliveries(2);
    await dataSources[0].transaction((manager) => WebhooksStore.enqueue(manager, [later], new Date(Date.now() + 60_000)));
    const untilLater = await store.nextDueInMs();
    expect(untilLater).toBeGreaterThan(50_000);
    expect(untilLater).toBeLessThanOrEqual(60_000);
    await dataSources[0].transaction((manager) => WebhooksStore.enqueue(manager, [due], new Date(Date.now() - 1000)));
    expect(await store.nextDueInMs()).toBe(0);
    // Claimed: due again only when the claim's lease runs out.
    const [claimed] = await store.claimDue(10, 120_000);
    expect(claimed.id).toBe(due.id);
    expect(await store.nextDueInMs()).toBeGreaterThan(50_000);
  });
});
