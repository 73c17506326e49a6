import { contact } from '../support/contacts';
import { UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * Management acts on a complaint in flight from its console: it asks the department for an
 * update; the department's handler sees the request (a notification and the conversation) and
 * answers with a progress note, which management reads beside its question; then management takes
 * the complaint over. The same screen in Chinese at phone width.
 */
let consoles: Consoles;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});

describe('management acting on a complaint in flight, in the consoles', () => {
  it('asks for an update the handler sees and answers, reads the answer, and takes the complaint over', async () => {
    const { system } = consoles;
    const subject = `Refund never came ${system.suffix}`;
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: 'I was promised a refund two weeks ago.' }));
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const handlerId = await system.holderOf(ticketId);

    const director = await consoles.newPage();
    const handler = await consoles.newPage();
    const phone = await consoles.newPage({ width: 390, height: 844 });
    try {
      // Management finds it among the complaints in flight and opens what it may do on it.
      await consoles.signIn(director.page, 'management', 'director-1');
      await director.page.goto('/#/management/complaints');
      await director.page.getByRole('link', { name: `Act on ${subject}` }).click();
      const holderLine = director.page.getByTestId('complaint-holder');
      await holderLine.getByText(new RegExp(`held by ${handlerId}`)).waitFor();

      const ask = director.page.getByRole('form', { name: 'Ask the department for an update' });
      await ask.getByRole('button', { name: 'Ask for an update' }).click();
      await ask.getByText('Write your question to the department.').waitFor();
      await ask.getByLabel('Your question').fill('The customer calls daily: when does the refund arrive?');
      await ask.getByRole('button', { name: 'Ask for an update' }).click();
      await ask.getByText('Asked: the department is notified.').waitFor();
      await holderLine.getByText('update asked by director-1, waiting for the department’s answer').waitFor();
      const directorConversation = director.page.getByTestId('conversation');
      await directorConversation.locator('[data-type="UpdateRequested"]').getByText('The customer calls daily: when does the refund arrive?').waitFor({ timeout: 20_000 });
      await consoles.screenshot(director.page, 'management-complaint-actions');

      // The handler is told in the top bar, and reads the question in the ticket's conversation.
      await consoles.signIn(handler.page, 'department_handler', handlerId, 'billing');
      const bell = handler.page.getByTestId('notifications-button');
      await bell.filter({ hasText: /new\)$/ }).waitFor({ timeout: 20_000 });
      await bell.click();
      const request = handler.page.getByTestId('notifications').locator('[data-kind="update_requested"]');
      await request.getByText(/director-1 of management asks for an update on ticket/).waitFor();
      await request.getByText('The customer calls daily: when does the refund arrive?').waitFor();
      expect(await request.count()).toBe(1);
      await consoles.screenshot(handler.page, 'department-update-requested');
      await request.getByRole('link').click();
      const panel = handler.page.getByTestId('ticket-panel');
      await handler.page.getByTestId('conversation').locator('[data-type="UpdateRequested"]').getByText('The customer calls daily: when does the refund arrive?').waitFor();
      await panel.getByTestId('update-requested').getByText(/director-1 of management asked for an update/).waitFor();

      // The handler answers with a progress note.
      await panel.getByLabel('Progress note').fill('The bank released the refund today; it reaches the card tomorrow.');
      await panel.getByRole('button', { name: 'Send progress update' }).click();
      await panel.getByText('Progress sent to CS.').waitFor();
      await panel.getByTestId('update-requested').waitFor({ state: 'detached' });

      // Management reads the answer beside its question, without reloading, and is told.
      const answer = directorConversation.locator('[data-type="ProgressReported"]');
      await answer.getByText('The bank released the refund today; it reaches the card tomorrow.').waitFor({ timeout: 20_000 });
      await answer.getByText('In answer to management’s question').waitFor();
      await answer.getByText('The customer calls daily: when does the refund arrive?').waitFor();
      const directorBell = director.page.getByTestId('notifications-button');
      await directorBell.filter({ hasText: /new\)$/ }).waitFor({ timeout: 20_000 });
      await directorBell.click();
      const given = director.page.getByTestId('notifications').locator('[data-kind="update_given"]');
      await given.getByText(/The department answered your request for an update/).waitFor();
      expect(await given.getByRole('link').getAttribute('href')).toBe(`#/management/complaints/${ticketId}`);
      await directorBell.click();

      // Management takes it over, saying why; it holds the complaint from now on.
      const takeOver = director.page.getByRole('form', { name: 'Take it over' });
      await takeOver.getByLabel('Why (kept on the record)').fill('The customer has called five times; I will see it through.');
      await takeOver.getByRole('button', { name: 'Take the complaint over' }).click();
      await takeOver.getByText('Taken over: you hold it now.').waitFor();
      await holderLine.getByText(/held by director-1/).waitFor();
      await directorConversation.locator('[data-type="TicketTakenOver"]').getByText('The customer has called five times; I will see it through.').waitFor({ timeout: 20_000 });
      await consoles.screenshot(director.page, 'management-complaint-taken-over');

      // The same complaint for management in Chinese at phone width.
      await consoles.signIn(phone.page, 'management', 'director-1');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto(`/#/management/complaints/${ticketId}`);
      await phone.page.getByTestId('complaint-holder').getByText(/负责人 director-1/).waitFor();
      await phone.page.getByTestId('conversation').locator('[data-type="UpdateRequested"]').getByText('管理层询问').waitFor();
      await phone.page.getByRole('form', { name: '要求部门反馈进展' }).waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'management-complaint-actions-zh-phone');
    } finally {
      await Promise.all([director.context.close(), handler.context.close(), phone.context.close()]);
    }
  });
});
