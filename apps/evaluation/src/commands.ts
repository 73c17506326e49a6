import type { Actor, CommandMetadata } from '@handoff/contracts';

/** A request as a command's metadata: the request id is both its correlation and its causation (a retried request is a duplicate). */
export function commandMetadata(actor: Actor, requestId: string, now = new Date()): CommandMetadata {
  return { now, actor, correlationId: requestId, causationId: requestId };
}
