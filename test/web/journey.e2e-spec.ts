import type { BrowserContext, Locator, Page } from 'playwright-core';
import { eventually } from '../support/system';
import { Consoles, type ConsoleRole } from './support/consoles';

/**
 * One complaint taken through every console by clicking and typing, one browser profile per
 * person: CS records it, customer care's handler works it, CS confirms it with the customer,
 * management counts it, QA reads it without being able to act, and the auditor replays it.
 * The services' APIs are asked only at the end, whether the screens showed what was recorded.
 */

const AGENT = 'agent-journey';
const HANDLER = { id: 'care-yang', department: 'customer_care' } as const;
const OTHER_HANDLER = { id: 'billing-wu', department: 'billing' } as const;

describe('the consoles: one complaint from the front desk to the audit', () => {
  let consoles: Consoles;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    consoles = await Consoles.start();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    await consoles?.stop();
  });

  /** A person at their own browser, signed in through the sign-in form. */
  async function person(role: ConsoleRole, userId: string, department?: string): Promise<Page> {
    const { context, page } = await consoles.newPage();
    contexts.push(context);
    await consoles.signIn(page, role, userId, department);
    return page;
  }

  it('given a complaint recorded by CS, when it is handled, confirmed, counted and audited on the screens, then each role sees and may do only its part', async () => {
    // No billing, delivery or fault keyword and no suggested category: the default rules leave it
    // "general", which routes to customer care, a department whose handlers claim their tickets.
    const subject = `Rude staff at the counter ${consoles.system.suffix}`;
    const description = 'The clerk at the Xuhui service centre was rude to me and ignored my questions for twenty minutes.';

    // Customer care's handler has the queue open before the complaint exists.
    const handler = await person('department_handler', HANDLER.id, HANDLER.department);
    await handler.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();
    await handler.evaluate('window.notReloaded = true');

    // 1. CS records the complaint at the front desk.
    const cs = await person('cs', AGENT);
    const form = cs.getByRole('form', { name: 'Record a contact' });
    await form.getByLabel('Channel').selectOption('hotline');
    await form.getByLabel('Type').selectOption('complaint');
    await form.getByLabel('Name', { exact: true }).fill('Zhao Lei');
    await form.getByLabel('Phone', { exact: true }).fill('+86 138 0013 8000');
    await form.getByLabel('Subject').fill(subject);
    await form.getByLabel('Description').fill(description);
    await form.getByRole('button', { name: 'Record contact' }).click();
    const recorded = cs.getByTestId('recorded-ticket').filter({ hasText: subject });
    await recorded.waitFor();
    const ticketId = (await recorded.getAttribute('data-ticket-id'))!;
    expect(ticketId).toMatch(/^[0-9a-f-]{36}$/);
    await expectText(recorded, /handed over to a department/);
    await expectText(cs.getByRole('form', { name: 'Record a contact' }), /Handed over to the responsible department and to management/);

    // 2. The handler sees it arrive without a reload, claims it, reports progress and the result.
    const row = handler.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await handler.evaluate('window.notReloaded === true')).toBe(true);
    await expectText(row, /Complaint/);
    await row.getByRole('link', { name: subject }).click();
    const panel = handler.getByTestId('ticket-panel');
    await panel.waitFor();
    await expectText(panel, /ignored my questions for twenty minutes/);
    await panel.getByRole('button', { name: 'Claim this ticket' }).click();
    await expectText(panel.getByTestId('ticket-handler'), new RegExp(HANDLER.id));
    await expectText(panel.getByTestId('ticket-status'), /^In progress$/);
    await panel.getByLabel('Progress note').fill('Spoke with the centre manager; reviewing the counter recording of that afternoon.');
    await panel.getByRole('button', { name: 'Send progress update' }).click();
    await panel.getByText('Progress sent to CS.').waitFor();

    // 3. Management sees it among the complaints in flight and opens its history from there.
    const director = await person('management', 'director-journey');
    await director.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Management', exact: true }).click();
    await director.getByRole('link', { name: /Complaints in flight/ }).click();
    const inFlight = director.getByRole('link', { name: `History of ticket ${ticketId}` });
    await refreshUntil(director.getByRole('button', { name: 'Refresh' }), present(inFlight), 'the complaint among those in flight');
    expect(await director.getByTestId('complaints-in-flight').locator('tr', { has: inFlight }).textContent()).toContain(HANDLER.department);
    await consoles.screenshot(director, 'journey-management-complaints');
    await inFlight.click();
    await director.getByTestId('audit-timeline').waitFor();
    await expectText(director.locator('.audit-now'), /with department.*complaint/);

    // The result, with the apology, the corrective action and the cause a complaint requires.
    await panel.getByLabel('Result', { exact: true }).fill('The clerk was coached and apologised by phone; the customer’s questions were answered.');
    await panel.getByLabel('Apology to the customer (required for a complaint)').fill('We are sorry you were treated rudely and kept waiting.');
    await panel.getByLabel('Corrective action (required for a complaint)').fill('Counter staff now hand a waiting customer to a colleague after five minutes.');
    await panel.getByLabel('Cause of the complaint (required for a complaint)').selectOption({ label: 'Service attitude' });
    await panel.getByRole('button', { name: 'Report the result to CS' }).click();
    await expectText(panel.getByTestId('ticket-status'), /Result reported/);

    // 4. A handler of another department neither sees it in their queue nor may open its link.
    const outsider = await person('department_handler', OTHER_HANDLER.id, OTHER_HANDLER.department);
    await outsider.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();
    await outsider.getByLabel('Show').selectOption('all');
    await outsider.locator('[data-testid="queue-row"], [data-testid="queue-empty"]').first().waitFor();
    expect(await outsider.locator(`[data-ticket-id="${ticketId}"]`).count()).toBe(0);
    expect(await outsider.getByText(subject).count()).toBe(0);
    await outsider.goto(`/#/department/${HANDLER.department}/ticket/${ticketId}`);
    await expectText(outsider.getByTestId('ticket-refused'), /cannot open this ticket/);
    expect(await outsider.getByTestId('ticket-panel').count()).toBe(0);
    expect(await outsider.getByText(description).count()).toBe(0);

    // 5. CS finds the result in the follow-up worklist and records that the customer is satisfied.
    await cs.getByRole('navigation', { name: 'Customer service' }).getByRole('link', { name: /Follow-up worklist/ }).click();
    const waiting = cs.locator(`[data-testid="awaiting-confirmation"][data-ticket-id="${ticketId}"]`);
    await refreshUntil(cs.getByRole('button', { name: 'Refresh' }).first(), present(waiting), 'the result in the CS worklist');
    await expectText(waiting, /customer’s questions were answered/);
    expect(await waiting.textContent()).toContain(HANDLER.department);
    await waiting.getByRole('link', { name: /Follow up ticket/ }).click();
    const followup = cs.getByTestId('followup-panel');
    await expectText(followup, new RegExp(`${HANDLER.department} · ${HANDLER.id} · complaint`));
    await followup.getByLabel('Satisfied', { exact: true }).check();
    await followup.getByRole('button', { name: 'Record the customer’s answer' }).click();
    await cs.getByText(/closed: the customer is satisfied/).waitFor();

    // 6. Management's KPI dashboard counts it: one complaint, closed satisfied, put right by customer care.
    await director.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Management', exact: true }).click();
    await director.getByRole('link', { name: 'KPI dashboard' }).click();
    const counted = director.locator('.kpi-volume').filter({ hasText: /^1 tickets, 1 complaints, 1 closed/ });
    const putRight = director.getByTestId('complaint-causes').filter({ hasText: /1 complaints; 1 put right with a corrective action/ });
    await refreshUntil(director.getByRole('button', { name: 'Refresh' }), async () => (await present(counted)()) && (await present(putRight)()), 'the closed complaint in the KPIs');
    expect(await director.getByTestId('kpi-complaints').textContent()).toBe('1');
    expect(await director.getByTestId('kpi-satisfactionRate').locator('.kpi-card__actual').textContent()).toBe('100.0%');
    await expectText(director.getByText(/^Put right by:/), new RegExp(`${HANDLER.department} 1`));
    // Its cause, as the department chose it, by its label.
    expect(await director.getByTestId('complaint-causes').locator('tbody tr').first().locator('td').first().textContent()).toBe('Service attitude');
    await director.getByLabel('语言 / Language').selectOption('zh-CN');
    await expectText(director.getByTestId('complaint-causes').locator('tbody tr').first().locator('td').first(), /^服务态度$/);
    await consoles.screenshot(director, 'management-kpi-causes-zh');
    await director.getByLabel('语言 / Language').selectOption('en');

    // 7. QA reads its history but is offered no action, and an action sent from its page is refused.
    const inspector = await person('qa', 'inspector-journey');
    await inspector.getByTestId('qa-read-only').waitFor();
    await inspector.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Audit' }).click();
    await openHistory(inspector, ticketId);
    expect(await inspector.getByTestId('audit-timeline').locator('li.audit-event').count()).toBeGreaterThan(0);
    for (const name of [/claim/i, /assign/i, /transfer|pass/i, /result/i, /confirm|answer/i, /progress/i]) {
      expect([String(name), await inspector.getByRole('button', { name }).count()]).toEqual([String(name), 0]);
    }
    expect(await inspector.getByRole('link', { name: 'Verify' }).count()).toBe(0);
    const refusal = (await inspector.evaluate(`(async () => {
      const response = await fetch('/api/routing/v1/tickets/${ticketId}/claim', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: response.status, body: await response.json() };
    })()`)) as { status: number; body: { message?: string } };
    expect(refusal.status).toBe(403);
    expect(refusal.body.message).toBeTruthy();

    // 8. The auditor replays it: who did what in which role, who held it, how it stood before the result.
    const auditor = await person('auditor', 'auditor-journey');
    await openHistory(auditor, ticketId);
    const timeline = auditor.getByTestId('audit-timeline');
    const event = (type: string) => timeline.locator('li.audit-event', { has: auditor.locator('.audit-event__type', { hasText: new RegExp(`^${type}$`) }) }).first();
    await expectText(event('ContactRecorded'), new RegExp(`by ${AGENT} \\(Customer service agent\\)`));
    await expectText(event('TicketRouted'), new RegExp(HANDLER.department));
    for (const type of ['HandlerAssigned', 'ProgressReported', 'ResultReported']) {
      await expectText(event(type), new RegExp(`by ${HANDLER.id} \\(Department handler, ${HANDLER.department}\\)`));
    }
    await expectText(event('TicketClosed'), new RegExp(`by ${AGENT} \\(Customer service agent\\)`));

    await auditor.getByRole('link', { name: 'Handoff ledger' }).click();
    const holders = auditor.getByTestId('ledger-table').locator('tbody tr td:first-child');
    await holders.first().waitFor();
    expect(await holders.allTextContents()).toEqual([
      'Customer service (front desk)',
      `Department ${HANDLER.department}`,
      `${HANDLER.id} (${HANDLER.department})`,
      'Customer service (follow-up)',
    ]);
    expect(await auditor.getByTestId('ledger-table').getByText('still holding').count()).toBe(0);

    await auditor.getByRole('link', { name: 'State as of' }).click();
    const justAfter = auditor.getByLabel('Or just after an event');
    const progressAt = await justAfter.locator('option', { hasText: /— ProgressReported$/ }).getAttribute('value');
    await justAfter.selectOption(progressAt!);
    const state = auditor.getByTestId('audit-state');
    await state.waitFor();
    expect(await auditor.getByTestId('asof-stage').textContent()).toBe('With the department');
    expect(await auditor.getByTestId('asof-holder').textContent()).toBe(`${HANDLER.id} (${HANDLER.department})`);
    await expectText(state, new RegExp(`Responsible handler\\s*${HANDLER.id}`));
    await expectText(state, /Outcome\s*not closed/);
    await expectText(state, /resolution.*running/);
    await consoles.screenshot(auditor, 'journey-auditor-as-of');

    await auditor.getByRole('link', { name: 'Verify' }).click();
    await expectText(auditor.getByTestId('verify-verdict'), /^Chain intact: every one of the \d+ streams verifies/);

    // Cross-checks against the services: what the screens showed is what was recorded.
    const auditorApi = consoles.system.as({ token: consoles.system.token('auditor', 'auditor-journey') });
    await auditor.getByRole('link', { name: /^History/ }).click();
    // The stores are read when the auditor opens the ticket; should a service still have been
    // recording its part of the closure then, the auditor's reload must catch up with the API.
    const history = await eventually(async () => {
      const answer = (await auditorApi.get('evaluation', `/v1/tickets/${ticketId}/history`)).body;
      const shown = await timeline.locator('li.audit-event').count();
      if (shown === answer.entries.length) return answer;
      await auditor.reload();
      await timeline.waitFor();
      return false;
    }, 'the history on the screen to have as many events as the API gives', 15_000);
    expect(await auditor.getByRole('link', { name: /^History/ }).textContent()).toContain(String(history.entries.length));
    const csApi = consoles.system.as({ token: consoles.system.token('cs', AGENT) });
    expect((await csApi.get('followup', `/v1/tickets/${ticketId}`)).body).toMatchObject({ status: 'closed', outcome: 'satisfied' });
    // QA's refused claim left no trace: the one claim on record is the handler's, and nothing is QA's.
    const claims = history.entries.filter((entry: { type: string }) => entry.type === 'HandlerAssigned');
    expect(claims.map((entry: { actorId: string; department: string }) => [entry.actorId, entry.department])).toEqual([[HANDLER.id, HANDLER.department]]);
    expect(history.entries.filter((entry: { role: string }) => entry.role === 'qa')).toEqual([]);
  });
});

/** Opens a ticket's audit history by typing its id, as a person given the id would. */
async function openHistory(page: Page, ticketId: string): Promise<void> {
  await page.getByLabel('Ticket id').fill(ticketId);
  await page.getByRole('button', { name: 'Open history' }).click();
  await page.getByTestId('audit-timeline').waitFor();
}

/**
 * Presses the screen's Refresh until `shown` holds: the worklist, the KPIs and the open-ticket
 * list are read models that follow the topics, a moment behind the command.
 */
async function refreshUntil(refresh: Locator, shown: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      if (await shown()) return true;
      await refresh.click();
      // The answer to the refresh, or a moment's pause before the next one.
      await refresh.page().waitForResponse((response) => response.url().includes('/api/'), { timeout: 1_500 }).catch(() => undefined);
      return shown();
    },
    what,
    timeoutMs,
  );
}

const present = (target: Locator) => async () => (await target.count()) > 0;

async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  await eventually(async () => pattern.test((await locator.textContent({ timeout: 2_000 })) ?? ''), `${locator.toString()} to match ${pattern}`, 15_000);
}
