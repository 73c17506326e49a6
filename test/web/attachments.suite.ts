import { contact } from '../support/contacts';
import { HTML, png } from '../support/files';
import { eventually, UPSTREAM_KEY } from '../support/system';
import type { Locator } from 'playwright-core';
import type { Consoles } from './support/consoles';

/**
 * A file in the conversation, in the consoles: the department attaches a screenshot to its
 * progress update, CS sees it on that update (a thumbnail, a link that opens it), and another
 * department's browser is refused the file.
 */
/** The width the browser drew an image at: 0 until it has loaded and decoded it. */
const drawnWidth = (image: Locator) =>
  image.evaluate((element) => {
    const drawn = element as unknown as { complete: boolean; naturalWidth: number };
    return drawn.complete ? drawn.naturalWidth : 0;
  });

export function attachmentsSuite(shared: () => Consoles): void {
  describe('attachments in the consoles', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('shows CS the file the department attached to its progress update, and refuses it to another department', async () => {
      const { system } = consoles;
      const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
        'intake',
        '/v1/contacts',
        contact({ type: 'complaint', subject: `Charged twice ${system.suffix}`, description: '我的账单被扣了两次，请退款。' }),
      );
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;
      const holderId = await system.holderInQueue(ticketId, 'billing');
      const billingApi = system.as({ token: system.token('department_handler', holderId, 'billing') });
      expect((await billingApi.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'The bank transfer is attached.' })).status).toBe(200);
      const screenshot = png(240, 135);

      const handler = await consoles.newPage();
      const cs = await consoles.newPage();
      const other = await consoles.newPage();
      const phone = await consoles.newPage({ width: 390, height: 844 });
      try {
        // The department attaches the screenshot to its own progress update.
        await consoles.signIn(handler.page, 'department_handler', holderId, 'billing');
        await handler.page.goto(`/#/department/billing/ticket/${ticketId}`);
        const progress = handler.page.getByTestId('conversation').locator('[data-type="ProgressReported"]');
        await progress.getByText('The bank transfer is attached.').waitFor({ timeout: 20_000 });

        // A page dressed as an image is refused, and the refusal names the file.
        await progress.getByLabel('Attach a file').setInputFiles({ name: 'transfer.png', mimeType: 'image/png', buffer: HTML });
        await progress.getByRole('alert').getByText(/is not a kind of file a ticket takes/).waitFor();

        await progress.getByLabel('Attach a file').setInputFiles({ name: '转账截图.png', mimeType: 'image/png', buffer: screenshot });
        await progress.getByText('转账截图.png attached.').waitFor();
        await progress.getByRole('link', { name: /转账截图\.png/ }).waitFor({ timeout: 20_000 });
        await eventually(async () => (await drawnWidth(progress.getByRole('img', { name: '转账截图.png' }))) === 240, 'the thumbnail drawn for the department');
        await consoles.screenshot(handler.page, 'department-attachment');

        // CS sees it on the department's progress update, as a thumbnail that loaded, and opens it.
        await consoles.signIn(cs.page, 'cs', 'agent-1');
        await cs.page.goto(`/#/cs/worklist/${ticketId}`);
        const seen = cs.page.getByTestId('conversation').locator('[data-type="ProgressReported"]');
        const link = seen.getByRole('link', { name: /转账截图\.png/ });
        await link.waitFor({ timeout: 20_000 });
        const thumbnail = seen.getByRole('img', { name: '转账截图.png' });
        await eventually(async () => (await drawnWidth(thumbnail)) === 240, 'the thumbnail drawn for CS');
        // CS may not attach to the department's update; it may attach to the ticket.
        expect(await seen.getByLabel('Attach a file').count()).toBe(0);
        await cs.page.getByLabel('Attach a file to the ticket').waitFor({ state: 'attached' });
        const [tab] = await Promise.all([cs.page.waitForEvent('popup'), link.click()]);
        await tab.waitForLoadState();
        expect(tab.url()).toMatch(/\/attachments\/[0-9a-f]{64}$/);
        expect(await tab.evaluate<string>('document.contentType')).toBe('image/png');
        await tab.close();
        const href = await link.getAttribute('href');
        expect(href).toMatch(/^\/api\/evaluation\/v1\/tickets\/[0-9a-f-]+\/attachments\/[0-9a-f]{64}$/);
        const file = await cs.context.request.get(href!);
        expect(file.status()).toBe(200);
        expect(file.headers()['content-type']).toBe('image/png');
        expect((await file.body()).equals(screenshot)).toBe(true);
        await consoles.screenshot(cs.page, 'cs-attachment');

        // Another department's browser is refused the same file, as it is refused the ticket.
        await consoles.signIn(other.page, 'department_handler', 'logistics-li', 'logistics');
        const refused = await other.page.goto(href!);
        expect(refused?.status()).toBe(403);
        expect(await refused?.json()).toMatchObject({ error: 'forbidden' });

        // In Chinese at phone width, the file is on the update and the page does not overflow.
        await consoles.signIn(phone.page, 'cs', 'agent-1');
        await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
        await phone.page.goto(`/#/cs/worklist/${ticketId}`);
        const phoneProgress = phone.page.getByTestId('conversation').locator('[data-type="ProgressReported"]');
        await phoneProgress.getByRole('link', { name: /转账截图\.png/ }).waitFor({ timeout: 20_000 });
        await phone.page.getByLabel('为工单添加附件').waitFor({ state: 'attached' });
        const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await consoles.screenshot(phone.page, 'cs-attachment-zh-phone');
      } finally {
        await Promise.all([handler.context.close(), cs.context.close(), other.context.close(), phone.context.close()]);
      }
    });
  });
}
