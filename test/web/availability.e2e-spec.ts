import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANISATION } from '../../apps/routing/src/organisation/organisation';
import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * A handler says they are away in the department console, on a phone and in Chinese. Billing
 * gives each handler one ticket in progress at most: with the colleague full, the away handler's
 * ticket goes back to the queue, where it waits for a free handler.
 */
let consoles: Consoles;
beforeAll(async () => {
  const organisation = {
    departments: DEFAULT_ORGANISATION.departments.map((department) => (department.id === 'billing' ? { ...department, wipLimit: 1 } : department)),
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'handoff-availability-web-')), 'organisation.json');
  writeFileSync(file, JSON.stringify(organisation));
  consoles = await Consoles.start({ ORGANISATION_FILE: file });
});
afterAll(async () => {
  await consoles?.stop();
});

describe('availability in the department console', () => {
  it('a handler marks themself away; their ticket waits for a free handler', async () => {
    const { system } = consoles;
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const manager = system.as({ token: system.token('department_manager', 'billing-manager-qian', 'billing') });
    const tickets: string[] = [];
    for (const month of ['March', 'April']) {
      const opened = await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject: `Charged twice in ${month}`, description: 'My card was charged twice; I want a refund.' }));
      expect(opened.status).toBe(201);
      tickets.push(opened.body.ticketId);
    }
    const holders = await eventually(async () => {
      const found = await Promise.all(tickets.map(async (ticketId) => (await manager.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId as string | undefined));
      return found.every(Boolean) ? (found as string[]) : undefined;
    }, 'both tickets assigned');
    const [mine] = tickets;
    const me = holders[0];

    const phone = await consoles.newPage({ width: 390, height: 844 });
    try {
      await consoles.signIn(phone.page, 'department_handler', me, 'billing');
      await phone.page.getByLabel('语言 / Language').selectOption('zh-CN');
      await phone.page.goto('/#/department/billing');
      const myRow = phone.page.getByTestId('staff-row').and(phone.page.locator(`[data-handler-id="${me}"]`));
      await myRow.getByTestId('staff-state').getByText('在岗').waitFor();
      await myRow.getByTestId('staff-load').getByText('处理中 1 / 1').waitFor();
      // Only their own toggle: a colleague's state is the manager's to set.
      expect(await phone.page.getByTestId('staff-toggle').count()).toBe(1);

      await myRow.getByRole('button', { name: '我暂时离岗' }).click();
      await myRow.getByTestId('staff-state').getByText('不在岗').waitFor();
      await phone.page.getByText('已标记为不在岗，其处理中的工单已转给空闲同事或退回队列。').waitFor();
      const queueRow = phone.page.getByTestId('queue-row').and(phone.page.locator(`[data-ticket-id="${mine}"]`));
      await queueRow.getByTestId('waiting-for-handler').getByText('等待空闲经办人').waitFor({ timeout: 20_000 });
      await myRow.getByRole('button', { name: '恢复在岗' }).waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await consoles.screenshot(phone.page, 'department-away-zh-phone');
      expect((await manager.get('routing', `/v1/tickets/${mine}`)).body.handlerId).toBeNull();
    } finally {
      await phone.context.close();
    }
  });
});
