import { EventRelay } from './event-relay';
import { positiveInteger, wholeMilliseconds } from './option-checks';

describe('the relay\'s and the consumer\'s option checks', () => {
  it('pass a whole number through and name the class and the option of any other', () => {
    expect(wholeMilliseconds('EventRelay', 'minReadGapMs', 0)).toBe(0);
    expect(positiveInteger('EventRelay', 'batchSize', 1)).toBe(1);
    expect(() => wholeMilliseconds('EventRelay', 'minReadGapMs', -1)).toThrow('EventRelay: minReadGapMs must be a whole number of milliseconds');
    expect(() => wholeMilliseconds('EventConsumer', 'lingerMs', 2.5)).toThrow('EventConsumer: lingerMs must be a whole number of milliseconds');
    expect(() => positiveInteger('EventRelay', 'batchSize', 0)).toThrow('EventRelay: batchSize must be a positive integer');
  });

  it('refuse a relay whose read gap is not a whole number of milliseconds', () => {
    const options = { name: 'r', store: {}, kafka: {}, topic: 't', dataSource: {} } as unknown as ConstructorParameters<typeof EventRelay>[0];
    expect(() => new EventRelay({ ...options, minReadGapMs: 1.5 })).toThrow('EventRelay: minReadGapMs must be a whole number of milliseconds');
  });
});
