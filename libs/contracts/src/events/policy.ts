import { z } from 'zod';
import type { DomainEvent } from '../decider';
import type { EventRegistry } from './common';
import { POLICY_KIND_NAMES, POLICY_OWNERS, type PolicyKindName } from '../api/policies';

export { POLICY_OWNERS };

/**
 * The organisation's policies as management changes them while the services run (issue 17).
 * Each kind is owned by the service that validates and mostly applies it, and lives on that
 * service's stream `<service>-policy-<kind>`, so the service's relay publishes it on its own topic
 * and every service that applies the kind picks the new version up from its consumer. The file
 * named by the kind's variable (DEADLINE_POLICY_FILE, ...) stays version 0; each change is the
 * next version. Who changed it and why are in the envelope (actor, role, reason).
 */

export const POLICY_KINDS = POLICY_KIND_NAMES;
export type PolicyKind = PolicyKindName;


/** The kind's stream in its owner's store; the prefix is the owner's, so its relay publishes it. */
export const policyStreamId = (kind: PolicyKind): string => `${POLICY_OWNERS[kind]}-policy-${kind}`;

/** The envelope's ticket id for a policy's events: the policy itself (it holds no ticket), one Kafka key per kind, so its versions stay in order. */
export const policyKeyOf = (kind: PolicyKind): string => `policy-${kind}`;

export interface PolicyChangedData {
  readonly kind: PolicyKind;
  /** 1 for the first change; the file the services started with is version 0. */
  readonly version: number;
  /** The whole policy as it is in force from now on, as its validator accepted it. */
  readonly document: Readonly<Record<string, unknown>>;
}
export type PolicyChanged = DomainEvent<'PolicyChanged', PolicyChangedData>;

export type PolicyEvent = PolicyChanged;

export const POLICY_EVENTS: EventRegistry<PolicyEvent> = {
  PolicyChanged: {
    version: 1,
    schema: z.object({ kind: z.enum(POLICY_KINDS), version: z.number().int().positive(), document: z.record(z.string(), z.unknown()) }),
  },
};

/** A policy's change rides on its owner's topic beside tickets' events, but belongs to no ticket: the ticket folds pass it by. */
export const isPolicyChange = (event: { readonly type: string }): boolean => event.type === 'PolicyChanged';
