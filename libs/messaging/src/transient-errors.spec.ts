import { DomainError, ValidationFailed } from '@handoff/contracts';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { backoffDelay, isTransientError } from './transient-errors';

const pgError = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it.each([
    ['serialization failure', pgError('40001')],
    ['deadlock', pgError('40P01')],
    ['connection exception class', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['admin shutdown', pgError('57P01')],
    ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['node-postgres lost connection', new Error('Connection terminated unexpectedly')],
    ['deadlock wrapped by TypeORM', new QueryFailedError('INSERT ...', [], pgError('40P01'))],
    ['query runner released after its connection failed', new QueryRunnerAlreadyReleasedError()],
    ['entity manager whose runner was released after its connection failed', new QueryRunnerProviderAlreadyReleasedError()],
    ['kafka connection error', new KafkaJSConnectionError('Connection timeout')],
    ['kafka gave up on a retriable error', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('down'), { retryCount: 5, retryTime: 100 })],
  ])('retries %s', (_, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['unique violation', new QueryFailedError('INSERT ...', [], pgError('23505'))],
    ['not-null violation', pgError('23502')],
    ['invalid text representation', pgError('22P02')],
    ['domain refusal', new DomainError('CONFLICT', 'already closed')],
    ['invalid envelope', new ValidationFailed([{ field: 'eventId', message: 'Invalid UUID' }])],
    ['programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['non-retriable kafka error', new KafkaJSNonRetriableError('bad request')],
    ['non-retriable kafka protocol error', new KafkaJSProtocolError({ message: 'too large', type: 'MESSAGE_TOO_LARGE', retriable: false } as never)],
    ['not an error', 'boom'],
  ])('does not retry %s', (_, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and stays under the ceiling', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(1_000, 10 * 2 ** attempt);
      const delay = backoffDelay(attempt, { initialDelayMs: 10, maxDelayMs: 1_000 });
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
