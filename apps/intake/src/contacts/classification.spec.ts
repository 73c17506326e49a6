import { type ContactPayload, parseContactPayload } from '@handoff/contracts';
import {
  type ClassificationRules,
  DEFAULT_CLASSIFICATION_RULES,
  classificationRulesSchema,
  classify,
} from './classification';

const contact = (overrides: Partial<ContactPayload> = {}): ContactPayload => ({
  sourceSystem: 'web',
  externalId: 'x-1',
  channel: 'web_chat',
  type: 'consultation',
  customer: { name: 'Li Wei', email: 'li@example.cn' },
  subject: 'A question',
  description: 'When do you open?',
  ...overrides,
});

const rules: ClassificationRules = {
  version: 'test-1',
  categoryRules: [
    { name: 'refunds', category: 'billing', keywords: ['refund', '退款'] },
    { name: 'wechat_delivery', category: 'logistics', keywords: ['parcel'], channels: ['social_media'] },
    { name: 'suggested_billing', category: 'billing', suggestedCategories: ['billing'] },
  ],
  defaultCategory: 'general',
  priorityRules: [
    { name: 'urgent_words', priority: 'urgent', keywords: ['urgent'] },
    { name: 'complaints_high', priority: 'high', types: ['complaint'] },
    { name: 'billing_normal', priority: 'normal', categories: ['billing'] },
    { name: 'feedback_low', priority: 'low', types: ['feedback'] },
  ],
  defaultPriority: 'normal',
  firstContact: { types: ['consultation'], categories: ['general'], maxPriority: 'normal' },
};

describe('classify', () => {
  it('given a simple consultation, then CS answers it at first contact', () => {
    expect(classify(contact(), rules)).toEqual({
      category: 'general',
      priority: 'normal',
      resolution: 'first_contact',
      matched: {
        category: 'default_category',
        priority: 'default_priority',
        resolution: 'simple_request_at_first_contact',
      },
      rulesVersion: 'test-1',
    });
  });

  it('given a keyword in the description (any case, CJK too), then the keyword rule decides the category', () => {
    expect(classify(contact({ description: 'I want a REFUND' }), rules)).toMatchObject({
      category: 'billing',
      matched: { category: 'refunds' },
    });
    expect(classify(contact({ subject: '申请退款' }), rules).category).toBe('billing');
  });

  it('given a rule with several conditions, then all of them must hold', () => {
    expect(classify(contact({ description: 'my parcel' }), rules).category).toBe('general');
    expect(
      classify(contact({ description: 'my parcel', channel: 'social_media', platform: 'wechat' }), rules).category,
    ).toBe('logistics');
  });

  it("given the upstream system's suggested category, then a rule can take it", () => {
    expect(classify(contact({ category: 'Billing' }), rules)).toMatchObject({
      category: 'billing',
      matched: { category: 'suggested_billing' },
    });
  });

  it('given several matching rules, then the first one wins', () => {
    expect(classify(contact({ description: 'refund', category: 'billing' }), rules).matched.category).toBe('refunds');
  });

  it('given the category and type, then the priority rules decide the priority', () => {
    expect(classify(contact({ type: 'feedback' }), rules)).toMatchObject({ priority: 'low', matched: { priority: 'feedback_low' } });
    expect(classify(contact({ description: 'urgent refund' }), rules).priority).toBe('urgent');
  });

  it('given a requested priority higher than the rules give, then the request wins; a lower one does not', () => {
    expect(classify(contact({ priority: 'high' }), rules)).toMatchObject({
      priority: 'high',
      matched: { priority: 'requested_priority' },
    });
    expect(classify(contact({ type: 'complaint', priority: 'low' }), rules)).toMatchObject({
      priority: 'high',
      matched: { priority: 'complaints_high' },
    });
  });

  it('given a complaint, then it goes to a department even if the rules would let CS answer it', () => {
    const permissive: ClassificationRules = {
      ...rules,
      firstContact: { types: ['consultation', 'complaint'], categories: ['general'], maxPriority: 'urgent' },
    };
    expect(classify(contact({ type: 'complaint' }), permissive)).toMatchObject({
      resolution: 'department',
      matched: { resolution: 'complaint_never_at_first_contact' },
    });
  });

  it('given a consultation outside the simple categories or above the priority limit, then it goes to a department', () => {
    expect(classify(contact({ description: 'refund' }), rules)).toMatchObject({
      resolution: 'department',
      matched: { resolution: 'needs_a_department' },
    });
    expect(classify(contact({ priority: 'high' }), rules).resolution).toBe('department');
  });

  it('given a suggestion, then it goes to a department (only the configured types are answered at once)', () => {
    expect(classify(contact({ type: 'suggestion' }), rules).resolution).toBe('department');
  });
});

describe('classification rules as configuration', () => {
  it('the default rules are valid configuration', () => {
    expect(classificationRulesSchema.parse(DEFAULT_CLASSIFICATION_RULES)).toEqual(DEFAULT_CLASSIFICATION_RULES);
  });

  it('refuses complaints among the first-contact types and unknown fields', () => {
    const result = classificationRulesSchema.safeParse({
      ...DEFAULT_CLASSIFICATION_RULES,
      firstContact: { ...DEFAULT_CLASSIFICATION_RULES.firstContact, types: ['complaint'] },
      surprise: true,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['', 'firstContact.types.0']);
  });

  it('the default rules classify a realistic parsed contact', () => {
    const parsed = parseContactPayload({
      sourceSystem: 'hotline',
      externalId: 'call-9',
      channel: 'hotline',
      type: 'complaint',
      customer: { name: '王芳', phone: '13800138000' },
      subject: '快递三天没到',
      description: '我的快递三天没到，客服也没有回复。',
    });
    expect(classify(parsed, DEFAULT_CLASSIFICATION_RULES)).toMatchObject({
      category: 'logistics',
      priority: 'high',
      resolution: 'department',
    });
  });
});
