import { z } from 'zod';
import {
  CHANNELS,
  PRIORITIES,
  TICKET_TYPES,
  type Category,
  type Channel,
  type Department,
  type Priority,
  type TicketType,
} from '@handoff/contracts';

/**
 * Which department receives a ticket, as data. Within a rule every condition given must hold (a
 * list holds when any of its entries does); the first rule that holds wins; none holding sends
 * the ticket to the default department. The event records the rule's name and why it matched.
 */
export interface RoutingRule {
  readonly name: string;
  readonly department: Department;
  /** Why this rule exists, in words, e.g. "refunds are billing's". */
  readonly description?: string;
  readonly categories?: readonly Category[];
  readonly channels?: readonly Channel[];
  readonly types?: readonly TicketType[];
  readonly priorities?: readonly Priority[];
}

export interface RoutingRules {
  readonly rules: readonly RoutingRule[];
  readonly defaultDepartment: Department;
}

export interface RoutableTicket {
  readonly category: Category;
  readonly channel: Channel;
  readonly type: TicketType;
  readonly priority: Priority;
}

export interface DepartmentChoice {
  readonly department: Department;
  readonly rule: string;
  readonly reason: string;
}

export const DEFAULT_ROUTING_RULE = 'default';

export function chooseDepartment(rules: RoutingRules, ticket: RoutableTicket): DepartmentChoice {
  for (const rule of rules.rules) {
    const conditions = [
      condition('category', rule.categories, ticket.category),
      condition('channel', rule.channels, ticket.channel),
      condition('type', rule.types, ticket.type),
      condition('priority', rule.priorities, ticket.priority),
    ].filter((c): c is Condition => c !== undefined);
    if (conditions.every((c) => c.holds)) {
      const matched = conditions.length === 0 ? 'every ticket' : conditions.map((c) => c.text).join(', ');
      const why = rule.description ? `${rule.description} (${matched})` : `rule ${rule.name} matched ${matched}`;
      return { department: rule.department, rule: rule.name, reason: why };
    }
  }
  return {
    department: rules.defaultDepartment,
    rule: DEFAULT_ROUTING_RULE,
    reason: `no routing rule matched category ${ticket.category}, channel ${ticket.channel}, type ${ticket.type}, priority ${ticket.priority}`,
  };
}

interface Condition {
  readonly holds: boolean;
  readonly text: string;
}

function condition<T extends string>(name: string, allowed: readonly T[] | undefined, value: T): Condition | undefined {
  return allowed === undefined ? undefined : { holds: allowed.includes(value), text: `${name} ${value}` };
}

// ---------------------------------------------------------------------------------------------
// Configuration

const name = z.string().trim().min(1).max(64);
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).optional();

export const routingRulesSchema = z.strictObject({
  rules: z.array(
    z.strictObject({
      name,
      department: name,
      description: z.string().trim().min(1).max(200).optional(),
      categories: list(name),
      channels: list(z.enum(CHANNELS)),
      types: list(z.enum(TICKET_TYPES)),
      priorities: list(z.enum(PRIORITIES)),
    }),
  ),
  defaultDepartment: name,
});

/** A starting point for the local stack; real rules are configuration. */
export const DEFAULT_ROUTING_RULES: RoutingRules = {
  rules: [
    { name: 'billing', department: 'billing', categories: ['billing'], description: 'payments and refunds are billing’s' },
    { name: 'logistics', department: 'logistics', categories: ['logistics'], description: 'deliveries are logistics’' },
    {
      name: 'technical',
      department: 'technical_support',
      categories: ['technical_support'],
      description: 'faults and access problems are technical support’s',
    },
    { name: 'product', department: 'product', categories: ['product'], types: ['suggestion', 'feedback'] },
    { name: 'market_information', department: 'marketing', types: ['information'] },
  ],
  defaultDepartment: 'customer_care',
};
