import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import type { Consoles } from './support/consoles';

/**
 * Sub-requests in the consoles: CS asks logistics about a billing complaint from the ticket it
 * opened; logistics' handler finds it in the department's queue and claims and answers it in
 * Chinese at phone width; management closes the part product need not answer; billing's result
 * then goes through.
 */
export function subRequestsSuite(shared: () => Consoles): void {
  describe('sub-requests in the consoles', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('CS asks logistics, logistics answers from its queue, management closes what need not answer', async () => {
      const { system } = consoles;
      const subject = `Parcel and charge ${system.suffix}`;
      const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: 'My card was charged twice for one invoice, and the parcel never came.' }));
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;
      const holderId = await system.holderOf(ticketId);

      const cs = await consoles.newPage();
      const phone = await consoles.newPage({ width: 390, height: 844 });
      const director = await consoles.newPage();
      try {
        // CS asks logistics from the ticket it opened.
        await consoles.signIn(cs.page, 'cs', 'agent-1');
        await cs.page.goto(`/#/cs/search/ticket/${ticketId}`);
        const csParts = cs.page.getByTestId('sub-requests');
        const ask = csParts.getByRole('form', { name: 'Ask another department' });
        await ask.getByLabel('Department to ask').selectOption('logistics');
        await ask.getByLabel('What they are asked').fill('Where is the parcel the customer paid for?');
        await ask.getByRole('button', { name: 'Ask the department' }).click();
        await csParts.getByText('Logistics is asked; the ticket’s result waits for its answer.').waitFor();
        const asked = csParts.locator('[data-testid="sub-request"][data-department="logistics"]');
        await asked.getByTestId('sub-request-status').getByText('Waiting for a handler').waitFor();
        await csParts.getByTestId('sub-requests-waiting').getByText(/The ticket’s result waits for Logistics/).waitFor();
        await consoles.screenshot(cs.page, 'cs-sub-request');

        // Logistics' handler, in Chinese on a phone: the queue lists what is asked of it; they claim and answer it.
        await consoles.signIn(phone.page, 'department_handler', 'logistics-he', 'logistics');
        await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
        await phone.page.goto('/#/department/logistics');
        const row = phone.page.locator(`[data-testid="sub-request-asked"][data-ticket-id="${ticketId}"]`);
        await row.waitFor({ timeout: 20_000 });
        await row.getByText('Billing 承办的工单').waitFor();
        await row.getByRole('link', { name: subject }).click();
        const part = phone.page.getByTestId('sub-requests').locator('[data-testid="sub-request"][data-department="logistics"]');
        await part.getByRole('button', { name: '认领此协办请求' }).click();
        await part.getByTestId('sub-request-status').getByText('处理中').waitFor();
        const answer = part.getByRole('form', { name: '答复协办请求' });
        // An empty answer is refused beside its field, in Chinese, and nothing is recorded.
        await answer.getByRole('button', { name: '提交答复' }).click();
        const refusal = answer.locator('.field', { has: phone.page.getByLabel('本部门的答复') }).locator('.field-error');
        await refusal.waitFor();
        expect(await refusal.textContent()).toMatch(/[\u4e00-\u9fff]/);
        expect(await part.getByTestId('sub-request-status').textContent()).toBe('处理中');
        await answer.getByLabel('本部门的答复').fill('包裹送错了地址，今天已重新寄出。');
        await answer.getByRole('button', { name: '提交答复' }).click();
        await part.getByTestId('sub-request-status').getByText('已答复').waitFor();
        await part.getByTestId('sub-request-outcome').getByText('包裹送错了地址，今天已重新寄出。').waitFor();
        await phone.page.getByTestId('conversation').locator('[data-type="SubRequestAnswered"]').getByText('logistics 已答复协办请求').waitFor({ timeout: 20_000 });
        const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await consoles.screenshot(phone.page, 'department-sub-request-zh-phone');

        // Billing's holder also asked product; management decides the ticket goes on without it.
        const holder = system.as({ token: system.token('department_handler', holderId, 'billing') });
        expect((await holder.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'product', reason: 'Does the tracking page show the parcel?' })).status).toBe(201);
        await consoles.signIn(director.page, 'management', 'director-1');
        await director.page.goto(`/#/management/complaints/${ticketId}`);
        const productPart = director.page.getByTestId('sub-requests').locator('[data-testid="sub-request"][data-department="product"]');
        const close = productPart.getByRole('form', { name: 'Go on without this answer' });
        await close.getByLabel('Why management closes it').fill('Logistics found the parcel; the tracking page is another ticket.');
        await close.getByRole('button', { name: 'Close the sub-request' }).click();
        await productPart.getByTestId('sub-request-status').getByText('Closed by management').waitFor();
        await director.page.getByTestId('sub-requests').getByTestId('sub-requests-waiting').waitFor({ state: 'detached' });
        await consoles.screenshot(director.page, 'management-sub-request');

        // Nothing is left open: billing's result goes to CS.
        const remedies = { apology: 'We are sorry for the double charge.', correctiveAction: 'Card charges are reconciled daily.', cause: 'billing_error' };
        expect((await holder.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'The duplicate charge was refunded.', ...remedies })).status).toBe(200);

        // The handoff ledger shows logistics' and product's holders beside billing's.
        await director.page.goto(`/#/auditor/${ticketId}/ledger`);
        const parallel = director.page.getByTestId('ledger-table').locator('tbody tr[data-parallel] td:first-child');
        // The ledger is read once per page load: each try waits for it to be drawn before counting,
        // then loads it again: counted at once after a reload, the table could be not yet drawn try after try.
        await eventually(async () => {
          await director.page.getByTestId('ledger-table').waitFor({ timeout: 10_000 });
          if ((await parallel.count()) === 3) return true;
          await director.page.reload();
          return undefined;
        }, 'the parallel holders in the ledger', 40_000);
        expect(await parallel.allTextContents()).toEqual([
          'Department logistics, in parallel (sub-request)',
          'logistics-he (logistics), in parallel (sub-request)',
          'Department product, in parallel (sub-request)',
        ]);
        await director.page.getByTestId('ledger-lanes').getByText('Department product, in parallel (sub-request)').waitFor();
        await consoles.screenshot(director.page, 'auditor-ledger-parallel');
      } finally {
        await Promise.all([cs.context.close(), phone.context.close(), director.context.close()]);
      }
    });
  });
}
