import { applyKafkajsIdleFix, kafkajsRequestQueue } from './kafkajs-idle-fix';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue() {
  const RequestQueue = kafkajsRequestQueue();
  return new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'localhost:9092', logger: silent });
}

describe('the fix for kafkajs’ idle request-queue timer', () => {
  beforeAll(() => applyKafkajsIdleFix());

  it('arms no timer while nothing is pending (unfixed, it re-armed one forever with a negative delay)', () => {
    const idle = queue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks a waiting request when the throttle ends', () => {
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 50;
    const checked = jest.fn();
    throttled.checkPendingRequests = checked;
    throttled.pending.push({});
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        expect(checked).toHaveBeenCalledTimes(1);
        expect(throttled.throttleCheckTimeoutId).toBeNull();
        resolve();
      }, 120);
    });
  });
});
