/**
 * Two timers that kafkajs 2.2.4 (its last release) keeps firing in every broker connection's
 * request queue when nothing is happening. An idle service has five to eight such connections
 * (its consumer's, the relay's and the dead-letter producer's, the admin client's), so these
 * timers were most of what an idle service cost (`BENCH_ONLY=idle npm run bench`).
 *
 * 1. The pending-request check re-arms itself forever, with a negative delay, when nothing is
 *    pending (tulios/kafkajs#1556, fixed in the unmerged #1667): 2.6–2.9 % of a core idle.
 *    With nothing pending there is nothing to check: a request that has to wait is queued
 *    through `push`, which schedules the check again, and a finished request checks the queue.
 * 2. The request-timeout check runs every 100 ms from connect to disconnect, whether or not a
 *    request is in flight, to find requests older than their timeout (30 s and more). One timer
 *    armed for the earliest deadline of the requests in flight finds the same requests, at
 *    their deadline rather than up to 100 ms after it, and fires once per deadline instead of
 *    ten times a second. A request sent later has a later or equal deadline unless it asked
 *    for a shorter timeout, in which case the timer is moved forward.
 */

interface InflightRequest {
  readonly sentAt: number | null;
  readonly requestTimeout: number;
  timeoutRequest(): void;
}

interface RequestQueueInternals {
  pending: unknown[];
  inflight: Map<number, InflightRequest>;
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  enforceRequestTimeout: boolean;
  requestTimeoutIntervalId: NodeJS.Timeout | null | undefined;
  isConnected(): boolean;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
  sendSocketRequest(request: InflightRequest): void;
  destroy(): void;
}

/** Our state on a queue: whether timeouts are enforced since connect, and when the armed check fires. */
interface TimeoutCheck {
  enforcing: boolean;
  firesAt: number;
}

/** Where a request still waits: when the throttle ends, or soon when only the in-flight limit holds it. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const timeoutChecks = new WeakMap<RequestQueueInternals, TimeoutCheck>();

let applied = false;

export function applyKafkajsIdleFix(): void {
  if (applied) return;
  applied = true;
  // Internal module of kafkajs, pinned by the lock file; the tests beside this file fail if its shape changes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  const proto = RequestQueue.prototype;

  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals) {
    if (this.pending.length === 0 || this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };

  // Called by the connection once connected (kafkajs arms its 100 ms interval here).
  proto.scheduleRequestTimeoutCheck = function scheduleRequestTimeoutCheck(this: RequestQueueInternals) {
    this.destroy();
    if (!this.enforceRequestTimeout) return;
    timeoutChecks.set(this, { enforcing: true, firesAt: Number.POSITIVE_INFINITY });
    armTimeoutCheck(this, earliestDeadline(this));
  };

  const sendSocketRequest = proto.sendSocketRequest;
  proto.sendSocketRequest = function (this: RequestQueueInternals, request: InflightRequest) {
    sendSocketRequest.call(this, request);
    if (request.sentAt !== null && this.inflight.has(correlationIdOf(request))) armTimeoutCheck(this, request.sentAt + request.requestTimeout);
  };

  const destroy = proto.destroy;
  proto.destroy = function (this: RequestQueueInternals) {
    destroy.call(this);
    this.requestTimeoutIntervalId = null;
    timeoutChecks.delete(this);
  };
}

function correlationIdOf(request: InflightRequest): number {
  return (request as unknown as { correlationId: number }).correlationId;
}

function earliestDeadline(queue: RequestQueueInternals): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const request of queue.inflight.values()) {
    if (request.sentAt !== null) earliest = Math.min(earliest, request.sentAt + request.requestTimeout);
  }
  return earliest;
}

/** Makes sure a check runs just after `deadline` (kafkajs times a request out once it is strictly older than its timeout). */
function armTimeoutCheck(queue: RequestQueueInternals, deadline: number): void {
  const check = timeoutChecks.get(queue);
  if (!check?.enforcing || !Number.isFinite(deadline) || check.firesAt <= deadline) return;
  if (queue.requestTimeoutIntervalId) clearTimeout(queue.requestTimeoutIntervalId);
  check.firesAt = deadline;
  queue.requestTimeoutIntervalId = setTimeout(() => runTimeoutCheck(queue, check), Math.max(0, deadline + 1 - Date.now()));
}

function runTimeoutCheck(queue: RequestQueueInternals, check: TimeoutCheck): void {
  queue.requestTimeoutIntervalId = null;
  check.firesAt = Number.POSITIVE_INFINITY;
  const now = Date.now();
  for (const request of [...queue.inflight.values()]) {
    if (request.sentAt !== null && now - request.sentAt > request.requestTimeout) request.timeoutRequest();
  }
  if (!queue.isConnected()) {
    queue.destroy();
    return;
  }
  armTimeoutCheck(queue, earliestDeadline(queue));
}

/** The request queue class, for the tests that hold the fix to the internals it replaces. */
export function kafkajsRequestQueue(): new (options: Record<string, unknown>) => RequestQueueInternals {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/network/requestQueue');
}
