import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { ConfigurationError, loadConfig, type BaseConfig } from './config';
import { ErrorFilter } from './http';
import { JsonLogger } from './logger';

export const BODY_LIMIT = '64kb';

/** Starts one Handoff service: strict config, JSON logs, one error shape, OpenAPI at /docs. */
export async function bootstrapService<S extends z.ZodObject>(options: {
  readonly name: string;
  readonly description: string;
  readonly configSchema: S;
  readonly module: (config: z.infer<S> & BaseConfig) => DynamicModule;
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
  const app = await NestFactory.create<NestExpressApplication>(options.module(config), { logger, bodyParser: false });
  installBodyParser(app);
  app.useGlobalFilters(new ErrorFilter(logger));
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
  await app.listen(config.PORT, config.HOST);
  logger.info('listening', { port: config.PORT });
  return app;
}

/** Body-parser errors never reach Nest's filters, so they get the common error shape here. */
export function installBodyParser(app: NestExpressApplication): void {
  const parse = json({ limit: BODY_LIMIT, strict: true });
  app.use((request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: { status?: number; type?: string }) => {
      if (!error) return next();
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
      const tooLarge = error.type === 'entity.too.large';
      response.status(status).json({
        error: tooLarge ? 'payload_too_large' : 'bad_request',
        message: tooLarge ? `the body exceeds ${BODY_LIMIT}` : 'the body is not valid JSON',
      });
    }),
  );
}
