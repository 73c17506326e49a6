import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import type { Consoles } from './support/consoles';

/**
 * A department offered a ticket needs the customer's details before it accepts: its handler asks
 * for them with a purpose, the department's manager approves from the list above any screen (in
 * Chinese, on a phone), and the handler reads them for the approval's time.
 */
export function contactApprovalsSuite(shared: () => Consoles): void {
  describe('approvals to read contact details in the consoles', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('a handler asks, the department manager approves, the handler sees the details', async () => {
      const { system } = consoles;
      const customer = { name: 'Zhuge Lan', phone: '+86 136 5555 0142', email: `zhuge.${system.suffix}@example.org` };
      const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
        'intake',
        '/v1/contacts',
        contact({ type: 'feedback', customer, subject: `Export ${system.suffix}`, description: 'Please add a spreadsheet export.' }),
      );
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;
      // Product holds it and offers it to billing: billing sees the ticket, not yet the customer.
      const product = system.as({ token: system.token('department_handler', 'product-guo', 'product') });
      await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status === 200, 'the claim');
      expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'billing', reason: 'the export is of invoices' })).status).toBe(200);

      const handler = await consoles.newPage();
      const manager = await consoles.newPage({ width: 390, height: 844 });
      try {
        await consoles.signIn(handler.page, 'department_handler', 'billing-wu', 'billing');
        await handler.page.goto(`/#/department/billing/ticket/${ticketId}`);
        const panel = handler.page.getByTestId('ticket-panel');
        await panel.getByRole('button', { name: 'Show contact details' }).click();
        const asking = panel.getByTestId('access-request');
        await asking.getByLabel('Why your work needs the contact details').fill('Checking the customer’s billing account before we accept the ticket');
        await asking.getByRole('button', { name: 'Request access' }).click();
        await asking.getByText('Your request is waiting for approval by your department manager or management.').waitFor();
        expect(await panel.getByText(customer.phone).count()).toBe(0);

        await consoles.signIn(manager.page, 'department_manager', 'billing-manager-qian', 'billing');
        await manager.page.getByLabel('语言 / Language').selectOption('zh-CN');
        const pending = manager.page.getByTestId('pending-access-requests');
        await pending.getByText('Checking the customer’s billing account before we accept the ticket').waitFor();
        await pending.getByText('billing-wu（业务部门经办人）').waitFor();
        await consoles.screenshot(manager.page, 'access-approval-zh-phone');
        await pending.getByRole('button', { name: '批准' }).click();
        await pending.getByText(`已批准：billing-wu 可在规定时间内查阅工单 ${ticketId.slice(0, 8)} 的联系方式。`).waitFor();

        await asking.getByRole('button', { name: 'Check again' }).click();
        await asking.getByText(/^Approved until /).waitFor();
        await asking.getByRole('button', { name: 'Show contact details' }).click();
        await panel.getByRole('link', { name: customer.phone }).waitFor();
        await panel.getByText(/^Shown in clear until /).waitFor();
        await consoles.screenshot(handler.page, 'access-approval-details');
      } finally {
        await handler.context.close();
        await manager.context.close();
      }
    });
  });
}
