import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { installBodyParser } from './bootstrap';
import { Allow, AuthGuard, ErrorFilter } from './http';
import { JsonLogger } from './logger';
import { secretTokens } from './oidc/people';
import { rateLimiter, TokenBuckets } from './rate-limit';
import { signToken } from './tokens';

describe('token buckets', () => {
  const policy = { perMinute: 60, burst: 3 }; // one token a second

  it('lets a burst through, then refuses and says when to retry', () => {
    const buckets = new TokenBuckets(policy);
    expect([0, 0, 0].map((at) => buckets.take('a', at).allowed)).toEqual([true, true, true]);
    expect(buckets.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 400)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 1000).allowed).toBe(true);
  });

  it('refills at the sustained rate, never above the burst', () => {
    const buckets = new TokenBuckets(policy);
    for (let i = 0; i < 3; i++) buckets.take('a', 0);
    // An hour's quiet refills three tokens, not 3600.
    const later = 3_600_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a', later).allowed)).toEqual([true, true, true, false]);
  });

  it('counts each client on its own', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 });
    expect(buckets.take('a', 0).allowed).toBe(true);
    expect(buckets.take('b', 0).allowed).toBe(true);
    expect(buckets.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('gives nothing back when the clock goes backwards', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 });
    expect(buckets.take('a', 10_000).allowed).toBe(true);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('a', 10_500).allowed).toBe(false);
    expect(buckets.take('a', 11_000).allowed).toBe(true);
  });

  it('forgets refilled buckets once it remembers too many clients, but not the ones still drained', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 }, 2);
    buckets.take('drained', 0);
    buckets.take('quiet', -5_000);
    buckets.take('newcomer', 0);
    expect(buckets.size).toBe(2);
    expect(buckets.take('drained', 0).allowed).toBe(false);
  });

  it('refuses a policy that could never let a request through', () => {
    expect(() => new TokenBuckets({ perMinute: 0, burst: 1 })).toThrow();
    expect(() => new TokenBuckets({ perMinute: 1, burst: 0 })).toThrow();
  });
});

describe('the rate limiter in front of a service', () => {
  const secret = 'a-secret-of-sufficient-length';
  const apiKeys = 'crm=crm-key-0123456789abcdef';

  @Controller()
  class ProbeController {
    @Get('probe')
    @Allow('cs', 'system')
    probe() {
      return { ok: true };
    }

    @Get('health')
    @Allow('public')
    health() {
      return { status: 'up' };
    }
  }

  @Module({
    controllers: [ProbeController],
    providers: [{ provide: APP_GUARD, useFactory: (reflector: Reflector) => new AuthGuard(reflector, secretTokens(secret), apiKeys), inject: [Reflector] }],
  })
  class ProbeModule {}

  let app: NestExpressApplication;
  let base: string;
  let now = 0;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false, bodyParser: false });
    // The same order as bootstrapService: the limiter first, so unread bodies count too.
    app.use(rateLimiter({ policy: { perMinute: 60, burst: 2 }, tokens: secretTokens(secret), apiKeys }, () => now));
    installBodyParser(app);
    app.useGlobalFilters(new ErrorFilter(new JsonLogger('probe', 'error', () => undefined)));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
  const bearer = (sub: string) => ({ authorization: `Bearer ${signToken({ sub, role: 'cs' }, secret)}` });

  it('answers 429 with the common error body and Retry-After once a client has used its burst', async () => {
    now = 0;
    expect((await get('/probe', bearer('agent-1'))).status).toBe(200);
    expect((await get('/probe', bearer('agent-1'))).status).toBe(200);
    const refused = await get('/probe', { ...bearer('agent-1'), 'x-request-id': 'req-42' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: 'too_many_requests', message: expect.stringMatching(/retry in 1 s/), requestId: 'req-42' });

    // Another person, and an upstream system, have buckets of their own.
    expect((await get('/probe', bearer('agent-2'))).status).toBe(200);
    expect((await get('/probe', { 'x-api-key': 'crm-key-0123456789abcdef' })).status).toBe(200);

    now = 1_000;
    expect((await get('/probe', bearer('agent-1'))).status).toBe(200);
  });

  it('counts requests without valid credentials against the address, however many tokens are invented', async () => {
    now = 10_000;
    expect((await get('/probe')).status).toBe(401);
    expect((await get('/probe', { authorization: 'Bearer forged.token.here' })).status).toBe(401);
    expect((await get('/probe', { 'x-api-key': 'not-a-key-at-all-00000' })).status).toBe(429);
  });

  it('never limits /health', async () => {
    now = 20_000;
    const statuses = await Promise.all(Array.from({ length: 10 }, () => get('/health').then((response) => response.status)));
    expect(statuses).toEqual(Array(10).fill(200));
  });
});
