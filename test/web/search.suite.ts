import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import type { Consoles } from './support/consoles';

/**
 * A customer calls back: CS finds her by the phone she gives, sees her open complaint and her
 * profile, and, typing the same phone into the contact form, is shown that open ticket before a
 * second one is made. Every step is typed or clicked in headless Chromium.
 */
export function findingACustomerSuite(shared: () => Consoles): void {
  describe('finding a customer who calls back', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('given her open complaint, when CS types her phone into search and into the contact form, then her complaint is shown, masked, with the department’s latest progress, the result’s apology when it arrives, and her profile', async () => {
      const { system } = consoles;
      const digits = String(Date.now()).slice(-8);
      const phone = `+86 138 ${digits.slice(0, 4)} ${digits.slice(4)}`;
      const subject = `快递三天没到 ${system.suffix}`;
      const complaint = await system.as({ apiKey: UPSTREAM_KEY }).post(
        'intake',
        '/v1/contacts',
        contact({ type: 'complaint', channel: 'hotline', customer: { name: '王芳', phone }, subject, description: '我的快递三天没到，客服电话也打不通。' }),
      );
      expect(complaint.status).toBe(201);
      const ticketId: string = complaint.body.ticketId;
      const csApi = system.as({ token: system.token('cs', 'agent-li') });
      await eventually(async () => (await csApi.get('evaluation', `/v1/search?q=${encodeURIComponent(phone)}`)).body.items?.length === 1, 'the complaint to reach search');
      // The department that holds it has written progress before she calls back.
      const management = system.as({ token: system.token('management', 'director-1') });
      const held = await eventually(async () => {
        const ticket = await management.get('routing', `/v1/tickets/${ticketId}`);
        return ticket.body.handlerId ? (ticket.body as { department: string; handlerId: string }) : undefined;
      }, 'the complaint assigned');
      const departmentApi = system.as({ token: system.token('department_handler', held.handlerId, held.department) });
      expect((await departmentApi.post('routing', `/v1/tickets/${ticketId}/progress`, { note: '已联系快递公司，包裹明天重新派送。' })).status).toBe(200);

      const cs = await consoles.newPage();
      try {
        await consoles.signIn(cs.page, 'cs', 'agent-li');
        await cs.page.getByRole('link', { name: 'Find a ticket or customer' }).click();
        const box = cs.page.getByRole('searchbox', { name: 'Ticket number, phone, e-mail, name or words' });
        // As she says it on the phone, without the country code.
        await box.fill(`138 ${digits.slice(0, 4)} ${digits.slice(4)}`);
        await box.press('Enter');
        const row = cs.page.locator(`tr[data-ticket="${ticketId}"]`);
        await row.waitFor();
        const text = await row.textContent();
        expect(text).toContain(subject);
        expect(text).toContain('Complaint');
        expect(text).toContain('Open');
        expect(text).toContain('王*');
        expect(text).toContain(`***${digits.slice(-2)}`);
        expect(text).not.toContain(digits.slice(0, 4));
        await consoles.screenshot(cs.page, 'cs-search');

        // She asks how it stands: CS opens the complaint and reads the department's latest progress ...
        await row.getByRole('link', { name: ticketId.slice(0, 8), exact: true }).click();
        const conversation = cs.page.getByTestId('conversation');
        await conversation.locator('[data-type="ProgressReported"]').getByText('已联系快递公司，包裹明天重新派送。').waitFor();
        // ... and, while it is open, the department's result arrives with the apology and the corrective action to pass on.
        expect(
          (
            await departmentApi.post('routing', `/v1/tickets/${ticketId}/result`, {
              summary: 'The parcel was redelivered today.',
              apology: '包裹延误给您带来不便，非常抱歉。',
              correctiveAction: 'Parcels older than two days are now checked every morning.',
              cause: 'delivery_logistics',
            })
          ).status,
        ).toBe(200);
        const result = conversation.locator('[data-type="ResultReported"]');
        await result.getByText('包裹延误给您带来不便，非常抱歉。').waitFor({ timeout: 20_000 });
        await result.getByText('Parcels older than two days are now checked every morning.').waitFor();
        await consoles.screenshot(cs.page, 'cs-search-ticket');
        await cs.page.getByRole('link', { name: '← Back to search' }).click();
        await row.waitFor();

        // A Chinese word of her description finds the same ticket.
        await box.fill('快递');
        await cs.page.getByRole('button', { name: 'Search' }).click();
        await cs.page.locator(`tr[data-ticket="${ticketId}"]`).waitFor();

        // Her profile: every ticket of hers with what she said of each.
        await cs.page.getByRole('link', { name: `Customer profile from ticket ${ticketId.slice(0, 8)}` }).click();
        const profile = cs.page.getByRole('region', { name: 'Customer profile' });
        await profile.locator(`tr[data-ticket="${ticketId}"]`).waitFor();
        expect(await profile.getByRole('list', { name: 'Their tickets at a glance' }).textContent()).toMatch(/1\s*open/);
        await consoles.screenshot(cs.page, 'cs-customer-profile');
        await profile.getByRole('link', { name: '← Back to search' }).click();
        // The profile goes, and the results kept under it are there again as they were.
        await profile.waitFor({ state: 'detached' });
        await cs.page.locator(`tr[data-ticket="${ticketId}"]`).waitFor();

        // She calls again: typing her phone into the contact form shows her open complaint.
        await cs.page.getByRole('link', { name: 'Record a contact' }).click();
        const form = cs.page.getByRole('form', { name: 'Record a contact' });
        await form.getByLabel('Name', { exact: true }).fill('王芳');
        await form.getByLabel('Phone', { exact: true }).pressSequentially(phone.replace(/\s/g, ''), { delay: 20 });
        const hint = form.getByRole('status', { name: "This customer's open tickets" });
        await hint.waitFor();
        expect(await hint.textContent()).toContain(subject);
        await consoles.screenshot(cs.page, 'cs-contact-open-tickets');
      } finally {
        await cs.context.close();
      }

      // An auditor finds the ticket by its short number and sees no customer.
      const auditor = await consoles.newPage();
      try {
        await consoles.signIn(auditor.page, 'auditor', 'auditor-1');
        await auditor.page.getByRole('link', { name: 'Find' }).click();
        const box = auditor.page.getByRole('searchbox', { name: 'Ticket number, phone, e-mail, name or words' });
        await box.fill(ticketId.slice(0, 8));
        await box.press('Enter');
        const row = auditor.page.locator(`tr[data-ticket="${ticketId}"]`);
        await row.waitFor();
        expect(await row.textContent()).not.toContain('王');
        expect(await auditor.page.getByRole('columnheader', { name: 'Customer' }).count()).toBe(0);
        await consoles.screenshot(auditor.page, 'auditor-search');
      } finally {
        await auditor.context.close();
      }
    });
  });
}
