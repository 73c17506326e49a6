import { logLevel, type LogEntry } from 'kafkajs';
import { kafkaLogCreator } from './kafka';
import type { LogLevel } from './logging';

/** The level a kafkajs log entry is written at. */
function levelOf(entry: Pick<LogEntry, 'namespace' | 'level'> & { log: Record<string, unknown> }): LogLevel {
  let written: LogLevel | undefined;
  kafkaLogCreator({ log: (level) => (written = level) })(logLevel.DEBUG)({ label: 'ERROR', ...entry, log: { timestamp: '', message: '', ...entry.log } } as LogEntry);
  return written!;
}

describe('kafkajs log levels', () => {
  it('writes a rebalance, routine when several instances share a group, as info, not error', () => {
    expect(levelOf({ namespace: 'Connection', level: logLevel.ERROR, log: { message: 'Response Heartbeat(key: 12, version: 3)', error: 'The group is rebalancing, so a rejoin is needed' } })).toBe('info');
  });

  it('writes topic metadata not there yet, asked again by the client, as a warning', () => {
    expect(levelOf({ namespace: 'Connection', level: logLevel.ERROR, log: { message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition' } })).toBe('warn');
  });

  it('keeps any other error an error', () => {
    expect(levelOf({ namespace: 'Connection', level: logLevel.ERROR, log: { message: 'Response Produce(key: 0, version: 7)', error: 'The request attempted to perform an operation on an invalid topic' } })).toBe('error');
    expect(levelOf({ namespace: 'Consumer', level: logLevel.ERROR, log: { message: 'Crash: KafkaJSNumberOfRetriesExceeded', error: 'The group is rebalancing, so a rejoin is needed' } })).toBe('error');
  });
});
