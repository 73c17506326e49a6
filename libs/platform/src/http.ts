import {
  ArgumentsHost,
  CanActivate,
  Catch,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  HttpException,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError, ValidationFailed, type Actor, type FieldError, type Role } from '@handoff/contracts';
import { ConcurrencyConflict } from '@handoff/event-store';
import { findApiKey, parseApiKeys } from './tokens';
import type { PersonTokens } from './oidc/people';
import { IdentityProviderUnavailable } from './oidc/issuer';
import type { JsonLogger } from './logger';
import { describeFields, languageOf, refusalMessage, type MessageLanguage } from './messages';
import { isDependencyUnavailable, RETRY_AFTER_SECONDS } from './unavailable';

export interface AuthenticatedRequest extends Request {
  actor?: Actor;
  requestId?: string;
}

const ROLES_KEY = 'handoff:roles';
/** Which roles may call an endpoint; an endpoint without it is refused to everyone but `public`. */
export const Allow = (...roles: (Role | 'public')[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new HttpException({ error: 'unauthenticated', message: 'no credentials' }, 401);
  return actor;
});

export const RequestId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<AuthenticatedRequest>().requestId ?? randomUUID(),
);

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly apiKeys: Map<string, Actor>;
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: PersonTokens,
    apiKeys: string,
  ) {
    this.apiKeys = parseApiKeys(apiKeys);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = this.reflector.getAllAndOverride<(Role | 'public')[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    requestIdOf(request);
    if (allowed?.includes('public')) return true;

    const actor = await authenticate(request, this.tokens, this.apiKeys);
    if (!actor) throw new HttpException({ error: 'unauthenticated', message: 'missing or invalid credentials' }, 401);
    request.actor = actor;
    if (!allowed || !allowed.includes(actor.role)) {
      throw new HttpException({ error: 'forbidden', message: `role ${actor.role} may not do this` }, 403);
    }
    return true;
  }
}

/** The actor a request's API key or token names, or undefined when it has none or they are invalid. */
export async function authenticate(request: Request, tokens: PersonTokens, apiKeys: Map<string, Actor>): Promise<Actor | undefined> {
  const apiKey = headerValue(request, 'x-api-key');
  if (apiKey) return findApiKey(apiKeys, apiKey);
  const authorization = headerValue(request, 'authorization');
  // EventSource cannot set headers, so server-sent-event streams take the token as a query parameter.
  const token = authorization?.startsWith('Bearer ')
    ? authorization.slice(7)
    : typeof request.query?.access_token === 'string'
      ? request.query.access_token
      : undefined;
  if (!token) return undefined;
  const check = await tokens.verify(token);
  return check.ok ? check.actor : undefined;
}

/**
 * What a caller's X-Request-Id may be to be taken as the request's id: short, one token of
 * printable ASCII. Anything else (too long, spaces, control characters that could forge a log
 * line or a header) is replaced by a fresh UUID rather than refused.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:\/+=@-]{0,127}$/;

/** The request's id, from a sane X-Request-Id or made up, fixed the first time it is asked for. */
export function requestIdOf(request: AuthenticatedRequest): string {
  if (request.requestId === undefined) {
    const given = headerValue(request, 'x-request-id');
    request.requestId = given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  }
  return request.requestId;
}

function headerValue(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const DOMAIN_STATUS: Record<DomainError['code'], number> = {
  VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
};

/** One error body shape for every service; no stack trace ever reaches a client. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<AuthenticatedRequest>();
    const requestId = requestIdOf(request);
    const [status, described] = this.describe(exception);
    const body = inLanguage(described, languageOf(request.headers['accept-language']));
    if (status === 503) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      // Not a bug: a dependency is away or out of connections; one line says which error it was.
      const { name, code } = (exception ?? {}) as { name?: unknown; code?: unknown };
      this.logger.event('warn', 'request refused: a dependency is unavailable', {
        requestId,
        method: request.method,
        path: request.route?.path ?? 'unknown',
        errorName: typeof name === 'string' ? name : typeof exception,
        ...(typeof code === 'string' ? { errorCode: code } : {}),
        reason: exception instanceof Error ? exception.message : String(exception),
      });
    } else if (status >= 500) {
      this.logger.event('error', 'request failed', {
        requestId,
        method: request.method,
        path: request.route?.path ?? 'unknown',
        error: exception instanceof Error ? exception : String(exception),
      });
    }
    response.status(status).json({ ...body, requestId });
  }

  private describe(exception: unknown): [number, Record<string, unknown>] {
    if (exception instanceof ValidationFailed) {
      return [400, { error: 'validation_failed', message: 'the request is invalid', fields: exception.errors }];
    }
    if (exception instanceof DomainError) {
      return [
        DOMAIN_STATUS[exception.code],
        { error: exception.code.toLowerCase(), message: exception.message, ...(exception.details ? { details: exception.details } : {}) },
      ];
    }
    if (exception instanceof ConcurrencyConflict) {
      return [409, { error: 'conflict', message: 'the ticket changed meanwhile; retry' }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && !('statusCode' in response) && typeof (response as { error?: unknown }).error === 'string') {
        return [status, response as Record<string, unknown>];
      }
      // Nest's own exceptions (ParseUUIDPipe, an unknown route) say `{statusCode, message, error: 'Bad Request'}`;
      // they get the common shape too.
      const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
      return [
        status,
        { error: httpErrorName(status), message: typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : exception.message },
      ];
    }
    // body-parser errors (malformed JSON, too large) arrive as plain errors with a status.
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      return [
        status,
        { error: httpErrorName(status), message: type === 'entity.parse.failed' ? 'the body is not valid JSON' : type === 'entity.too.large' ? 'the body is too large' : 'bad request' },
      ];
    }
    if (exception instanceof IdentityProviderUnavailable) {
      return [503, { error: 'unavailable', message: 'the identity provider cannot be reached to check the token; try again in a few seconds' }];
    }
    if (isDependencyUnavailable(exception)) {
      return [503, { error: 'unavailable', message: 'the service cannot reach its database or broker right now; try again in a few seconds' }];
    }
    return [500, { error: 'internal', message: 'internal error' }];
  }
}

/**
 * The body said in the reader's language: each field's refusal as a sentence naming the field
 * (from its structured issue), the summary by the kind of refusal. Nothing else changes.
 */
function inLanguage(body: Record<string, unknown>, language: MessageLanguage): Record<string, unknown> {
  const code = typeof body.error === 'string' ? body.error : 'other';
  const message = typeof body.message === 'string' ? body.message : '';
  const fields = Array.isArray(body.fields) ? describeFields(body.fields as FieldError[], language) : undefined;
  // A refusal other than "invalid" that names fields (a file too large, of the wrong type) is said by them.
  const summary = fields?.length && code !== 'validation_failed' ? fields.map((field) => field.message).join(' ') : refusalMessage(code, message, language);
  return { ...body, message: summary, ...(fields ? { fields } : {}) };
}

function httpErrorName(status: number): string {
  return (
    { 400: 'bad_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict', 412: 'precondition_failed', 410: 'gone', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests' } as Record<number, string>
  )[status] ?? 'error';
}
