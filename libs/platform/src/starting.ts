import type { NextFunction, Request, Response } from 'express';
import { Client } from 'pg';
import { backoffDelay, Sleeper } from '@handoff/messaging';
import type { BaseConfig } from './config';
import { requestIdOf, type AuthenticatedRequest } from './http';
import type { JsonLogger } from './logger';
import { languageOf, refusalMessage } from './messages';
import { RETRY_AFTER_SECONDS } from './unavailable';

/** What the service is waiting for before it can build its modules, shown by readiness meanwhile. */
export interface Waiting {
  readonly dependency: 'postgres';
  readonly error: string;
}

/**
 * Answers in place of the service while it cannot be built yet (PostgreSQL away: every module
 * needs its database migrated first). Liveness says the process is up, so an orchestrator does
 * not restart it into the same wait; readiness and every other request say 503, with Retry-After.
 */
export function whileStarting(service: string, isStarted: () => boolean, waiting: () => Waiting | undefined) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (isStarted()) return next();
    const path = request.path;
    if (path === '/health/live') {
      response.status(200).json({ status: 'up', service });
      return;
    }
    const missing = waiting();
    response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (path === '/health/ready' || path === '/health') {
      const checks = missing ? { [missing.dependency]: { status: 'down', error: missing.error } } : { service: { status: 'down', error: 'starting' } };
      response.status(503).json({ status: 'down', service, failed: Object.keys(checks), checks });
      return;
    }
    const message = refusalMessage('unavailable', 'the service is starting and cannot answer yet; try again shortly', languageOf(request.headers['accept-language']));
    response.status(503).json({ error: 'unavailable', message, requestId: requestIdOf(request as AuthenticatedRequest) });
  };
}

/**
 * Resolves once PostgreSQL accepts a connection and answers, trying again with backoff (0.5 s
 * doubling to 10 s). Logs when it begins to wait and when the server answers, not each attempt.
 */
export async function waitForPostgres(config: Pick<BaseConfig, 'DATABASE_URL'>, logger: JsonLogger, waiting: (state: Waiting | undefined) => void): Promise<void> {
  const sleeper = new Sleeper();
  let since: number | undefined;
  for (let failures = 0; ; failures++) {
    const client = new Client({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 5_000, application_name: 'handoff-start-probe' });
    // A refused or dropped connection also raises an error event: without a listener it would end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      if (since !== undefined) logger.event('info', 'PostgreSQL answers; starting', { waitedSeconds: Math.round((Date.now() - since) / 1000) });
      waiting(undefined);
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const reason = describeConnectionError(error);
      waiting({ dependency: 'postgres', error: reason });
      if (since === undefined) {
        since = Date.now();
        logger.event('warn', 'PostgreSQL does not answer; waiting for it before starting (live, not ready)', { reason });
      }
      await sleeper.sleep(backoffDelay(failures, { initialDelayMs: 500, maxDelayMs: 10_000 }));
    }
  }
}

/** A connection failure in a few words, without the URL (it may carry a password). */
export function describeConnectionError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
