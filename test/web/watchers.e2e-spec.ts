import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * Management watches a complaint from its conversation, is told in the top bar of the department's
 * progress in the words of the change, and stops watching; the same screen in Chinese.
 */
let consoles: Consoles;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});

describe('watching a complaint in the consoles', () => {
  it('watches, is told of the department’s progress, and stops watching', async () => {
    const { system } = consoles;
    const subject = `Parcel lost ${system.suffix}`;
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: 'My parcel never arrived and I was charged.' }));
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const management = system.as({ token: system.token('management', 'director-1') });
    const handlerId: string = await eventually(async () => (await management.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'the complaint assigned');
    const department: string = (await management.get('routing', `/v1/tickets/${ticketId}`)).body.department;

    const director = await consoles.newPage();
    try {
      await consoles.signIn(director.page, 'management', 'director-1');
      await director.page.goto(`/#/management/complaints/${ticketId}`);
      const conversation = director.page.getByTestId('conversation');
      await conversation.getByRole('button', { name: 'Watch', exact: true }).click();
      await conversation.getByRole('button', { name: 'Stop watching' }).waitFor();
      await conversation.getByTestId('watchers').getByText('1 watching').waitFor();

      const holder = system.as({ token: system.token('department_handler', handlerId, department) });
      expect((await holder.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'The courier is tracing the parcel.' })).status).toBe(200);
      const bell = director.page.getByTestId('notifications-button');
      await bell.filter({ hasText: /new\)$/ }).waitFor({ timeout: 20_000 });
      await bell.click();
      const change = director.page.getByTestId('notifications').locator('[data-kind="watched_change"]');
      await change.getByText(`${handlerId} changed ticket ${ticketId.slice(0, 8)}, which you watch`).waitFor();
      await change.getByText('The courier is tracing the parcel.').waitFor();
      expect(await change.count()).toBe(1);
      await consoles.screenshot(director.page, 'management-watched-change');
      await bell.click();

      await conversation.getByRole('button', { name: 'Stop watching' }).click();
      await conversation.getByRole('button', { name: 'Watch', exact: true }).waitFor();
      await conversation.getByTestId('watchers').getByText('0 watching').waitFor();

      // In Chinese: the button, the count and the bell's words (what was told stays after stopping).
      await director.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await conversation.getByRole('button', { name: '关注', exact: true }).waitFor();
      await conversation.getByTestId('watchers').getByText('0 人关注').waitFor();
      await director.page.getByTestId('notifications-button').click();
      await director.page.getByTestId('notifications').getByText(`${handlerId} 更新了您关注的工单 ${ticketId.slice(0, 8)}`).waitFor();
    } finally {
      await director.context.close();
    }
  });
});
