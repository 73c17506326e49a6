import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';
import { tabTo, unlabelledControls } from './support/accessibility';

/**
 * The CS and department consoles in headless Chromium: every step under test is a click or a
 * keystroke on the screens; the API is only asked afterwards what was (not) recorded.
 */
/**
 * Deadlines by the clock, so a test need not wait for business hours: an hour for a first
 * response, except a suggestion's, which is due within a minute and so goes overdue while the
 * other tests run.
 */
const DEADLINE_POLICY = {
  version: 'e2e-consoles',
  firstResponseMinutes: { default: 60, byType: { suggestion: 1 } },
  resolutionMinutes: { default: 24 * 60 },
  countIn: 'clock',
};

let consoles: Consoles;
let lateTicket: { ticketId: string; subject: string };
beforeAll(async () => {
  const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'handoff-cs-department-')), 'deadlines.json');
  writeFileSync(policyFile, JSON.stringify(DEADLINE_POLICY));
  consoles = await Consoles.start({ DEADLINE_POLICY_FILE: policyFile, DEADLINE_CHECK_INTERVAL_MS: '2000' });
  // Opened first, as an upstream system would, so its minute runs out while the other tests run.
  const subject = `Dark mode for the app ${consoles.system.suffix}`;
  const response = await consoles.system
    .as({ apiKey: UPSTREAM_KEY })
    .post('intake', '/v1/contacts', contact({ type: 'suggestion', subject, description: 'Please add a dark mode to the mobile app.' }));
  expect(response.status).toBe(201);
  lateTicket = { ticketId: response.body.ticketId, subject };
});
afterAll(async () => {
  await consoles?.stop();
});

