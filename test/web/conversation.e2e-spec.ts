import { contact } from '../support/contacts';
import { UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * One voice: CS, the department and management read the same conversation of a complaint in the
 * consoles. The department's progress note and its result's apology and corrective action reach CS
 * while CS has the ticket open; a note the department writes with a mention reaches CS too.
 */
let consoles: Consoles;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});

describe('a complaint’s conversation in the consoles', () => {
  it('shows CS the department’s progress, then its apology and corrective action, and a note written in the department', async () => {
    const { system } = consoles;
    const subject = `Charged twice ${system.suffix}`;
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: '我的账单被扣了两次，请退款。' }));
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const holderId = await system.holderInQueue(ticketId, 'billing');
    const billingApi = system.as({ token: system.token('department_handler', holderId, 'billing') });
    expect((await billingApi.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'We asked the bank to reverse the second charge.' })).status).toBe(200);

    const cs = await consoles.newPage();
    const handler = await consoles.newPage();
    const phone = await consoles.newPage({ width: 390, height: 844 });
    try {
      await consoles.signIn(cs.page, 'cs', 'agent-1');
      await cs.page.goto(`/#/cs/worklist/${ticketId}`);
      const csConversation = cs.page.getByTestId('conversation');
      await csConversation.getByText('We asked the bank to reverse the second charge.').waitFor();
      await csConversation.getByText('我的账单被扣了两次，请退款。').waitFor();

      // The result arrives while CS has the ticket open: its apology and corrective action appear without a reload.
      expect(
        (
          await billingApi.post('routing', `/v1/tickets/${ticketId}/result`, {
            summary: 'The second charge was reversed.',
            apology: 'We are sorry for charging you twice.',
            correctiveAction: 'Payment retries now check for an existing capture first.',
            cause: 'billing_error',
          })
        ).status,
      ).toBe(200);
      const result = csConversation.locator('[data-type="ResultReported"]');
      await result.getByText('We are sorry for charging you twice.').waitFor({ timeout: 20_000 });
      await result.getByText('Payment retries now check for an existing capture first.').waitFor();
      await consoles.screenshot(cs.page, 'cs-conversation');

      // The handler writes a note in the department's console, mentioning the CS agent.
      await consoles.signIn(handler.page, 'department_handler', holderId, 'billing');
      await handler.page.goto(`/#/department/billing/ticket/${ticketId}`);
      const form = handler.page.getByRole('form', { name: 'Add an internal note' });
      await form.getByRole('button', { name: 'Add note' }).click();
      await form.getByRole('alert').first().waitFor();
      await form.getByLabel('Note', { exact: true }).fill('The bank confirms the reversal within 3 days.');
      await form.getByLabel('Mention people').fill('agent-1');
      await form.getByRole('button', { name: 'Add note' }).click();
      await form.getByText('Note added.').waitFor();
      await handler.page.getByTestId('conversation').locator('[data-type="NoteAdded"]').getByText('The bank confirms the reversal within 3 days.').waitFor();
      await consoles.screenshot(handler.page, 'department-conversation');

      const note = csConversation.locator('[data-type="NoteAdded"]');
      await note.getByText('The bank confirms the reversal within 3 days.').waitFor({ timeout: 20_000 });
      await note.getByText('Mentions: agent-1').waitFor();

      // The mention reaches the agent live, in the top bar, and leads back to the ticket.
      const bell = cs.page.getByTestId('notifications-button');
      await bell.filter({ hasText: /new\)$/ }).waitFor({ timeout: 20_000 });
      await bell.click();
      const mention = cs.page.getByTestId('notifications').locator('[data-kind="mentioned"]');
      await mention.getByText(`${holderId} mentioned you`).waitFor();
      await mention.getByText('The bank confirms the reversal within 3 days.').waitFor();
      await consoles.screenshot(cs.page, 'cs-notifications');
      await cs.page.getByRole('button', { name: 'Mark all as read' }).click();
      await bell.filter({ hasText: /^Notifications$/ }).waitFor();
      await bell.click();

      // The same conversation in Chinese, at phone width.
      await consoles.signIn(phone.page, 'cs', 'agent-1');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto(`/#/cs/worklist/${ticketId}`);
      const phoneConversation = phone.page.getByTestId('conversation');
      await phoneConversation.getByText('需转达的致歉').waitFor();
      await phoneConversation.getByText('We are sorry for charging you twice.').waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'cs-conversation-zh-phone');
    } finally {
      await Promise.all([cs.context.close(), handler.context.close(), phone.context.close()]);
    }
  });
});
