import { z } from 'zod';
import { versionLabelSchema } from '@handoff/service-time';
import {
  CHANNELS,
  PRIORITIES,
  PRIORITY_RANK,
  TICKET_TYPES,
  type Category,
  type Channel,
  type ContactPayload,
  type Priority,
  type TicketClassifiedData,
  type TicketType,
} from '@handoff/contracts';

/**
 * How CS classifies a contact, as data: which category, how urgent, and whether CS answers it
 * at once or hands it to a department. Within a rule every condition given must hold (a list
 * holds when any of its entries does); the first rule that holds wins.
 */

export interface CategoryRule {
  readonly name: string;
  readonly category: Category;
  /** Any of these in the subject or description, case-insensitive (substring, so CJK works). */
  readonly keywords?: readonly string[];
  /** The category the upstream system suggested. */
  readonly suggestedCategories?: readonly string[];
  readonly types?: readonly TicketType[];
  readonly channels?: readonly Channel[];
}

export interface PriorityRule {
  readonly name: string;
  readonly priority: Priority;
  readonly keywords?: readonly string[];
  readonly categories?: readonly Category[];
  readonly types?: readonly TicketType[];
  readonly channels?: readonly Channel[];
}

export interface ClassificationRules {
  /** Recorded on every classification, so a replay can tell which rules applied. */
  readonly version: string;
  readonly categoryRules: readonly CategoryRule[];
  readonly defaultCategory: Category;
  readonly priorityRules: readonly PriorityRule[];
  readonly defaultPriority: Priority;
  /** What CS answers at once: simple requests of these types and categories, up to this priority. */
  readonly firstContact: {
    readonly types: readonly TicketType[];
    readonly categories: readonly Category[];
    readonly maxPriority: Priority;
  };
}

export type Classification = TicketClassifiedData;

export const RESOLUTION_RULES = {
  complaint: 'complaint_never_at_first_contact',
  simple: 'simple_request_at_first_contact',
  department: 'needs_a_department',
} as const;

export const DEFAULT_CATEGORY_RULE = 'default_category';
export const DEFAULT_PRIORITY_RULE = 'default_priority';
export const REQUESTED_PRIORITY_RULE = 'requested_priority';

/** The classification of one contact under the given rules. Pure. */
export function classify(contact: ContactPayload, rules: ClassificationRules): Classification {
  const text = `${contact.subject}\n${contact.description}`.toLowerCase();
  const mentionsAny = (keywords: readonly string[] | undefined) =>
    keywords === undefined || keywords.some((keyword) => text.includes(keyword.toLowerCase()));
  const isOneOf = <T>(allowed: readonly T[] | undefined, value: T | undefined) =>
    allowed === undefined || (value !== undefined && allowed.includes(value));

  const categoryRule = rules.categoryRules.find(
    (rule) =>
      mentionsAny(rule.keywords) &&
      isOneOf(rule.suggestedCategories, contact.category?.toLowerCase()) &&
      isOneOf(rule.types, contact.type) &&
      isOneOf(rule.channels, contact.channel),
  );
  const category = categoryRule?.category ?? rules.defaultCategory;

  const priorityRule = rules.priorityRules.find(
    (rule) =>
      mentionsAny(rule.keywords) &&
      isOneOf(rule.categories, category) &&
      isOneOf(rule.types, contact.type) &&
      isOneOf(rule.channels, contact.channel),
  );
  const ruledPriority = priorityRule?.priority ?? rules.defaultPriority;
  // An upstream system may know better than the rules that something is pressing; never less.
  const requestedIsHigher =
    contact.priority !== undefined && PRIORITY_RANK[contact.priority] > PRIORITY_RANK[ruledPriority];
  const priority = requestedIsHigher && contact.priority !== undefined ? contact.priority : ruledPriority;

  const { resolution, rule: resolutionRule } = resolutionOf(contact.type, category, priority, rules);

  return {
    category,
    priority,
    resolution,
    matched: {
      category: categoryRule?.name ?? DEFAULT_CATEGORY_RULE,
      priority: requestedIsHigher ? REQUESTED_PRIORITY_RULE : (priorityRule?.name ?? DEFAULT_PRIORITY_RULE),
      resolution: resolutionRule,
    },
    rulesVersion: rules.version,
  };
}

