import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from './http';

export interface HealthCheck {
  readonly name: string;
  /** Resolves with details when healthy, rejects when not. */
  check(): Promise<Record<string, unknown> | void>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject('SERVICE_NAME') private readonly service: string,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
  ) {}

  @Get('health')
  @Allow('public')
  @ApiOperation({ summary: 'Reports whether PostgreSQL, Kafka and the event store answer (503 when any does not).' })
  async health(@Res() response: Response): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (check) => {
        const started = Date.now();
        try {
          const details = await withTimeout(check.check());
          return [check.name, { status: 'up', latencyMs: Date.now() - started, ...(details ?? {}) }] as const;
        } catch (error) {
          return [check.name, { status: 'down', error: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const healthy = results.every(([, result]) => result.status === 'up');
    response.status(healthy ? 200 : 503).json({ status: healthy ? 'up' : 'down', service: this.service, checks: Object.fromEntries(results) });
  }
}
