import { context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf, type AuthenticatedRequest } from './http';
import type { JsonLogger } from './logger';

/** One finished HTTP request, as the access log and the metrics see it. */
export interface HttpExchange {
  readonly method: string;
  /** The route's pattern (`/v1/tickets/:ticketId/progress`), never the raw path; `unmatched` when no route took it. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
  /** Whom the credentials named (a person's or a system's id); absent when unauthenticated. */
  readonly actorId?: string;
  /** The client went away before the answer was sent. */
  readonly aborted: boolean;
}

export type HttpObserver = (exchange: HttpExchange) => void;

export const UNMATCHED_ROUTE = 'unmatched';

/** The pattern of the route that handled a request: bounded label values for metrics, no ids in logs. */
export function routeOf(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${request.baseUrl ?? ''}${route.path}` : UNMATCHED_ROUTE;
}

/**
 * First middleware of every service: fixes the request's id, puts it on the response as
 * X-Request-Id (whatever answers later: a handler, the rate limiter, the body parser, the error
 * filter), and tells each observer once about the request when its answer is sent or the client
 * goes away.
 */
export function observeRequests(observers: readonly HttpObserver[]): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(request as AuthenticatedRequest);
    response.setHeader('x-request-id', requestId);
    let reported = false;
    // Bound to the request's trace, so the access log line names it even when the answer's events come from
    // a callback that runs in another context (a pool's or a socket's), not from the request's own chain.
    const report = context.bind(context.active(), (aborted: boolean) => {
      if (reported) return;
      reported = true;
      const exchange: HttpExchange = {
        method: request.method,
        route: routeOf(request),
        status: response.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        requestId,
        ...((request as AuthenticatedRequest).actor ? { actorId: (request as AuthenticatedRequest).actor!.id } : {}),
        aborted,
      };
      for (const observe of observers) observe(exchange);
    });
    response.once('finish', () => report(false));
    response.once('close', () => report(!response.writableFinished));
    next();
  };
}

/** Probes and scrapes come every few seconds from the orchestrator and Prometheus: they are logged at debug. */
const QUIET_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * The access log: one line per request with method, route pattern, status, duration, request id
 * and actor id. Never the path's values, the query or a body, so no contact detail can reach it.
 */
export function accessLog(logger: JsonLogger): HttpObserver {
  return (exchange) => {
    const level = QUIET_ROUTES.has(exchange.route) ? 'debug' : exchange.status >= 500 ? 'error' : 'info';
    logger.event(level, 'http request', {
      method: exchange.method,
      route: exchange.route,
      status: exchange.status,
      durationMs: Math.round(exchange.durationMs * 10) / 10,
      requestId: exchange.requestId,
      ...(exchange.actorId === undefined ? {} : { actorId: exchange.actorId }),
      ...(exchange.aborted ? { aborted: true } : {}),
    });
  };
}