function resolutionOf(
  type: TicketType,
  category: Category,
  priority: Priority,
  rules: ClassificationRules,
): { resolution: Classification['resolution']; rule: string } {
  // Complaints go to a department and to management, whatever the configuration says.
  if (type === 'complaint') return { resolution: 'department', rule: RESOLUTION_RULES.complaint };
  const simple =
    rules.firstContact.types.includes(type) &&
    rules.firstContact.categories.includes(category) &&
    PRIORITY_RANK[priority] <= PRIORITY_RANK[rules.firstContact.maxPriority];
  return simple
    ? { resolution: 'first_contact', rule: RESOLUTION_RULES.simple }
    : { resolution: 'department', rule: RESOLUTION_RULES.department };
}

// ---------------------------------------------------------------------------------------------
// Configuration

const name = z.string().trim().min(1).max(64);
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).optional();

export const classificationRulesSchema = z.strictObject({
  version: versionLabelSchema.min(1),
  categoryRules: z.array(
    z.strictObject({
      name,
      category: name,
      keywords: list(z.string().trim().min(1)),
      suggestedCategories: list(name.toLowerCase()),
      types: list(z.enum(TICKET_TYPES)),
      channels: list(z.enum(CHANNELS)),
    }),
  ),
  defaultCategory: name,
  priorityRules: z.array(
    z.strictObject({
      name,
      priority: z.enum(PRIORITIES),
      keywords: list(z.string().trim().min(1)),
      categories: list(name),
      types: list(z.enum(TICKET_TYPES)),
      channels: list(z.enum(CHANNELS)),
    }),
  ),
  defaultPriority: z.enum(PRIORITIES),
  firstContact: z.strictObject({
    types: z.array(z.enum(TICKET_TYPES).exclude(['complaint'])),
    categories: z.array(name),
    maxPriority: z.enum(PRIORITIES),
  }),
});

/** A starting point for the local stack; real rules are configuration. */
export const DEFAULT_CLASSIFICATION_RULES: ClassificationRules = {
  version: 'default-1',
  categoryRules: [
    {
      name: 'billing_keywords',
      category: 'billing',
      keywords: ['invoice', 'refund', 'charge', 'bill', 'payment', '发票', '退款', '扣费', '账单', '付款'],
    },
    {
      name: 'logistics_keywords',
      category: 'logistics',
      keywords: ['delivery', 'shipping', 'parcel', 'courier', '快递', '物流', '配送', '发货'],
    },
    {
      name: 'technical_keywords',
      category: 'technical_support',
      keywords: ['error', 'crash', 'login', 'cannot', 'bug', '故障', '无法', '登录', '报错'],
    },
    { name: 'suggested_billing', category: 'billing', suggestedCategories: ['billing', 'payment'] },
    { name: 'suggested_logistics', category: 'logistics', suggestedCategories: ['logistics', 'delivery'] },
    { name: 'suggested_technical', category: 'technical_support', suggestedCategories: ['technical', 'technical_support'] },
    { name: 'product_feedback', category: 'product', types: ['suggestion', 'feedback'] },
    { name: 'market_information', category: 'market_information', types: ['information'] },
  ],
  defaultCategory: 'general',
  priorityRules: [
    { name: 'urgent_keywords', priority: 'urgent', keywords: ['urgent', 'emergency', '紧急', '马上'] },
    { name: 'complaints_are_high', priority: 'high', types: ['complaint'] },
    { name: 'suggestions_are_low', priority: 'low', types: ['suggestion', 'feedback', 'information'] },
  ],
  defaultPriority: 'normal',
  firstContact: { types: ['consultation'], categories: ['general'], maxPriority: 'normal' },
};
