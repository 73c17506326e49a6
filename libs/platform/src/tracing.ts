import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { contextOfCarrier, tracerOf, type Tracing } from '@handoff/tracing';
import type { NextFunction, Request, Response } from 'express';
import { routeOf } from './access-log';
import { requestIdOf, type AuthenticatedRequest } from './http';

export const TRACING = Symbol('TRACING');

const tracer = tracerOf('@handoff/platform');

const header = (request: Request, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * First of all middleware: a server span per request, a child of the caller's `traceparent` when
 * it sent one. Named and labelled by the route's pattern, like the access log, and never by the
 * path's values or the query, so no contact detail reaches a span. Ends when the answer is sent.
 */
export function traceRequests(): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    const parent = contextOfCarrier({ traceparent: header(request, 'traceparent'), tracestate: header(request, 'tracestate') });
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method } }, parent);
    const end = () => endRequestSpan(span, request, response);
    response.once('finish', end);
    response.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}

function endRequestSpan(span: Span, request: Request, response: Response): void {
  if (!span.isRecording()) return;
  const route = routeOf(request);
  span.updateName(`${request.method} ${route}`);
  span.setAttributes({
    [ATTR_HTTP_ROUTE]: route,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: response.statusCode,
    'handoff.request_id': requestIdOf(request as AuthenticatedRequest),
    ...((request as AuthenticatedRequest).actor ? { 'enduser.id': (request as AuthenticatedRequest).actor!.id } : {}),
  });
  if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: String(response.statusCode) });
  if (!response.writableFinished) span.setAttribute('handoff.aborted', true);
  span.end();
}

/** Exports the spans still buffered when the service stops. */
@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
