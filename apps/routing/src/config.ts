import { z } from 'zod';
import { complaintCauseTaxonomySchema, DEFAULT_COMPLAINT_CAUSES, parseOrThrow, type ComplaintCauseTaxonomy, type FieldError, type PolicyDefinition } from '@handoff/contracts';
import { baseConfigSchema, booleanFlag, policyFile } from '@handoff/platform';
import { DEFAULT_DEADLINE_POLICY, computeDeadlines, deadlinePolicyChangeProblems, deadlinePolicySchema, deferredByPause, parseDeadlinePolicy, type DeadlinePolicy } from '@handoff/service-time';
import { DEFAULT_QUEUE_ORDER, queueOrderSchema, type QueueOrderPolicy } from './queue/queue-order';
import { DEFAULT_ORGANISATION, departmentOf, organisationSchema, type Organisation } from './organisation/organisation';
import { DEFAULT_ROUTING_RULES, routingRulesSchema, type RoutingRules } from './tickets/routing-rules';
import { DEFAULT_ESCALATION_POLICY, escalationPolicySchema, type EscalationPolicy, type RoutingPolicy } from './tickets/tickets.decider';

export const routingConfigSchema = baseConfigSchema('routing', 3002)
  .extend({
    /** JSON file with the routing rules (which department receives which ticket). */
    ROUTING_RULES_FILE: policyFile<RoutingRules>(routingRulesSchema as never, DEFAULT_ROUTING_RULES),
    /** JSON file with the deadline policy (minutes per type and priority, business calendar). */
    DEADLINE_POLICY_FILE: policyFile<DeadlinePolicy>(deadlinePolicySchema as never, DEFAULT_DEADLINE_POLICY),
    /** JSON file saying how long after a missed deadline management is called in. */
    ESCALATION_POLICY_FILE: policyFile<EscalationPolicy>(escalationPolicySchema as never, DEFAULT_ESCALATION_POLICY),
    /** JSON file with the departments, their handlers (id, name, skills), managers and assignment strategy. */
    ORGANISATION_FILE: policyFile<Organisation>(organisationSchema as never, DEFAULT_ORGANISATION),
    /** JSON file saying how a department's queue is ordered by urgency (see queue/queue-order.ts). */
    QUEUE_ORDER_FILE: policyFile<QueueOrderPolicy>(queueOrderSchema as never, DEFAULT_QUEUE_ORDER),
    /** JSON file with the complaint causes (codes, English and Chinese labels) a complaint's result names one of. */
    COMPLAINT_CAUSES_FILE: policyFile<ComplaintCauseTaxonomy>(complaintCauseTaxonomySchema as never, DEFAULT_COMPLAINT_CAUSES),
    /** How often the sweeper looks for deadlines and escalation points that have come due. */
    DEADLINE_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** Lets `POST /v1/deadlines/check` take `asOf`: for tests and demos, never in production. */
    ALLOW_CLOCK_OVERRIDE: booleanFlag(false),
  })
  .superRefine((config, context) => {
    // A ticket routed to a department nobody staffs would wait forever.
    const { rules, defaultDepartment } = config.ROUTING_RULES_FILE;
    const named = [...rules.map((rule) => rule.department), defaultDepartment];
    const missing = [...new Set(named)].filter((department) => !departmentOf(config.ORGANISATION_FILE, department));
    if (missing.length > 0) {
      context.addIssue({
        code: 'custom',
        path: ['ROUTING_RULES_FILE'],
        message: `routes to ${missing.join(', ')}, which ORGANISATION_FILE does not list`,
      });
    }
  });

/** The same rule for a change of the rules, naming each rule that breaks it. */
function unstaffedRoutes({ rules, defaultDepartment }: RoutingRules, organisation: Organisation): FieldError[] {
  const problems: FieldError[] = [];
  rules.forEach((rule, index) => {
    if (!departmentOf(organisation, rule.department)) problems.push({ field: `rules.${index}.department`, message: `routes to ${rule.department}, which the organisation does not list` });
  });
  if (!departmentOf(organisation, defaultDepartment)) problems.push({ field: 'defaultDepartment', message: `routes to ${defaultDepartment}, which the organisation does not list` });
  return problems;
}
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

/** The policies management changes while routing runs (README, "Policies"); their files are version 0. */
export function routingPolicyDefinitions(config: RoutingConfig): PolicyDefinition[] {
  const deadlines: PolicyDefinition<DeadlinePolicy> = {
    kind: 'deadlines',
    initial: config.DEADLINE_POLICY_FILE,
    read: parseDeadlinePolicy,
    checkChange: deadlinePolicyChangeProblems,
  };
  const rules: PolicyDefinition<RoutingRules> = {
    kind: 'routing-rules',
    initial: config.ROUTING_RULES_FILE,
    read: (document) => parseOrThrow(routingRulesSchema, document) as RoutingRules,
    checkChange: (next, _current, _now, inForce) => unstaffedRoutes(next, inForce<Organisation>('organisation')),
  };
  const organisation: PolicyDefinition<Organisation> = {
    kind: 'organisation',
    initial: config.ORGANISATION_FILE,
    read: (document) => parseOrThrow(organisationSchema, document) as Organisation,
    // The rules in force must still find every department they route to.
    checkChange: (next, _current, _now, inForce) => {
      const { rules: routes, defaultDepartment } = inForce<RoutingRules>('routing-rules');
      const dropped = [...new Set([...routes.map((rule) => rule.department), defaultDepartment])].filter((department) => !departmentOf(next, department));
      return dropped.length > 0 ? [{ field: 'departments', message: `must keep ${dropped.join(', ')}: the routing rules in force route there (change them first)` }] : [];
    },
  };
  return [deadlines, rules, organisation] as PolicyDefinition[];
}

/**
 * The decider's policy, from configuration; `deadlines` and `rules` answer the deadline policy and
 * the routing rules in force at each decision (management may change them while routing runs), the files' by default.
 */
export function routingPolicyOf(
  config: RoutingConfig,
  deadlines: () => DeadlinePolicy = () => config.DEADLINE_POLICY_FILE,
  rules: () => RoutingRules = () => config.ROUTING_RULES_FILE,
): RoutingPolicy {
  return {
    // Read at each decision: management may change the rules while routing runs.
    get rules() {
      return rules();
    },
    deadlinesFor: (query) => computeDeadlines(deadlines(), query),
    deferByPause: (dueAt, paused, countIn) => deferredByPause(deadlines(), dueAt, paused, countIn),
    escalation: config.ESCALATION_POLICY_FILE,
    complaintCauses: config.COMPLAINT_CAUSES_FILE,
  };
}
