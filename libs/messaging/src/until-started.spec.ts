import type { LogFields, LogLevel, StructuredLogger } from './logging';
import { UntilStarted } from './until-started';

function recordingLogger(): StructuredLogger & { lines: { level: LogLevel; message: string; fields?: LogFields }[] } {
  const lines: { level: LogLevel; message: string; fields?: LogFields }[] = [];
  return { lines, log: (level, message, fields) => void lines.push({ level, message, fields }) };
}

const quick = { initialDelayMs: 1, maxDelayMs: 2 };

describe('UntilStarted', () => {
  it('tries until the attempt succeeds, logging when it begins to wait and when it started, not each attempt', async () => {
    const logger = recordingLogger();
    let attempts = 0;
    const starter = new UntilStarted('relay', logger, { relay: 'r' }, quick);
    starter.begin(async () => {
      attempts += 1;
      if (attempts < 6) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    expect(await starter.done()).toBe(true);
    expect(attempts).toBe(6);
    expect(logger.lines.map(({ level, message }) => [level, message])).toEqual([
      ['warn', 'relay cannot start yet; trying again with backoff until it can'],
      ['info', 'relay started after waiting for its dependencies'],
    ]);
    expect(logger.lines[1].fields).toMatchObject({ relay: 'r', attempts: 6 });
    expect(starter.failure()).toBeNull();
  });

  it('says nothing when the first attempt starts it', async () => {
    const logger = recordingLogger();
    const starter = new UntilStarted('consumer', logger, {}, quick);
    starter.begin(async () => undefined);
    expect(await starter.done()).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('never tries again once cancelled, and keeps the last failure to report meanwhile', async () => {
    const logger = recordingLogger();
    let attempts = 0;
    const starter = new UntilStarted('consumer', logger, {}, { initialDelayMs: 60_000, maxDelayMs: 60_000 });
    starter.begin(async () => {
      attempts += 1;
      throw Object.assign(new Error('There is no leader for this topic-partition'), { name: 'KafkaJSProtocolError' });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(starter.failure()).toBe('KafkaJSProtocolError: There is no leader for this topic-partition');
    // Cancelling wakes it from its long backoff at once.
    expect(await starter.cancel()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(attempts).toBe(1);
  });

  it('waits for the attempt in flight when cancelled and says it started, so the owner stops what it started', async () => {
    let release: () => void = () => undefined;
    const starter = new UntilStarted('relay', recordingLogger(), {}, quick);
    starter.begin(() => new Promise<void>((resolve) => (release = resolve)));
    const cancelled = starter.cancel();
    release();
    // The attempt did succeed; the owner (EventRelay.stop) then finds it running and stops it.
    expect(await cancelled).toBe(true);
  });
});
