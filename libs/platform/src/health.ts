import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from './http';

export interface HealthCheck {
  readonly name: string;
  /** Resolves with details when healthy, rejects when not (its message says what failed). */
  check(): Promise<Record<string, unknown> | void>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** A failed check with details beside its message (lags, states), shown in the readiness body. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CheckFailed';
  }
}

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

/**
 * Liveness and readiness, apart. Live: the process answers (an orchestrator restarts it when it
 * does not). Ready: PostgreSQL and Kafka answer, the relay advances and each consumer is in its
 * group with bounded lag (a load balancer sends it traffic only then). Neither is rate-limited.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject('SERVICE_NAME') private readonly service: string,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
  ) {}

  @Get('health/live')
  @Allow('public')
  @ApiOperation({ summary: 'Liveness: 200 while the process answers. Checks nothing else, so a broker or database outage never gets the process restarted.' })
  live(@Res() response: Response): void {
    response.status(200).json({ status: 'up', service: this.service });
  }

  @Get('health/ready')
  @Allow('public')
  @ApiOperation({
    summary:
      'Readiness: PostgreSQL, Kafka, the event store, the relay advancing (its stored checkpoint within the lag bound of the store, or nothing to publish) ' +
      'and each consumer joined with bounded lag. 503 with the failing checks named when any fails.',
  })
  async ready(@Res() response: Response): Promise<void> {
    await this.answer(response);
  }

  @Get('health')
  @Allow('public')
  @ApiOperation({ summary: 'The readiness answer, kept at its old address for existing probes.' })
  async health(@Res() response: Response): Promise<void> {
    await this.answer(response);
  }

  private async answer(response: Response): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (check) => {
        const started = Date.now();
        try {
          const details = await withTimeout(check.check());
          return [check.name, { status: 'up', latencyMs: Date.now() - started, ...(details ?? {}) }] as const;
        } catch (error) {
          return [
            check.name,
            {
              status: 'down',
              error: error instanceof Error ? error.message : String(error),
              ...(error instanceof CheckFailed ? error.details : {}),
            },
          ] as const;
        }
      }),
    );
    const healthy = results.every(([, result]) => result.status === 'up');
    const failed = results.filter(([, result]) => result.status !== 'up').map(([name]) => name);
    response.status(healthy ? 200 : 503).json({ status: healthy ? 'up' : 'down', service: this.service, ...(healthy ? {} : { failed }), checks: Object.fromEntries(results) });
  }
}
