import { type AccessEvent, ACCESS_EVENTS } from './access';
import type { EventContract, EventRegistry } from './common';
import { type EvaluationEvent, EVALUATION_EVENTS } from './evaluation';
import { type FollowupEvent, FOLLOWUP_EVENTS } from './followup';
import { type IntakeEvent, INTAKE_EVENTS } from './intake';
import { type PolicyEvent, POLICY_EVENTS } from './policy';
import { type PrivacyEvent, PRIVACY_EVENTS } from './privacy';
import { type RoutingEvent, ROUTING_EVENTS } from './routing';
import { type StaffingEvent, STAFFING_EVENTS } from './staffing';

export * from './common';
export * from './intake';
export * from './routing';
export * from './staffing';
export * from './followup';
export * from './privacy';
export * from './access';
export * from './evaluation';
export * from './policy';
export * from './off-workflow';

/** Every event of the workflow, from all four contexts. Type names are unique across contexts. */
export type HandoffEvent = IntakeEvent | RoutingEvent | StaffingEvent | FollowupEvent | PrivacyEvent | AccessEvent | EvaluationEvent | PolicyEvent;

export const EVENT_CONTRACTS: EventRegistry<HandoffEvent> = {
  ...INTAKE_EVENTS,
  ...ROUTING_EVENTS,
  ...STAFFING_EVENTS,
  ...FOLLOWUP_EVENTS,
  ...PRIVACY_EVENTS,
  ...ACCESS_EVENTS,
  ...EVALUATION_EVENTS,
  ...POLICY_EVENTS,
};

/** The current schema version to write for an event type (the producer's `NewEvent.schemaVersion`). */
export function schemaVersionOf(type: HandoffEvent['type']): number {
  return EVENT_CONTRACTS[type].version;
}

/** The contract of a type read off the wire, or undefined for a type this build does not know. */
export function contractOf(type: string): EventContract<unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_CONTRACTS, type)
    ? (EVENT_CONTRACTS as Record<string, EventContract<unknown>>)[type]
    : undefined;
}
export * from './upcasters';
