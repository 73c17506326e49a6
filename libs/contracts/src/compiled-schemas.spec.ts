import { z } from 'zod';
import { recordedEventSchema } from './envelope.schema';
import { EVENT_CONTRACTS } from './events';

/**
 * parseRecordedEvent and typedEventOf parse with zod's compiled schemas (z.compile), which fall
 * back to zod's interpreter, silently and several times slower, for a schema the compiler cannot
 * model. Every consumer and every rebuild pays for that on each event, so a contract that stops
 * compiling should be noticed here rather than in a benchmark.
 */
describe('the schemas every consumed event is parsed with', () => {
  it('compile: the envelope', () => {
    expect(() => z.compile(recordedEventSchema, { strict: true })).not.toThrow();
  });

  it.each(Object.entries(EVENT_CONTRACTS))('compile: %s', (_type, contract) => {
    expect(() => z.compile(contract.schema, { strict: true })).not.toThrow();
  });
});
