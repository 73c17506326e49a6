import { isTransientError } from '@handoff/messaging';

/** How long a caller is asked to wait before trying again when a dependency is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Whether a request failed because PostgreSQL or Kafka is away or out of connections (refused,
 * shutting down or starting, too many connections, no pooled connection free within the pool's
 * acquisition timeout, a connection lost mid-request), not because of what the caller sent or
 * a bug. The caller gets 503 and may try again; nothing was written, since every write is one
 * transaction. The consumers' notion of transient is the same question, asked of a message.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  return isTransientError(error);
}
