/**
 * kafkajs 2.2.4 (its last release) re-arms a timer in every broker connection's request queue
 * forever, with a negative delay, whenever nothing is pending (tulios/kafkajs#1556, fixed in the
 * unmerged #1667): an idle service spent 2.6–2.9 % of a core on it (`BENCH_ONLY=idle npm run bench`).
 * With nothing pending there is nothing to check: a request that has to wait is queued through
 * `push`, which schedules the check again, and a finished request checks the queue itself.
 */

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** Where a request still waits: when the throttle ends, or soon when only the in-flight limit holds it. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

let applied = false;

export function applyKafkajsIdleFix(): void {
  if (applied) return;
  applied = true;
  // Internal module of kafkajs, pinned by the lock file; the test below fails if its shape changes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals) {
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
}

/** The request queue class, for the test that holds the fix to the internals it replaces. */
export function kafkajsRequestQueue(): new (options: Record<string, unknown>) => RequestQueueInternals {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/network/requestQueue');
}
