import { DEFAULT_ROUTING_RULES, type RoutingRules, chooseDepartment, routingRulesSchema } from './routing-rules';

const rules: RoutingRules = {
  rules: [
    { name: 'urgent_complaints', department: 'escalation_desk', types: ['complaint'], priorities: ['urgent'] },
    { name: 'refunds', department: 'billing', categories: ['billing'], description: 'refunds are billing’s' },
    { name: 'social_media_team', department: 'social_care', channels: ['social_media'] },
  ],
  defaultDepartment: 'customer_care',
};

const ticket = { category: 'general', channel: 'web_chat', type: 'consultation', priority: 'normal' } as const;

describe('chooseDepartment', () => {
  it('given a ticket matching a rule, then that department, the rule and why', () => {
    expect(chooseDepartment(rules, { ...ticket, category: 'billing' })).toEqual({
      department: 'billing',
      rule: 'refunds',
      reason: 'refunds are billing’s (category billing)',
    });
  });

  it('given a rule with several conditions, then all must hold', () => {
    expect(chooseDepartment(rules, { ...ticket, type: 'complaint', priority: 'high' }).rule).toBe('default');
    expect(chooseDepartment(rules, { ...ticket, type: 'complaint', priority: 'urgent' })).toEqual({
      department: 'escalation_desk',
      rule: 'urgent_complaints',
      reason: 'rule urgent_complaints matched type complaint, priority urgent',
    });
  });

  it('given several matching rules, then the first wins', () => {
    expect(chooseDepartment(rules, { ...ticket, category: 'billing', channel: 'social_media' }).department).toBe('billing');
  });

  it('given no matching rule, then the default department, saying so', () => {
    expect(chooseDepartment(rules, ticket)).toEqual({
      department: 'customer_care',
      rule: 'default',
      reason: 'no routing rule matched category general, channel web_chat, type consultation, priority normal',
    });
  });

  it('given a rule without conditions, then it catches everything', () => {
    const catchAll: RoutingRules = { rules: [{ name: 'all', department: 'front' }], defaultDepartment: 'x' };
    expect(chooseDepartment(catchAll, ticket)).toEqual({ department: 'front', rule: 'all', reason: 'rule all matched every ticket' });
  });

  it('the default rules are valid configuration; unknown channels are not', () => {
    expect(routingRulesSchema.parse(DEFAULT_ROUTING_RULES)).toEqual(DEFAULT_ROUTING_RULES);
    const bad = routingRulesSchema.safeParse({ rules: [{ name: 'x', department: 'y', channels: ['fax'] }], defaultDepartment: 'z' });
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['rules.0.channels.0']);
  });
});
