import { applyKafkajsIdleFix, kafkajsRequestQueue } from './kafkajs-idle-fix';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(options: { enforceRequestTimeout?: boolean; requestTimeout?: number } = {}) {
  const RequestQueue = kafkajsRequestQueue();
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: options.requestTimeout ?? 30_000,
    enforceRequestTimeout: options.enforceRequestTimeout ?? false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
}

/** A request as kafkajs' connection pushes it; settles with what the queue does with it. */
function request(correlationId: number) {
  let settle!: (outcome: string) => void;
  const outcome = new Promise<string>((resolve) => (settle = resolve));
  const pushed = {
    entry: {
      correlationId,
      apiKey: 1,
      apiName: 'Fetch',
      apiVersion: 11,
      resolve: () => settle('completed'),
      reject: (error: Error) => settle(error.name),
    },
    expectResponse: true,
    sendRequest: () => undefined,
  };
  return { pushed, outcome };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the fix for kafkajs’ idle request-queue timers', () => {
  beforeAll(() => applyKafkajsIdleFix());

  it('arms no pending-request check while nothing is pending (unfixed, it re-armed one forever with a negative delay)', () => {
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

  it('arms no request-timeout check on a connected queue with nothing in flight (unfixed, one every 100 ms until disconnect)', () => {
    const connected = queue({ enforceRequestTimeout: true });
    connected.scheduleRequestTimeoutCheck();
    expect(connected.requestTimeoutIntervalId ?? null).toBeNull();
    connected.destroy();
  });

  it('times out a request in flight at its deadline, then arms nothing more', async () => {
    const connected = queue({ enforceRequestTimeout: true, requestTimeout: 60 });
    connected.scheduleRequestTimeoutCheck();
    const { pushed, outcome } = request(1);
    (connected as unknown as { push(request: unknown): void }).push(pushed);
    expect(connected.requestTimeoutIntervalId).not.toBeNull();
    await sleep(30);
    expect(connected.inflight.size).toBe(1);
    await expect(outcome).resolves.toBe('KafkaJSRequestTimeoutError');
    expect(connected.inflight.size).toBe(0);
    expect(connected.requestTimeoutIntervalId).toBeNull();
    connected.destroy();
  });

  it('leaves a request answered in time alone, and its check fires once without re-arming', async () => {
    const connected = queue({ enforceRequestTimeout: true, requestTimeout: 40 });
    connected.scheduleRequestTimeoutCheck();
    const { pushed, outcome } = request(2);
    (connected as unknown as { push(request: unknown): void }).push(pushed);
    (connected as unknown as { fulfillRequest(response: unknown): void }).fulfillRequest({ correlationId: 2, payload: Buffer.alloc(0), size: 0 });
    await expect(outcome).resolves.toBe('completed');
    await sleep(80);
    expect(connected.requestTimeoutIntervalId).toBeNull();
    connected.destroy();
  });
});
