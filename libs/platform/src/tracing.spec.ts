import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { request as request_ } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { traceFields } from '@handoff/tracing';
import { accessLog } from './access-log';
import { installHttpEdge } from './bootstrap';
import { Allow, AuthGuard } from './http';
import { JsonLogger } from './logger';
import { secretTokens } from './oidc/people';

const SECRET = 'tracing-test-secret-0123456';
const config = { RATE_LIMIT_PER_MINUTE: 60, RATE_LIMIT_BURST: 20, AUTH_TOKEN_SECRET: SECRET, AUTH_API_KEYS: 'crm=crm-key-0123456789abcdef' };
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/** A server span per request, a child of the caller's traceparent, active in the handler and named in the logs. */
describe('HTTP request spans', () => {
  @Controller()
  class ProbeController {
    constructor(private readonly logger: JsonLogger) {}

    @Post('v1/customers/:key/notes')
    @HttpCode(201)
    @Allow('public')
    note(@Param('key') key: string, @Body() body: { text: string }) {
      this.logger.info('note taken', { length: body.text.length });
      // The handler runs after the body parser: the request's span must still be the active one.
      return { key, ...traceFields() };
    }
  }

  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('probe', 'debug', (line) => lines.push(JSON.parse(line)));

  @Module({
    controllers: [ProbeController],
    providers: [
      { provide: JsonLogger, useValue: logger },
      { provide: APP_GUARD, useFactory: (reflector: Reflector) => new AuthGuard(reflector, secretTokens(SECRET), config.AUTH_API_KEYS), inject: [Reflector] },
    ],
  })
  class ProbeModule {}

  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    provider.register();
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false, bodyParser: false });
    installHttpEdge(app, config, logger, [accessLog(logger)]);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  const serverSpan = async () => {
    for (let i = 0; i < 50 && exporter.getFinishedSpans().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    return spans[0];
  };

  it("continues the caller's trace, keeps the span active through the body parser into the handler and the logs, and records only the route", async () => {
    const response = await fetch(`${base}/v1/customers/13800138000/notes?email=li.lei@example.com`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-7', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ text: 'called back on 13800138000' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('req-7');
    const answer = (await response.json()) as { trace_id?: string; span_id?: string };

    const span = await serverSpan();
    expect(span).toMatchObject({ name: 'POST /v1/customers/:key/notes', kind: SpanKind.SERVER });
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanContext).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN, isRemote: true });
    expect(span.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/v1/customers/:key/notes', 'http.response.status_code': 201, 'handoff.request_id': 'req-7' });
    expect(answer).toMatchObject({ trace_id: CALLER_TRACE, span_id: span.spanContext().spanId });

    const ids = { trace_id: CALLER_TRACE, span_id: span.spanContext().spanId };
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'note taken', ...ids }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request', requestId: 'req-7', ...ids }));
  });

  // The body parser calls on from the request stream's events: the context must survive them.
  it('keeps the span active in the handler when the body arrives in pieces, after the request began', async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const url = new URL(`${base}/v1/customers/k/notes`);
      const request = request_(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      });
      request.on('error', reject);
      request.write('{"text":');
      setTimeout(() => request.end('"later"}'), 50);
    });
    expect(answer.status).toBe(201);
    const span = await serverSpan();
    expect(JSON.parse(answer.body)).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });

  it('starts a trace of its own without a traceparent, and marks an answer the edge refused', async () => {
    const response = await fetch(`${base}/v1/customers/k/notes`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: 'garbage' }, body: '{"text":' });
    expect(response.status).toBe(400);
    const span = await serverSpan();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span).toMatchObject({ name: 'POST unmatched', status: { code: SpanStatusCode.UNSET } });
    expect(span.attributes['http.response.status_code']).toBe(400);
  });
});
