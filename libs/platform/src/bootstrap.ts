import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ExpressAdapter } from '@nestjs/platform-express';
import express, { json, type NextFunction, type Request, type Response } from 'express';
import { createServer } from 'node:http';
import type { z } from 'zod';
import { accessLog, observeRequests, type HttpObserver } from './access-log';
import { ConfigurationError, loadConfig, type BaseConfig } from './config';
import { ErrorFilter, requestIdOf, type AuthenticatedRequest } from './http';
import { JsonLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { rateLimiter } from './rate-limit';
import { personTokensFrom, type OidcConfig } from './oidc/config';
import { describeConnectionError, waitForPostgres, whileStarting, type Waiting } from './starting';
import { traceRequests } from './tracing';
import { isDependencyUnavailable } from './unavailable';

export const BODY_LIMIT = '64kb';

/** Starts one Handoff service: strict config, JSON logs, one error shape, OpenAPI at /docs. */
export async function bootstrapService<S extends z.ZodObject>(options: {
  readonly name: string;
  readonly description: string;
  readonly configSchema: S;
  readonly module: (config: z.infer<S> & BaseConfig) => DynamicModule;
  /** POST routes whose body is a file, read by their handler after the caller is known (see `readFileBody`). */
  readonly fileRoutes?: readonly RegExp[];
}): Promise<NestExpressApplication> {
  let config: z.infer<S> & BaseConfig;
  try {
    config = loadConfig(options.configSchema) as z.infer<S> & BaseConfig;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${options.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = new JsonLogger(options.name, config.LOG_LEVEL);
  // The port is taken at once and answers for the service while it waits for PostgreSQL (see whileStarting).
  const instance = express();
  const server = createServer(instance);
  let started = false;
  let waiting: Waiting | undefined;
  instance.use(whileStarting(options.name, () => started, () => waiting));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info('listening', { port: config.PORT });
  const app = await buildWhenPostgresAnswers(options.module(config), instance, config, logger, (state) => (waiting = state));
  // Nest closes this server on shutdown, not the unused one it made for itself.
  (app.getHttpAdapter() as ExpressAdapter).setHttpServer(server);
  installHttpEdge(app, config, logger, [accessLog(logger), app.get(ServiceMetrics).observeHttp], options.fileRoutes);
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Handoff ${options.name}`)
      .setDescription(options.description)
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  started = true;
  logger.info('started', { port: config.PORT });
  return app;
}

/**
 * Every module needs PostgreSQL to be built (migrations run first), so the service waits for it.
 * If it goes away again while the modules are being built, the service waits and builds again
 * rather than exiting; Kafka is waited for later, by the relay and the consumers themselves.
 */
async function buildWhenPostgresAnswers(
  module: DynamicModule,
  instance: ReturnType<typeof express>,
  config: BaseConfig,
  logger: JsonLogger,
  waiting: (state: Waiting | undefined) => void,
): Promise<NestExpressApplication> {
  for (;;) {
    await waitForPostgres(config, logger, waiting);
    try {
      return await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(instance), { logger, bodyParser: false, abortOnError: false });
    } catch (error) {
      if (!isDependencyUnavailable(error)) throw error;
      logger.event('warn', 'PostgreSQL went away while the service was being built; waiting for it again', { reason: describeConnectionError(error) });
    }
  }
}

/**
 * What every request goes through before and after its handler, in this order: its trace span, its
 * id and the observers (access log, metrics), the rate limit, the JSON body parser, and one error shape.
 */
export function installHttpEdge(
  app: NestExpressApplication,
  config: Pick<BaseConfig, 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_BURST' | 'AUTH_TOKEN_SECRET' | 'AUTH_API_KEYS'> & Partial<OidcConfig>,
  logger: JsonLogger,
  observers: readonly HttpObserver[],
  fileRoutes: readonly RegExp[] = [],
): void {
  app.use(traceRequests());
  app.use(observeRequests(observers));
  app.use(
    rateLimiter({
      policy: { perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST },
      tokens: personTokensFrom(config),
      apiKeys: config.AUTH_API_KEYS,
    }),
  );
  installBodyParser(app, fileRoutes);
  app.useGlobalFilters(new ErrorFilter(logger));
}

/**
 * Bodies are JSON or nothing: a body of another type is refused (415) rather than ignored, so a
 * command whose body is optional never runs on a payload it did not read. Body-parser errors never
 * reach Nest's filters, so they get the common error shape here. The POSTs of `fileRoutes` are
 * the exception: their body is a file of any type, left unread here so that its handler reads it
 * only once the caller is known to be allowed, under its own size limit.
 */
export function installBodyParser(app: NestExpressApplication, fileRoutes: readonly RegExp[] = []): void {
  const parse = json({ limit: BODY_LIMIT, strict: true });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'POST' && fileRoutes.some((route) => route.test(request.path))) return next();
    const refuse = (status: number, error: string, message: string) =>
      response.status(status).json({ error, message, requestId: requestIdOf(request as AuthenticatedRequest) });
    // `is` answers null when there is no body at all, false when there is one of another type;
    // an empty body (Content-Length: 0) is no body, whatever its type.
    if (request.headers['content-length'] !== '0' && request.is('application/json') === false) {
      return refuse(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
    }
    parse(request, response, (error?: { status?: number; type?: string }) => {
      if (!error) return next();
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
      if (error.type === 'entity.too.large') return refuse(status, 'payload_too_large', `the body exceeds ${BODY_LIMIT}`);
      if (error.type === 'charset.unsupported') return refuse(415, 'unsupported_media_type', 'the body must be UTF-8 JSON');
      if (error.type === 'encoding.unsupported') return refuse(415, 'unsupported_media_type', 'the Content-Encoding is not supported');
      return refuse(status, 'bad_request', 'the body is not valid JSON');
    });
  });
}
