import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { QueryFailedError } from 'typeorm';
import { ErrorFilter } from './http';
import { JsonLogger } from './logger';

/** What node-postgres and TypeORM throw when PostgreSQL is away, refuses or is out of connections, as they throw it. */
const FAILURES: Record<string, () => Error> = {
  refused: () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  'shutting-down': () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  starting: () => Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
  'too-many': () => Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
  'pool-timeout': () => new Error('timeout exceeded when trying to connect'),
  // TypeORM wraps the driver's error; the code is on driverError.
  'typeorm-wrapped': () => new QueryFailedError('SELECT 1', [], Object.assign(new Error('Connection terminated unexpectedly'), {})),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'ticketId')"),
  'constraint-violation': () => Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
};

describe('a request whose dependency is unavailable', () => {
  const logged: string[] = [];

  @Controller()
  class FailingController {
    @Get('fail/:kind')
    fail(@Param('kind') kind: string) {
      throw FAILURES[kind]();
    }
  }

  @Module({ controllers: [FailingController] })
  class FailingModule {}

  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(FailingModule, { logger: false });
    app.useGlobalFilters(new ErrorFilter(new JsonLogger('probe', 'warn', (line) => void logged.push(line))));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(['refused', 'shutting-down', 'starting', 'too-many', 'pool-timeout', 'typeorm-wrapped'])('gets 503 with Retry-After, said in the caller\'s language (%s)', async (kind) => {
    const english = await fetch(`${base}/fail/${kind}`, { headers: { 'accept-language': 'en' } });
    expect(english.status).toBe(503);
    expect(english.headers.get('retry-after')).toBe('5');
    expect(await english.json()).toEqual({ error: 'unavailable', message: expect.stringMatching(/^The service cannot reach its database or message broker right now/), requestId: expect.any(String) });
    const chinese = await fetch(`${base}/fail/${kind}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(chinese.status).toBe(503);
    expect(((await chinese.json()) as { message: string }).message).toBe('服务暂时无法连接数据库或消息服务，请几秒后再试。');
  });

  it.each(['bug', 'constraint-violation'])('still gets 500 for what is not an outage, and it is logged as an error (%s)', async (kind) => {
    logged.length = 0;
    const response = await fetch(`${base}/fail/${kind}`);
    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(((await response.json()) as { error: string }).error).toBe('internal');
    expect(logged.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'error', msg: 'request failed' })]);
  });
});
