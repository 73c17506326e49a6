import { readFileSync } from 'node:fs';
import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import type { Consoles } from './support/consoles';

/**
 * A customer asks for everything held about her: management finds her, opens her profile and
 * exports her data with the reason, in headless Chromium; the file is what the service answered.
 */
export function accessRequestSuite(shared: () => Consoles): void {
  describe('answering a customer’s access request', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('given her ticket, when management exports her data from her profile with a reason, then the file holds her details in clear and her ticket, and a short reason is refused at the field', async () => {
      const { system } = consoles;
      const digits = String(Date.now()).slice(-8);
      const customer = { name: `Chen Jing ${digits}`, email: `chen.${digits}@example.org` };
      const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ customer, subject: `Invoice copy ${digits}` }));
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;
      const management = system.as({ token: system.token('management', 'director-1') });
      await eventually(async () => (await management.get('evaluation', `/v1/search?q=${encodeURIComponent(customer.email)}`)).body.items?.length === 1, 'the ticket in search');

      const { context, page } = await consoles.newPage();
      try {
        await consoles.signIn(page, 'management', 'director-1');
        await page.getByRole('link', { name: 'Find' }).click();
        const box = page.getByRole('searchbox', { name: 'Ticket number, phone, e-mail, name or words' });
        await box.fill(customer.email);
        await box.press('Enter');
        await page.getByRole('link', { name: `Customer profile from ticket ${ticketId.slice(0, 8)}` }).click();
        const form = page.getByRole('form', { name: 'Export data' });
        await form.getByLabel('Reason').fill('short');
        await form.getByRole('button', { name: 'Export data' }).click();
        await form.locator('.field-error').waitFor();
        expect(await form.locator('.field-error').textContent()).toMatch(/reason/i);

        await form.getByLabel('Reason').fill('Access request AR-21 under the privacy rule');
        const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Export data' }).click()]);
        expect(download.suggestedFilename()).toMatch(/^customer-data-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json$/);
        const file = JSON.parse(readFileSync((await download.path())!, 'utf8'));
        expect(file.customers).toEqual([expect.objectContaining({ status: 'clear', name: customer.name, email: customer.email })]);
        expect(file.tickets.map((ticket: { ticketId: string }) => ticket.ticketId)).toEqual([ticketId]);
        await form.getByRole('status').waitFor();
        expect(await form.getByRole('status').textContent()).toBe('Exported 1 ticket: the file is downloading.');
        await consoles.screenshot(page, 'management-customer-export');
      } finally {
        await context.close();
      }

      // CS sees the profile without the export.
      const cs = await consoles.newPage();
      try {
        await consoles.signIn(cs.page, 'cs', 'agent-li');
        await cs.page.getByRole('link', { name: 'Find a ticket or customer' }).click();
        const box = cs.page.getByRole('searchbox', { name: 'Ticket number, phone, e-mail, name or words' });
        await box.fill(customer.email);
        await box.press('Enter');
        await cs.page.getByRole('link', { name: `Customer profile from ticket ${ticketId.slice(0, 8)}` }).click();
        await cs.page.getByRole('region', { name: 'Customer profile' }).locator(`tr[data-ticket="${ticketId}"]`).waitFor();
        expect(await cs.page.getByRole('form', { name: 'Export data' }).count()).toBe(0);
      } finally {
        await cs.context.close();
      }
    });
  });
}
