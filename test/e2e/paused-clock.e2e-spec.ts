import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * The paused resolution clock over HTTP and Kafka with the four services running: a handler pauses
 * it while waiting on the customer; the sweep neither warns nor breaches while it is paused, and
 * resumes it at the policy's maximum pause with the deadline moved by the pause; a handler's own
 * resume moves it by the time paused; the KPIs leave the paused time out; a new priority re-targets
 * the deadlines from the round's start without losing the time paused.
 *
 * Deadlines count clock time here (the default counts business hours, and a test run at night
 * would move nothing): resolution in 240 minutes, 60 when urgent; the longest pause 600 minutes.
 */
const MINUTE = 60_000;
const MAX_PAUSE = 600;
const directory = mkdtempSync(join(tmpdir(), 'paused-clock-'));
const policyFile = (name: string, content: unknown) => {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

interface QueueRow {
  readonly ticketId: string;
  readonly priority: string;
  readonly overdue: boolean;
  readonly paused: { since: string; reason: string; note: string | null; resumeBy: string } | null;
  readonly deadlines: { from: string; resolutionDueAt: string; running: string[] };
  readonly escalation: { resolution: string; breached: boolean };
}

describe('the paused resolution clock', () => {
  let system: TestSystem;
  let management: ReturnType<TestSystem['as']>;
  let guo: ReturnType<TestSystem['as']>;
  let xu: ReturnType<TestSystem['as']>;
  let cs: ReturnType<TestSystem['as']>;

  beforeAll(async () => {
    system = await TestSystem.start({
      ALLOW_CLOCK_OVERRIDE: 'true',
      DEADLINE_POLICY_FILE: policyFile('deadlines.json', {
        version: 'e2e-clock-1',
        firstResponseMinutes: { default: 30 },
        resolutionMinutes: { default: 240, byPriority: { urgent: 60 } },
        countIn: 'clock',
      }),
      ESCALATION_POLICY_FILE: policyFile('escalation.json', {
        managementAfterMinutes: { first_response: 60, resolution: 240 },
        warnBeforeMinutes: { first_response: 10, resolution: 30 },
        maxPauseMinutes: MAX_PAUSE,
      }),
    });
    management = system.as({ token: system.token('management', 'director-1') });
    guo = system.as({ token: system.token('department_handler', 'product-guo', 'product') });
    xu = system.as({ token: system.token('department_manager', 'product-manager-xu', 'product') });
    cs = system.as({ token: system.token('cs', 'agent-1') });
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Product feedback, claimed by product-guo, who gives the department's first response. */
  async function claimedFeedback(subject: string): Promise<string> {
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'feedback', subject, description: `${subject}: please look into it.` }));
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    await eventually(async () => (await guo.get('routing', `/v1/tickets/${ticketId}`)).body?.department === 'product', 'the ticket to reach product');
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Asking the customer for the report file.' })).status).toBe(200);
    return ticketId;
  }

  const queueRow = (ticketId: string, where: (row: QueueRow) => boolean, what: string): Promise<QueueRow> =>
    eventually(async () => {
      const page = await xu.get('routing', '/v1/departments/product/queue?limit=500');
      const row = (page.body.items as QueueRow[]).find((item) => item.ticketId === ticketId);
      return row && where(row) ? row : undefined;
    }, what);
  const sweep = async (asOf: number, ticketId: string): Promise<string[]> => {
    const swept = await management.post('routing', '/v1/deadlines/check', { asOf: new Date(asOf).toISOString() });
    expect(swept.status).toBe(200);
    return (swept.body.changed as { ticketId: string; events: string[] }[]).find((change) => change.ticketId === ticketId)?.events ?? [];
  };

  it('pauses with a reason; the sweep neither warns nor breaches while paused, then resumes it at the maximum pause with the deadline moved', async () => {
    const ticketId = await claimedFeedback('Report export');
    const before = (await guo.get('routing', `/v1/tickets/${ticketId}`)).body;
    const dueAt = Date.parse(before.deadlines.resolutionDueAt);

    // A reason not on the list is refused in the caller's language, naming the field, and nothing is written.
    for (const [language, sentence] of [
      ['en', 'The reason must be one of: waiting_on_customer, waiting_on_third_party.'],
      ['zh-CN', '原因必须是以下之一：waiting_on_customer、waiting_on_third_party。'],
    ] as const) {
      const refused = await guo.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'lunch' }, { 'accept-language': language });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'reason', message: sentence }]);
    }
    expect((await guo.get('routing', `/v1/tickets/${ticketId}`)).body).toMatchObject({ paused: null, version: before.version });
    // Another handler of the department may not pause a colleague's ticket.
    expect((await system.as({ token: system.token('department_handler', 'product-li', 'product') }).post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_customer' })).status).toBe(403);

    const paused = await guo.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_customer', note: 'The customer sends the report file.' });
    expect(paused.status).toBe(200);
    const since = Date.parse(paused.body.paused.since);
    expect(paused.body.paused).toEqual({
      since: paused.body.paused.since,
      reason: 'waiting_on_customer',
      note: 'The customer sends the report file.',
      resumeBy: new Date(since + MAX_PAUSE * MINUTE).toISOString(),
    });
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_third_party' })).status).toBe(409);

    // The queue row shows it paused: since when, why; no resolution clock runs and nothing is overdue.
    const row = await queueRow(ticketId, (found) => found.paused !== null, 'the paused row');
    expect(row.paused).toEqual(paused.body.paused);
    expect(row.deadlines.running).toEqual([]);

    // Past the resolution deadline, within the maximum pause: no warning, no breach.
    expect(await sweep(dueAt - 10 * MINUTE, ticketId)).toEqual([]);
    expect(await sweep(dueAt + MINUTE, ticketId)).toEqual([]);
    expect((await xu.get('routing', `/v1/departments/product/queue?limit=500&overdue=true`)).body.items.map((item: QueueRow) => item.ticketId)).not.toContain(ticketId);
    expect((await guo.get('routing', `/v1/tickets/${ticketId}`)).body.escalations).toEqual({ first_response: 'none', resolution: 'none' });

    // Forgotten: the sweep resumes it at the maximum pause (not when it came), the deadline moved by the whole pause.
    expect(await sweep(since + (MAX_PAUSE + 30) * MINUTE, ticketId)).toEqual(['ResolutionClockResumed']);
    const movedDue = dueAt + MAX_PAUSE * MINUTE;
    const resumed = await queueRow(ticketId, (found) => found.paused === null, 'the resumed row');
    expect(Date.parse(resumed.deadlines.resolutionDueAt)).toBe(movedDue);
    expect(resumed.deadlines.running).toEqual(['resolution']);
    const after = (await guo.get('routing', `/v1/tickets/${ticketId}`)).body;
    expect(after).toMatchObject({ paused: null, pausedMinutesThisRound: MAX_PAUSE });

    // The moved deadline is the one warned of and breached.
    expect(await sweep(movedDue - 20 * MINUTE, ticketId)).toEqual(['DeadlineApproaching']);
    expect(await sweep(movedDue + MINUTE, ticketId)).toEqual(['DeadlineBreached', 'TicketEscalated']);

    // Everyone reads the pause in the conversation, its reason as a code for their own language and the note as written.
    const entries = await eventually(async () => {
      const found = (await cs.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body?.entries as { type: string; words: Record<string, string>; clock?: Record<string, unknown> }[] | undefined;
      return found?.some((entry) => entry.type === 'DeadlineBreached') ? found : undefined;
    }, 'the conversation with the pause');
    expect(entries.filter((entry) => entry.type.startsWith('ResolutionClock')).map((entry) => [entry.type, entry.words, entry.clock])).toEqual([
      [
        'ResolutionClockPaused',
        { note: 'The customer sends the report file.' },
        { reason: 'waiting_on_customer', resumeBy: paused.body.paused.resumeBy, resolutionDueAt: new Date(dueAt).toISOString() },
      ],
      // A sweep someone asked for says so; the timer's own sweeps give no reason.
      ['ResolutionClockResumed', { reason: 'deadline check requested by director-1' }, { reason: 'waiting_on_customer', trigger: 'limit', pausedMinutes: MAX_PAUSE, resolutionDueAt: new Date(movedDue).toISOString() }],
    ]);
  });

  it('resumes on the customer’s answer, recorded by CS who took the call; the handler hears of it and everyone reads it', async () => {
    const ticketId = await claimedFeedback('Dashboard filters');
    const dueAt = Date.parse((await guo.get('routing', `/v1/tickets/${ticketId}`)).body.deadlines.resolutionDueAt);
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_customer', note: 'Which dashboard?' })).status).toBe(200);
    // An empty answer is refused naming the field, and nothing is written.
    const empty = await cs.post('routing', `/v1/tickets/${ticketId}/customer-answer`, { answer: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.fields.map((field: { field: string }) => field.field)).toEqual(['answer']);
    // Another department may not write on product's ticket.
    const billing = system.as({ token: system.token('department_handler', 'billing-wu', 'billing') });
    expect((await billing.post('routing', `/v1/tickets/${ticketId}/customer-answer`, { answer: 'nothing' })).status).toBe(403);

    const answered = await cs.post('routing', `/v1/tickets/${ticketId}/customer-answer`, { answer: 'The sales dashboard, since Monday.' });
    expect(answered.status).toBe(200);
    expect(answered.body.paused).toBeNull();
    const timeline = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body;
      return found?.entries?.some((entry: { type: string }) => entry.type === 'ResolutionClockResumed') ? found : undefined;
    }, 'the resumption in the timeline');
    const resumed = timeline.entries.find((entry: { type: string }) => entry.type === 'ResolutionClockResumed');
    expect(resumed.data).toMatchObject({ trigger: 'customer', reason: 'waiting_on_customer' });
    const pausedMs = Date.parse(resumed.data.resumedAt) - Date.parse(resumed.data.pausedAt);
    expect(Date.parse(answered.body.deadlines.resolutionDueAt)).toBe(dueAt + pausedMs);

    // The department reads the answer in the conversation as the customer's, recorded by CS.
    const entries = await eventually(async () => {
      const found = (await guo.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body?.entries as { type: string; kind: string; actor: { id: string }; words: Record<string, string> }[] | undefined;
      return found?.some((entry) => entry.type === 'CustomerAnswered') ? found : undefined;
    }, 'the answer in the conversation');
    expect(entries.find((entry) => entry.type === 'CustomerAnswered')).toMatchObject({ kind: 'customer', actor: { id: 'agent-1' }, words: { answer: 'The sales dashboard, since Monday.' } });
    // The responsible handler is told by name.
    await eventually(async () => {
      const told = (await guo.get('evaluation', '/v1/notifications')).body?.items as { kind: string; ticketId: string }[] | undefined;
      return told?.some((item) => item.kind === 'customer_answered' && item.ticketId === ticketId) || undefined;
    }, 'the handler told of the answer');
  });

  it('resumes on the handler’s word with the deadline moved by the time paused, and the KPIs leave the paused time out', async () => {
    const ticketId = await claimedFeedback('Chart colours');
    const dueAt = Date.parse((await guo.get('routing', `/v1/tickets/${ticketId}`)).body.deadlines.resolutionDueAt);
    const paused = await xu.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_third_party', note: 'The chart library’s maintainers.' });
    expect(paused.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const resumed = await guo.post('routing', `/v1/tickets/${ticketId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBeNull();
    const timeline = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body;
      return found?.entries?.some((entry: { type: string }) => entry.type === 'ResolutionClockResumed') ? found : undefined;
    }, 'the resumption in the timeline');
    const resumedEvent = timeline.entries.find((entry: { type: string }) => entry.type === 'ResolutionClockResumed');
    const pausedMs = Date.parse(resumedEvent.data.resumedAt) - Date.parse(resumedEvent.data.pausedAt);
    expect(pausedMs).toBeGreaterThanOrEqual(1500);
    expect(resumedEvent.data).toMatchObject({ trigger: 'handler', reason: 'waiting_on_third_party', pausedMinutes: pausedMs / MINUTE });
    expect(Date.parse(resumed.body.deadlines.resolutionDueAt)).toBe(dueAt + pausedMs);
    // Resuming again records nothing.
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/resume`)).status).toBe(200);

    // The result, the customer's confirmation, and the figures.
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'The colours follow the theme now.' })).status).toBe(200);
    await eventually(async () => {
      const page = await cs.get('followup', '/v1/followups?arrived=result&limit=200');
      return page.body.items.some((item: { ticketId: string }) => item.ticketId === ticketId);
    }, 'the result to reach CS');
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);
    const closed = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body;
      return found?.lifecycle?.outcome === 'satisfied' ? found.lifecycle : undefined;
    }, 'the ticket closed');
    const gross = (Date.parse(closed.resolvedAt) - Date.parse(closed.openedAt)) / MINUTE;
    expect(closed.pausedMinutes).toBeCloseTo(pausedMs / MINUTE, 6);
    expect(closed.resolutionMinutes).toBeCloseTo(gross - pausedMs / MINUTE, 6);
    expect(closed.resolutionDeadlineMet).toBe(true);

    // The only ticket closed satisfied in this system: the KPI's resolution time is its time without the pause.
    const kpis = await management.get('evaluation', '/v1/kpis');
    expect(kpis.status).toBe(200);
    expect(kpis.body.total.figures.resolutionMinutes.median).toBeCloseTo(gross - pausedMs / MINUTE, 3);
    // Recomputed under today's policy, the pause moves the recomputed deadline too: still met.
    const now = await management.get('evaluation', '/v1/kpis?policy=now');
    expect(now.body.total.figures.resolutionDeadline.met).toBeGreaterThanOrEqual(1);
  });

  it('re-targets the deadlines when the priority changes, counted from the round’s start and past the time paused', async () => {
    const ticketId = await claimedFeedback('Dark mode');
    const start = Date.parse((await guo.get('routing', `/v1/tickets/${ticketId}`)).body.deadlines.from);
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_customer' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const resumed = await guo.post('routing', `/v1/tickets/${ticketId}/resume`);
    const pausedMs = Date.parse(resumed.body.deadlines.resolutionDueAt) - (start + 240 * MINUTE);
    expect(pausedMs).toBeGreaterThanOrEqual(1000);

    // A handler may not; the manager must say why (in the caller's language); then the ticket is urgent.
    expect((await guo.post('routing', `/v1/tickets/${ticketId}/priority`, { priority: 'urgent', reason: 'a hospital' })).status).toBe(403);
    const unexplained = await xu.post('routing', `/v1/tickets/${ticketId}/priority`, { priority: 'urgent', reason: ' ' }, { 'accept-language': 'zh-CN' });
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.fields).toEqual([{ field: 'reason', message: '请填写原因。' }]);
    const changed = await xu.post('routing', `/v1/tickets/${ticketId}/priority`, { priority: 'urgent', reason: 'The customer is a hospital.' });
    expect(changed.status).toBe(200);
    const urgentDue = start + 60 * MINUTE + pausedMs;
    expect(changed.body).toMatchObject({ priority: 'urgent', deadlines: { from: new Date(start).toISOString(), resolutionDueAt: new Date(urgentDue).toISOString() } });
    const row = await queueRow(ticketId, (found) => found.priority === 'urgent', 'the urgent row');
    expect(Date.parse(row.deadlines.resolutionDueAt)).toBe(urgentDue);

    // The sweep judges the round by the new deadline.
    expect(await sweep(urgentDue + MINUTE, ticketId)).toEqual(['DeadlineBreached', 'TicketEscalated']);
    const conversation = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body?.entries as { type: string; words: Record<string, string>; clock?: unknown }[] | undefined;
      return found?.find((entry) => entry.type === 'PriorityChanged');
    }, 'the priority change in the conversation');
    expect(conversation).toMatchObject({ words: { reason: 'The customer is a hospital.' }, clock: { priority: 'urgent', previousPriority: 'low' } });
  });
});
