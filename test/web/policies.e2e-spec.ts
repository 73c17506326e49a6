import { Consoles } from './support/consoles';

/**
 * Management changes the deadline policy from its Policies screen with a reason and reads the new
 * version in the history; a bad document is refused naming the field, and a change made on a
 * version someone replaced meanwhile is refused with the offer to reload. A department manager has
 * no Policies screen. The same screen in Chinese at phone width.
 */
let consoles: Consoles;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});

describe('policies in the management console', () => {
  it('changes the deadlines with a reason, refuses a bad document and a stale version, and is management’s only', async () => {
    const { system } = consoles;
    const management = system.as({ token: system.token('management', 'director-1') });
    const file = (await management.get('routing', '/v1/policies/deadlines')).body as { version: number; document: Record<string, unknown> };
    expect(file.version).toBe(0);
    const changed = { ...file.document, version: `console-${system.suffix}`, resolutionMinutes: { default: 600 } };

    const director = await consoles.newPage();
    const manager = await consoles.newPage();
    const phone = await consoles.newPage({ width: 390, height: 844 });
    try {
      await consoles.signIn(director.page, 'management', 'director-1');
      await director.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Policies' }).click();
      const list = director.page.getByTestId('policies');
      await list.locator('[data-kind="qa-rubric"]').getByText('the file (not changed yet)').waitFor();
      await list.getByRole('link', { name: 'Deadlines' }).click();

      // The document as read, changed, with a reason: version 1 in the history and in the list.
      const form = director.page.getByRole('form', { name: 'Change the policy' });
      await form.getByText('Your change is made on version 0.').waitFor();
      const documentBox = form.getByLabel('Document (JSON)');
      expect(JSON.parse(await documentBox.inputValue())).toEqual(file.document);
      await documentBox.fill(JSON.stringify(changed, null, 2));
      await form.getByRole('button', { name: 'Save the new version' }).click();
      // Without a reason nothing is written: the service names the field.
      await form.locator('textarea[name="reason"][aria-invalid="true"]').waitFor();
      await form.getByLabel('Why (kept on the record)').fill('Resolution within ten hours from January');
      await form.getByRole('button', { name: 'Save the new version' }).click();
      await form.getByText('Saved as version 1; the services apply it within seconds.').waitFor();
      const history = director.page.getByTestId('policy-history');
      await history.locator('[data-version="1"]').getByText('Resolution within ten hours from January').waitFor();
      await history.locator('[data-version="1"]').getByText('director-1 · Management').waitFor();
      await list.locator('[data-kind="deadlines"]').getByText('director-1 · Management').waitFor();
      await form.getByText('Your change is made on version 1.').waitFor();

      // A bad document: refused naming the field, nothing written.
      await documentBox.fill(JSON.stringify({ ...changed, version: `console-bad-${system.suffix}`, resolutionMinutes: { default: 0 } }, null, 2));
      await form.getByLabel('Why (kept on the record)').fill('A typo');
      await form.getByRole('button', { name: 'Save the new version' }).click();
      await form.getByTestId('document-errors').getByText(/resolutionMinutes\.default/).waitFor();
      await consoles.screenshot(director.page, 'policies-refused');

      // Someone else changes it meanwhile: the change made on version 1 is refused, and a reload shows version 2.
      const meanwhile = await management.put('routing', '/v1/policies/deadlines', { expectedVersion: 1, reason: 'changed elsewhere', document: { ...changed, version: `elsewhere-${system.suffix}` } });
      expect(meanwhile.status).toBe(200);
      await documentBox.fill(JSON.stringify({ ...changed, version: `console-3-${system.suffix}` }, null, 2));
      await form.getByRole('button', { name: 'Save the new version' }).click();
      await form.getByTestId('policy-stale').getByText(/Someone changed this policy meanwhile/).waitFor();
      await form.getByRole('button', { name: 'Reload the policy' }).click();
      await form.getByText('Your change is made on version 2.').waitFor();
      await history.locator('[data-version="2"]').getByText('changed elsewhere').waitFor();
      expect((await management.get('routing', '/v1/policies/deadlines')).body.version).toBe(2);
      await consoles.screenshot(director.page, 'policies-management');

      // A department manager works by the policies but has no screen to change them.
      await consoles.signIn(manager.page, 'department_manager', 'billing-manager-qian', 'billing');
      const screens = manager.page.getByRole('navigation', { name: 'Screens' });
      await screens.getByRole('link', { name: 'Department queue' }).waitFor();
      expect(await screens.getByRole('link', { name: 'Policies' }).count()).toBe(0);
      await manager.page.goto('/#/policies/deadlines');
      expect(await manager.page.getByRole('form', { name: 'Change the policy' }).count()).toBe(0);

      // In Chinese at phone width: the service's refusal in Chinese, beside the document.
      await consoles.signIn(phone.page, 'management', 'director-1');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto('/#/policies/deadlines');
      const chinese = phone.page.getByRole('form', { name: '修改策略' });
      await chinese.getByText('本次修改基于版本 2。').waitFor();
      await chinese.getByLabel('策略内容（JSON）').fill(JSON.stringify({ ...changed, version: `console-zh-${system.suffix}`, resolutionMinutes: { default: 0 } }, null, 2));
      await chinese.getByLabel('修改原因（将记录在案）').fill('笔误');
      await chinese.getByRole('button', { name: '保存为新版本' }).click();
      await chinese.getByTestId('document-errors').getByText(/[\u4e00-\u9fff]/).waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'policies-zh-phone');
    } finally {
      await Promise.all([director.context.close(), manager.context.close(), phone.context.close()]);
    }
  });
});