describe('the CS and department consoles: a contact from the front window to the department and back', () => {
  it('given a handler watching the queue, when CS records a contact, then it arrives live, is handled, confirmed satisfied, and stays hidden from another department', async () => {
    const management = consoles.system.as({ token: consoles.system.token('management', 'director-1') });
    const csApi = consoles.system.as({ token: consoles.system.token('cs', 'agent-li') });
    const subject = `Export to spreadsheet ${consoles.system.suffix}`;
    const cs = await consoles.newPage();
    const handler = await consoles.newPage();
    try {
      // The product handler has the queue open before the contact exists.
      await consoles.signIn(handler.page, 'department_handler', 'product-guo', 'product');
      await handler.page.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();
      await handler.page.evaluate('window.notReloaded = true');

      // CS records a contact with an invalid phone: the error stands next to the phone field.
      await consoles.signIn(cs.page, 'cs', 'agent-li');
      const form = cs.page.getByRole('form', { name: 'Record a contact' });
      await form.getByLabel('Channel').selectOption('hotline');
      await form.getByLabel('Type').selectOption('feedback');
      await form.getByLabel('Name', { exact: true }).fill('Wang Fang');
      await form.getByLabel('Phone', { exact: true }).fill('12');
      await form.getByLabel('Subject').fill(subject);
      await form.getByLabel('Description').fill('The monthly report should export to a spreadsheet, with the totals row.');
      await form.getByRole('button', { name: 'Record contact' }).click();
      const phoneError = fieldError(cs.page, 'Phone');
      await phoneError.waitFor();
      expect(await phoneError.textContent()).toMatch(/phone number/);
      expect(await form.getByLabel('Phone', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await consoles.screenshot(cs.page, 'cs-contact-invalid');
      expect(await fieldError(cs.page, 'Subject').count()).toBe(0);
      expect(await cs.page.getByTestId('recorded-ticket').count()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const before = await management.get('routing', '/v1/departments/product/queue?limit=500');
      expect(before.body.items.filter((row: { subject: string }) => row.subject === subject)).toEqual([]);

      // Corrected, it is recorded and handed over.
      await form.getByLabel('Phone', { exact: true }).fill('+86 139 1234 5678');
      await form.getByRole('button', { name: 'Record contact' }).click();
      const recorded = cs.page.getByTestId('recorded-ticket').first();
      await recorded.waitFor();
      const ticketId = (await recorded.getAttribute('data-ticket-id'))!;
      expect(ticketId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await recorded.textContent()).toMatch(/handed over to a department/);
      expect(await fieldError(cs.page, 'Phone').count()).toBe(0);
      await consoles.screenshot(cs.page, 'cs-contact');
      expect(await unlabelledControls(cs.page)).toEqual([]);

      // The handler's queue shows it without a reload, its deadline counting down.
      const row = handler.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await handler.page.evaluate('window.notReloaded === true')).toBe(true);
      expect(await row.textContent()).toContain(subject);
      const countdown = row.getByTestId('countdown');
      const first = await countdown.textContent();
      expect(first).toMatch(/due in \d/);
      await expectChange(countdown, first);
      await consoles.screenshot(handler.page, 'department-queue');
      expect(await unlabelledControls(handler.page)).toEqual([]);

      const phone = await consoles.newPage({ width: 390, height: 844 });
      try {
        await consoles.signIn(phone.page, 'department_handler', 'product-guo', 'product');
        await phone.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).waitFor();
        const overflow = await horizontalOverflow(phone.page);
        expect(overflow).toBeLessThanOrEqual(0);
        await consoles.screenshot(phone.page, 'department-queue-phone');
      } finally {
        await phone.context.close();
      }

      // The handler claims it, reports progress and the result.
      // By keyboard alone: Tab to the ticket, open it, Tab on to Claim.
      await tabTo(handler.page, row.getByRole('link', { name: subject }));
      await handler.page.keyboard.press('Enter');
      const panel = handler.page.getByTestId('ticket-panel');
      await panel.waitFor();
      await expectText(panel, /The monthly report should export to a spreadsheet/);
      expect(await unlabelledControls(handler.page)).toEqual([]);
      await tabTo(handler.page, panel.getByRole('button', { name: 'Claim this ticket' }), 20);
      await handler.page.keyboard.press('Enter');
      await expectText(panel.getByTestId('ticket-handler'), /product-guo/);
      await panel.getByLabel('Progress note').fill('Reproduced; the export is being added to the report page.');
      await panel.getByRole('button', { name: 'Send progress update' }).click();
      await panel.getByText('Progress sent to CS.').waitFor();
      await panel.getByLabel('Result', { exact: true }).fill('The report now has an “Export to spreadsheet” button, totals row included.');
      await consoles.screenshot(handler.page, 'department-ticket');
      await panel.getByRole('button', { name: 'Report the result to CS' }).click();
      await expectText(panel.getByTestId('ticket-status'), /Result reported/);

      // Another department's handler neither sees it nor can open it.
      const other = await consoles.newPage();
      try {
        await consoles.signIn(other.page, 'department_handler', 'billing-wu', 'billing');
        await other.page.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();
        await other.page.getByLabel('Show').selectOption('all');
        await other.page.locator('[data-testid="queue-row"], [data-testid="queue-empty"]').first().waitFor();
        expect(await other.page.locator(`[data-ticket-id="${ticketId}"]`).count()).toBe(0);
        await other.page.goto(`/#/department/billing/ticket/${ticketId}`);
        const refused = other.page.getByTestId('ticket-refused');
        await refused.waitFor();
        expect(await refused.textContent()).toMatch(/cannot open this ticket/);
        expect(await other.page.getByTestId('ticket-panel').count()).toBe(0);
      } finally {
        await other.context.close();
      }

      // CS finds the result in the worklist and confirms the customer is satisfied.
      await cs.page.getByRole('navigation', { name: 'Customer service' }).getByRole('link', { name: /Follow-up worklist/ }).click();
      const waiting = cs.page.locator(`[data-testid="awaiting-confirmation"][data-ticket-id="${ticketId}"]`);
      await eventually(async () => {
        if (await waiting.count()) return true;
        await cs.page.getByRole('button', { name: 'Refresh' }).first().click();
        await new Promise((resolve) => setTimeout(resolve, 700));
        return false;
      }, 'the result in the CS worklist', 30_000);
      expect(await waiting.textContent()).toMatch(/totals row included/);
      await waiting.getByRole('link', { name: /Follow up ticket/ }).click();
      const followup = cs.page.getByTestId('followup-panel');
      await followup.waitFor();
      await followup.getByRole('button', { name: 'Show contact details' }).click();
      await followup.getByRole('link', { name: '+86 139 1234 5678' }).waitFor();
      await consoles.screenshot(cs.page, 'cs-worklist');
      expect(await unlabelledControls(cs.page)).toEqual([]);
      await followup.getByLabel('Satisfied', { exact: true }).check();
      await followup.getByRole('button', { name: 'Record the customer’s answer' }).click();
      await cs.page.getByText(/closed: the customer is satisfied/).waitFor();
      const state = await csApi.get('followup', `/v1/tickets/${ticketId}`);
      expect(state.body).toMatchObject({ status: 'closed', outcome: 'satisfied' });
      await eventually(async () => (await waiting.count()) === 0, 'the ticket to leave the worklist', 20_000);

      // The CS screen fits a phone: nothing wider than the screen.
      const csPhone = await consoles.newPage({ width: 390, height: 844 });
      try {
        await consoles.signIn(csPhone.page, 'cs', 'agent-li');
        await csPhone.page.getByRole('form', { name: 'Record a contact' }).waitFor();
        expect(await horizontalOverflow(csPhone.page)).toBeLessThanOrEqual(0);
        await consoles.screenshot(csPhone.page, 'cs-contact-phone');
      } finally {
        await csPhone.context.close();
      }
    } finally {
      await cs.context.close();
      await handler.context.close();
    }
  });
});

describe('the department console: complaints, passes between departments, assignment', () => {
  /** Opens a ticket as an upstream system would (not the step under test) and waits for its handler. */
  async function routed(overrides: Record<string, unknown>, department: string): Promise<{ ticketId: string; handlerId: string }> {
    const upstream = consoles.system.as({ apiKey: UPSTREAM_KEY });
    const management = consoles.system.as({ token: consoles.system.token('management', 'director-1') });
    const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
    expect(response.status).toBe(201);
    const ticketId: string = response.body.ticketId;
    const row = await eventually(async () => {
      const queue = await management.get('routing', `/v1/departments/${department}/queue?limit=500`);
      return queue.body.items?.find((item: { ticketId: string; handlerId: string | null }) => item.ticketId === ticketId && item.handlerId);
    }, `${ticketId} assigned in ${department}`);
    return { ticketId, handlerId: row.handlerId };
  }

  it('given a complaint, when its result lacks an apology, a corrective action and a cause, then each is refused next to its field until given', async () => {
    const { ticketId, handlerId } = await routed({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' }, 'billing');
    const { context, page } = await consoles.newPage();
    try {
      await consoles.signIn(page, 'department_handler', handlerId, 'billing');
      await page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).getByRole('link').click();
      const panel = page.getByTestId('ticket-panel');
      await panel.getByLabel('Result', { exact: true }).fill('The duplicate charge was refunded.');
      await panel.getByRole('button', { name: 'Report the result to CS' }).click();
      const apology = fieldError(page, 'Apology to the customer (required for a complaint)');
      await apology.waitFor();
      expect(await apology.textContent()).toMatch(/apologise/);
      expect(await fieldError(page, 'Corrective action (required for a complaint)').textContent()).toMatch(/corrective action/);
      // The cause is chosen from the taxonomy: the refusal beside the selector lists the codes.
      expect(await fieldError(page, 'Cause of the complaint (required for a complaint)').textContent()).toMatch(/must be one of: response_speed, .*billing_error/);
      expect(await panel.getByTestId('ticket-status').textContent()).toBe('In progress');
      await consoles.screenshot(page, 'department-result-cause');
      // The causes are labelled in the console's language.
      await page.getByLabel('语言 / Language').selectOption('zh-CN');
      await panel.getByLabel('投诉原因（投诉必填）').locator('option', { hasText: '计费错误' }).waitFor({ state: 'attached' });
      // Sent again in Chinese: the service's refusals come back in the console's language.
      await panel.getByRole('button', { name: '提交处理结果' }).click();
      await expectText(fieldError(page, '致客户的道歉（投诉必填）'), /请填写致歉说明/);
      await expectText(fieldError(page, '整改措施（投诉必填）'), /请填写整改措施/);
      await expectText(fieldError(page, '投诉原因（投诉必填）'), /response_speed/);
      await consoles.screenshot(page, 'department-result-cause-zh');
      await page.getByLabel('语言 / Language').selectOption('en');

      await panel.getByLabel('Apology to the customer (required for a complaint)').fill('We are sorry for charging you twice.');
      await panel.getByLabel('Corrective action (required for a complaint)').fill('Payment retries now check for an existing capture first.');
      await panel.getByLabel('Cause of the complaint (required for a complaint)').selectOption({ label: 'Billing error' });
      await panel.getByRole('button', { name: 'Report the result to CS' }).click();
      await expectText(panel.getByTestId('ticket-status'), /Result reported/);
    } finally {
      await context.close();
    }
  });

  it('given a pass to another department, when that department accepts it, then it joins their queue live and management names its handler', async () => {
    const { ticketId, handlerId } = await routed({ subject: 'Refund for a lost parcel', description: 'The courier lost my parcel; may I have a refund?' }, 'billing');
    const billing = await consoles.newPage();
    const logistics = await consoles.newPage();
    const director = await consoles.newPage();
    try {
      await consoles.signIn(logistics.page, 'department_handler', 'logistics-he', 'logistics');
      await logistics.page.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();

      await consoles.signIn(billing.page, 'department_handler', handlerId, 'billing');
      await billing.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).getByRole('link').click();
      const panel = billing.page.getByTestId('ticket-panel');
      await panel.getByRole('button', { name: 'Pass to department' }).click();
      await fieldError(billing.page, 'Reason for passing it on').waitFor();
      await panel.getByLabel('Department', { exact: true }).selectOption('logistics');
      await panel.getByLabel('Reason for passing it on').fill('The parcel was lost in delivery: logistics settles it.');
      await panel.getByRole('button', { name: 'Pass to department' }).click();
      await panel.getByText(/Offered to logistics/).first().waitFor();

      const offer = logistics.page.locator(`[data-testid="incoming-transfer"][data-ticket-id="${ticketId}"]`);
      await offer.waitFor({ timeout: 30_000 });
      expect(await offer.textContent()).toContain('The parcel was lost in delivery');
      await offer.getByRole('button', { name: 'Accept the ticket' }).click();
      await logistics.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).waitFor({ timeout: 30_000 });
      await eventually(async () => (await offer.count()) === 0, 'the offer to leave the list');

      await consoles.signIn(director.page, 'management', 'director-1');
      await director.page.getByLabel('Department', { exact: true }).selectOption('logistics');
      await director.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).getByRole('link').click();
      const managed = director.page.getByTestId('ticket-panel');
      await managed.getByLabel('Handler', { exact: true }).selectOption('logistics-ma');
      // Taking it from the handler logistics' strategy named needs a reason on the record.
      await managed.getByLabel('Reason (needed when someone holds it)').fill('logistics-ma knows this courier');
      await managed.getByRole('button', { name: 'Assign' }).click();
      await expectText(managed.getByTestId('ticket-handler'), /logistics-ma/);
    } finally {
      await Promise.all([billing.context.close(), logistics.context.close(), director.context.close()]);
    }
  });
});

