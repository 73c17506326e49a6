import { Controller, Get, HttpCode, Module, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { accessLog } from './access-log';
import { installHttpEdge } from './bootstrap';
import { Allow, AuthGuard, CurrentActor } from './http';
import { JsonLogger } from './logger';
import { secretTokens } from './oidc/people';
import { signToken } from './tokens';

const SECRET = 'access-log-test-secret-0123';
const config = { RATE_LIMIT_PER_MINUTE: 60, RATE_LIMIT_BURST: 3, AUTH_TOKEN_SECRET: SECRET, AUTH_API_KEYS: 'crm=crm-key-0123456789abcdef' };

/** Every answer carries X-Request-Id, and each request leaves one access-log line without contact details. */
describe('request ids and the access log', () => {
  @Controller()
  class ProbeController {
    @Post('v1/tickets/:ticketId/notes')
    @HttpCode(201)
    @Allow('cs')
    note(@Param('ticketId', ParseUUIDPipe) ticketId: string, @CurrentActor() actor: { id: string }) {
      return { ticketId, by: actor.id };
    }

    @Get('health')
    @Allow('public')
    health() {
      return { status: 'up' };
    }

    @Get('boom')
    @Allow('public')
    boom(): never {
      throw new Error('failed for li.lei@example.com');
    }
  }

  @Module({
    controllers: [ProbeController],
    providers: [{ provide: APP_GUARD, useFactory: (reflector: Reflector) => new AuthGuard(reflector, secretTokens(SECRET), config.AUTH_API_KEYS), inject: [Reflector] }],
  })
  class ProbeModule {}

  const lines: Record<string, unknown>[] = [];
  let app: NestExpressApplication;
  let base: string;
  const token = signToken({ sub: 'agent-7', role: 'cs' }, SECRET);
  const ticketId = '6f1c7a52-2d0e-4d55-9d7e-3f3f0a8b9c10';

  beforeAll(async () => {
    const logger = new JsonLogger('probe', 'debug', (line) => lines.push(JSON.parse(line)));
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false, bodyParser: false });
    installHttpEdge(app, config, logger, [accessLog(logger)]);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  const accessLines = () => lines.filter((line) => line.msg === 'http request');
  /** The line is written when the answer is sent; the client may read the answer a moment before. */
  const lineFor = async (requestId: string) => {
    for (let i = 0; i < 50; i++) {
      const found = accessLines().filter((line) => line.requestId === requestId);
      if (found.length > 0) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [];
  };

  it('keeps a sane X-Request-Id, logs the route pattern, status, duration and actor once', async () => {
    const response = await fetch(`${base}/v1/tickets/${ticketId}/notes?email=li.lei@example.com`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'client-req-42', 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800138000' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('client-req-42');
    const found = await lineFor('client-req-42');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      level: 'info',
      service: 'probe',
      method: 'POST',
      route: '/v1/tickets/:ticketId/notes',
      status: 201,
      requestId: 'client-req-42',
      actorId: 'agent-7',
    });
    expect(typeof found[0].durationMs).toBe('number');
    expect(found[0].durationMs as number).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(found[0]);
    expect(text).not.toContain(ticketId);
    expect(text).not.toMatch(/li\.lei|13800138000|example\.com/);
  });

  it('replaces an X-Request-Id that is not sane by a fresh UUID, and sends it back', async () => {
    for (const bad of ['has spaces in it', 'x'.repeat(200), '<script>', '"quoted"']) {
      const response = await fetch(`${base}/health`, { headers: { 'x-request-id': bad } });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await lineFor(id!)).toHaveLength(1);
    }
  });

  it('puts X-Request-Id on every answer: refusals, errors, unknown routes, the rate limit', async () => {
    const unauthenticated = await fetch(`${base}/v1/tickets/${ticketId}/notes`, { method: 'POST' });
    const badUuid = await fetch(`${base}/v1/tickets/nope/notes`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const unknown = await fetch(`${base}/nowhere`);
    const failed = await fetch(`${base}/boom`);
    for (const [response, status, route] of [
      [unauthenticated, 401, '/v1/tickets/:ticketId/notes'],
      [badUuid, 400, '/v1/tickets/:ticketId/notes'],
      [unknown, 404, 'unmatched'],
      [failed, 500, '/boom'],
    ] as const) {
      expect(response.status).toBe(status);
      const id = response.headers.get('x-request-id');
      expect(id).toBeTruthy();
      expect(((await response.json()) as { requestId: string }).requestId).toBe(id);
      const [line] = await lineFor(id!);
      expect(line).toMatchObject({ route, status, level: status >= 500 ? 'error' : 'info' });
    }
    expect(JSON.stringify(lines)).not.toContain('li.lei@example.com');

    // Three requests of burst from one unauthenticated address, then 429 (the probes are exempt).
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${base}/nowhere`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toContain(429);
    expect(limited!.headers.get('x-request-id')).toBeTruthy();
    expect(await lineFor(limited!.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ status: 429, route: 'unmatched' })]);
  });

  it('logs probes at debug, so that an info log is not flooded by them', async () => {
    const response = await fetch(`${base}/health`, { headers: { 'x-request-id': 'probe-1' } });
    expect(response.status).toBe(200);
    expect(await lineFor('probe-1')).toEqual([expect.objectContaining({ level: 'debug', route: '/health', status: 200 })]);
  });
});
