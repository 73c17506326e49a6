import { compareUrgency, DEFAULT_QUEUE_ORDER, queueOrderSchema, urgencyKeyOf, type QueueOrderPolicy } from './queue-order';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const inHours = (hours: number) => new Date(NOW + hours * 3_600_000);
const ticket = (ticketId: string, priority: string, dueInHours: number | null) => ({
  ticketId,
  priority,
  nextDueAt: dueInHours === null ? null : inHours(dueInHours),
});
const ordered = (policy: QueueOrderPolicy, tickets: ReturnType<typeof ticket>[]) =>
  [...tickets].sort((a, b) => compareUrgency(urgencyKeyOf(policy, a), urgencyKeyOf(policy, b))).map((t) => t.ticketId);

describe('the urgency order of a department queue', () => {
  it('puts a high-priority complaint due in 3 h above a low-priority suggestion due in 1 h by default', () => {
    expect(ordered(DEFAULT_QUEUE_ORDER, [ticket('low-suggestion', 'low', 1), ticket('high-complaint', 'high', 3)])).toEqual([
      'high-complaint',
      'low-suggestion',
    ]);
  });

  it('still lets a long-overdue low ticket climb above a high one due tomorrow', () => {
    expect(ordered(DEFAULT_QUEUE_ORDER, [ticket('high-tomorrow', 'high', 24), ticket('low-overdue', 'low', -5)])).toEqual([
      'low-overdue',
      'high-tomorrow',
    ]);
  });

  it('orders by priority first, then deadline, when configured so', () => {
    const policy = queueOrderSchema.parse({ mode: 'priority_then_deadline' });
    expect(
      ordered(policy, [ticket('low-overdue', 'low', -5), ticket('normal-soon', 'normal', 1), ticket('urgent-late', 'urgent', 48), ticket('normal-sooner', 'normal', 0.5)]),
    ).toEqual(['urgent-late', 'normal-sooner', 'normal-soon', 'low-overdue']);
  });

  it('puts tickets with no running clock last, in ticket id order, and breaks ties by ticket id', () => {
    expect(ordered(DEFAULT_QUEUE_ORDER, [ticket('b-closed', 'urgent', null), ticket('a-closed', 'low', null), ticket('d', 'normal', 2), ticket('c', 'normal', 2)])).toEqual([
      'c',
      'd',
      'a-closed',
      'b-closed',
    ]);
  });

  it('refuses a negative head start naming the priority', () => {
    const parsed = queueOrderSchema.safeParse({ mode: 'deadline_with_priority_lead', leadMinutes: { urgent: 1, high: -1, normal: 0, low: 0 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['leadMinutes', 'high']);
  });
});