describe('the CS console: a simple question answered at once, then followed up', () => {
  it('given a consultation answered at first contact, when the customer cannot be reached and then objects, then the attempt counts and the objection is required', async () => {
    const { context, page } = await consoles.newPage();
    const subject = `Opening hours ${consoles.system.suffix}`;
    try {
      await consoles.signIn(page, 'cs', 'agent-zhang');
      const form = page.getByRole('form', { name: 'Record a contact' });
      await form.getByLabel('Channel').selectOption('on_site');
      await form.getByLabel('Name', { exact: true }).fill('Li Na');
      await form.getByLabel('E-mail').fill('li.na@example.com');
      await form.getByLabel('Subject').fill(subject);
      await form.getByLabel('Description').fill('When is the service centre open on Sundays?');
      await form.getByRole('button', { name: 'Record contact' }).click();
      const recorded = page.getByTestId('recorded-ticket').first();
      await expectText(recorded, /waiting for your answer/);
      const ticketId = (await recorded.getAttribute('data-ticket-id'))!;
      await recorded.getByLabel('Answer given to the customer').fill('We are open 09:00–17:00 on Sundays.');
      await recorded.getByRole('button', { name: 'Record the answer' }).click();
      await expectText(recorded, /answered/);

      await page.getByRole('link', { name: /Follow-up worklist/ }).click();
      const waiting = page.locator(`[data-testid="awaiting-confirmation"][data-ticket-id="${ticketId}"]`);
      await eventually(async () => {
        if (await waiting.count()) return true;
        await page.getByRole('button', { name: 'Refresh' }).first().click();
        await new Promise((resolve) => setTimeout(resolve, 700));
        return false;
      }, 'the answer in the CS worklist', 30_000);
      expect(await waiting.textContent()).toMatch(/CS \(first contact\)/);
      await waiting.getByRole('link', { name: /Follow up ticket/ }).click();
      const followup = page.getByTestId('followup-panel');

      await followup.getByLabel('Note on the attempt (optional)').fill('No answer; called twice.');
      await followup.getByRole('button', { name: 'Record failed contact attempt' }).click();
      await expectText(followup, /Not reached\s*1 time/);

      await followup.getByLabel('Not satisfied').check();
      await followup.getByRole('button', { name: 'Record the customer’s answer' }).click();
      await fieldError(page, 'The customer’s objection').waitFor();
      await followup.getByLabel('The customer’s objection').fill('The Sunday hours on the website say 10:00.');
      await followup.getByRole('button', { name: 'Record the customer’s answer' }).click();
      await page.getByText(/objection is recorded/).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('deadlines on the consoles', () => {
  it('given a ticket whose first response is past due, then its queue row is marked overdue and CS sees it under late progress', async () => {
    const { ticketId, subject } = lateTicket;
    const handler = await consoles.newPage();
    const cs = await consoles.newPage();
    try {
      await consoles.signIn(handler.page, 'department_handler', 'product-guo', 'product');
      const row = handler.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain(subject);
      // The countdown runs out in the page itself, without waiting for the service to say so.
      await row.getByText('Overdue', { exact: true }).waitFor({ timeout: 90_000 });
      await expectText(row.getByTestId('countdown'), /overdue by 00:0\d:\d\d/);
      // The service's sweep escalates it to the department's manager; the live queue shows that too.
      await row.getByText('escalated to manager').waitFor({ timeout: 30_000 });
      await handler.page.getByLabel('Overdue only').check();
      expect(await handler.page.getByTestId('queue-row').count()).toBeGreaterThanOrEqual(1);
      await consoles.screenshot(handler.page, 'department-queue-overdue');

      await consoles.signIn(cs.page, 'cs', 'agent-li');
      await cs.page.getByRole('link', { name: /Follow-up worklist/ }).click();
      const late = cs.page.locator(`[data-testid="late-progress"][data-ticket-id="${ticketId}"]`);
      await eventually(async () => {
        if (await late.count()) return true;
        await cs.page.getByRole('button', { name: 'Refresh' }).first().click();
        await new Promise((resolve) => setTimeout(resolve, 700));
        return false;
      }, 'the ticket under late progress', 30_000);
      expect(await late.textContent()).toMatch(/product/);
      expect(await late.textContent()).toMatch(/First response/);
    } finally {
      await Promise.all([handler.context.close(), cs.context.close()]);
    }
  });
});

/** How far the page is wider than the viewport (a phone layout should not scroll sideways). */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** The service's message shown next to the field labelled `label`. */
function fieldError(page: Page, label: string): Locator {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
}

async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  await eventually(async () => pattern.test((await locator.textContent()) ?? ''), `text ${pattern}`, 15_000);
}

async function expectChange(locator: Locator, from: string | null): Promise<void> {
  await eventually(async () => (await locator.textContent()) !== from, 'the countdown to tick', 5_000);
}
