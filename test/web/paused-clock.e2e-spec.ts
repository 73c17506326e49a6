import { contact } from '../support/contacts';
import { UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * The responsible handler pauses a complaint's resolution clock from the department's ticket panel
 * while waiting on a third party; the queue, CS and management read "paused since … (reason)";
 * the handler resumes it in Chinese at phone width.
 */
let consoles: Consoles;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});

describe('the paused resolution clock in the consoles', () => {
  it('the handler pauses with a reason, everyone reads it, and the handler resumes it', async () => {
    const { system } = consoles;
    const subject = `Chargeback pending ${system.suffix}`;
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: 'My card was charged twice; the bank is looking into it.' }));
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const management = system.as({ token: system.token('management', 'director-1') });
    const handlerId = await system.holderOf(ticketId);

    const handler = await consoles.newPage();
    const cs = await consoles.newPage();
    const director = await consoles.newPage();
    const phone = await consoles.newPage({ width: 390, height: 844 });
    try {
      await consoles.signIn(handler.page, 'department_handler', handlerId, 'billing');
      await handler.page.goto(`/#/department/billing/ticket/${ticketId}`);
      const panel = handler.page.getByTestId('ticket-panel');
      const pause = panel.getByRole('form', { name: 'Pause the resolution clock' });
      await pause.getByLabel('Waiting on').selectOption('waiting_on_third_party');
      await pause.getByLabel('What for').fill('The bank’s answer on the chargeback');
      await pause.getByRole('button', { name: 'Pause the clock' }).click();
      await panel.getByText('The resolution clock is paused; the deadline moves later by the time it stands still.').waitFor();
      await panel.getByTestId('ticket-paused').getByText(/^Paused since .+ \(waiting on a third party\)$/).waitFor();
      await panel.getByText(/resumes by itself at .+ at the latest/).waitFor();
      await panel.getByRole('button', { name: 'Resume the clock' }).waitFor();
      const banner = handler.page.getByTestId('conversation-paused');
      await banner.getByText(/The resolution clock is paused since .+ \(waiting on a third party\)\. — The bank’s answer on the chargeback/).waitFor({ timeout: 20_000 });
      await handler.page.getByTestId('conversation').locator('[data-type="ResolutionClockPaused"]').getByText('Resolution clock paused: waiting on a third party').waitFor();
      await consoles.screenshot(handler.page, 'department-paused');

      // The department's queue shows it paused.
      await handler.page.goto('/#/department/billing');
      await handler.page.locator(`[data-testid="queue-row"][data-ticket-id="${ticketId}"]`).getByTestId('queue-paused').getByText(/waiting on a third party/).waitFor({ timeout: 20_000 });

      // CS, opening the complaint from search, and management on its complaint page read the same line.
      await consoles.signIn(cs.page, 'cs', 'agent-1');
      await cs.page.goto(`/#/cs/search/ticket/${ticketId}`);
      await cs.page.getByTestId('conversation-paused').getByText(/paused since .+ \(waiting on a third party\)/).waitFor({ timeout: 20_000 });
      await consoles.screenshot(cs.page, 'cs-paused');
      await consoles.signIn(director.page, 'management', 'director-1');
      await director.page.goto(`/#/management/complaints/${ticketId}`);
      await director.page.getByTestId('conversation-paused').getByText(/paused since .+ \(waiting on a third party\)/).waitFor({ timeout: 20_000 });

      // The answer came: the handler resumes it, in Chinese, at phone width.
      await consoles.signIn(phone.page, 'department_handler', handlerId, 'billing');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto(`/#/department/billing/ticket/${ticketId}`);
      const phonePanel = phone.page.getByTestId('ticket-panel');
      await phonePanel.getByTestId('ticket-paused').getByText(/^自 .+ 起暂停（等待第三方答复）$/).waitFor();
      await phone.page.getByTestId('conversation-paused').getByText(/解决时限自 .+ 起暂停（等待第三方答复）/).waitFor({ timeout: 20_000 });
      await phone.page.getByTestId('conversation').locator('[data-type="ResolutionClockPaused"]').getByText('解决时限已暂停：等待第三方答复').waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'department-paused-zh-phone');

      await phonePanel.getByRole('button', { name: '恢复计时' }).click();
      await phonePanel.getByText('解决时限已恢复计时，并已顺延暂停的时间。').waitFor();
      await phonePanel.getByTestId('ticket-paused').waitFor({ state: 'detached' });
      await phonePanel.getByRole('form', { name: '暂停解决时限' }).waitFor();
      await phone.page.getByTestId('conversation').locator('[data-type="ResolutionClockResumed"]').getByText(/解决时限已恢复（部门恢复，暂停了 .+），解决时限顺延至/).waitFor({ timeout: 20_000 });
      await phone.page.getByTestId('conversation-paused').waitFor({ state: 'detached' });
      await consoles.screenshot(phone.page, 'department-resumed-zh-phone');

      // Everyone else sees it running again.
      await cs.page.getByTestId('conversation-paused').waitFor({ state: 'detached', timeout: 20_000 });
      const resumed = (await management.get('routing', `/v1/tickets/${ticketId}`)).body;
      expect(resumed.paused).toBeNull();
      expect(resumed.pausedMinutesThisRound).toBeGreaterThan(0);
    } finally {
      await Promise.all([handler.context.close(), cs.context.close(), director.context.close(), phone.context.close()]);
    }
  });

  it('CS records the customer’s answer from the ticket it found, and the clock waiting on the customer runs again', async () => {
    const { system } = consoles;
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject: `Double charge ${system.suffix}`, description: 'Charged twice for one order.' }));
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const management = system.as({ token: system.token('management', 'director-1') });
    const handlerId = await system.holderOf(ticketId);
    const handler = system.as({ token: system.token('department_handler', handlerId, 'billing') });
    expect((await handler.post('routing', `/v1/tickets/${ticketId}/pause`, { reason: 'waiting_on_customer', note: 'the last four digits of the card' })).status).toBe(200);

    const phone = await consoles.newPage({ width: 390, height: 844 });
    const cs = await consoles.newPage();
    try {
      // In Chinese at phone width: the notice and the form fit.
      await consoles.signIn(phone.page, 'cs', 'agent-2');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto(`/#/cs/search/ticket/${ticketId}`);
      await phone.page.getByTestId('waits-on-customer').getByText('billing 正在等待客户答复：解决时限已暂停。 需要：the last four digits of the card').waitFor();
      await phone.page.getByRole('form', { name: '客户的答复' }).waitFor();
      expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'cs-customer-answer-zh-phone');

      await consoles.signIn(cs.page, 'cs', 'agent-1');
      await cs.page.goto(`/#/cs/search/ticket/${ticketId}`);
      await cs.page.getByTestId('waits-on-customer').getByText(/billing is waiting for the customer’s answer/).waitFor();
      const form = cs.page.getByRole('form', { name: 'The customer’s answer' });
      // Sent empty: the refusal is said beside the field, and nothing is written.
      await form.getByRole('button', { name: 'Record the answer' }).click();
      await form.getByText(/answer/i).first().waitFor();
      await form.getByLabel('What the customer said').fill('The card ends in 4410; the second charge is from 3 March.');
      await consoles.screenshot(cs.page, 'cs-customer-answer');
      await form.getByRole('button', { name: 'Record the answer' }).click();
      await form.getByText('Recorded: the department reads it, and its resolution clock runs again.').waitFor();
      await cs.page.getByTestId('waits-on-customer').waitFor({ state: 'detached' });
      await cs.page.getByTestId('conversation').locator('[data-type="CustomerAnswered"]').getByText('The card ends in 4410; the second charge is from 3 March.').waitFor({ timeout: 20_000 });
      await cs.page.getByTestId('conversation').locator('[data-type="ResolutionClockResumed"]').getByText(/resumed on the customer’s answer/).waitFor({ timeout: 20_000 });
      await consoles.screenshot(cs.page, 'cs-customer-answered');
      expect((await management.get('routing', `/v1/tickets/${ticketId}`)).body.paused).toBeNull();
    } finally {
      await Promise.all([phone.context.close(), cs.context.close()]);
    }
  });
});
