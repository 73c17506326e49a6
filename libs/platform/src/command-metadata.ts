import type { Actor, CommandMetadata } from '@handoff/contracts';

/**
 * A request (or a message) as a command's metadata, the one way the edges make it: the actor from
 * authentication, the request id as both correlation and causation (a retried request is a
 * duplicate), the reason when the person gave one, and the time of the request (the service's clock).
 */
export function commandMetadata(actor: Actor, requestId: string, now: Date, reason?: string): CommandMetadata {
  return { now, actor, correlationId: requestId, causationId: requestId, ...(reason ? { reason } : {}) };
}
