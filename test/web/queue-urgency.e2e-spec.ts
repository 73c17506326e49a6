import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contact } from '../support/contacts';
import { eventually, UPSTREAM_KEY } from '../support/system';
import { Consoles } from './support/consoles';

/**
 * The department queue in headless Chromium, ordered by urgency: priority and deadline together.
 * A low-priority suggestion due in one hour and a high-priority complaint due in three, both
 * billing's: the complaint sits above, although it is due later and arrived later.
 * Deadlines count business hours on a calendar open around the clock, so the dates do not depend
 * on when the test runs, and the screen says "(business hours)".
 */
const DEADLINE_POLICY = {
  version: 'e2e-urgency',
  firstResponseMinutes: { default: 180, byType: { suggestion: 60 } },
  resolutionMinutes: { default: 24 * 60 },
  calendar: {
    timeZone: 'UTC',
    workingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [{ start: '00:00', end: '24:00' }]])),
    holidays: [],
  },
  countIn: 'business',
};

let consoles: Consoles;
beforeAll(async () => {
  const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'handoff-queue-urgency-')), 'deadlines.json');
  writeFileSync(policyFile, JSON.stringify(DEADLINE_POLICY));
  consoles = await Consoles.start({ DEADLINE_POLICY_FILE: policyFile });
});
afterAll(async () => {
  await consoles?.stop();
});

describe('the department queue, most urgent first', () => {
  it('shows the high-priority complaint due in 3 h above the low-priority suggestion due in 1 h, each due date in business hours', async () => {
    const upstream = consoles.system.as({ apiKey: UPSTREAM_KEY });
    const suffix = consoles.system.suffix;
    const suggestion = `Invoice layout suggestion ${suffix}`;
    const complaint = `Charged twice for one invoice ${suffix}`;
    // The suggestion first: it is due sooner and older, and still comes second.
    const posted = [
      await upstream.post('intake', '/v1/contacts', contact({ type: 'suggestion', subject: suggestion, description: 'The invoice could group items by order.' })),
      await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject: complaint, description: 'I was charged twice; please refund one invoice.' })),
    ];
    expect(posted.map((response) => response.status)).toEqual([201, 201]);
    const management = consoles.system.as({ token: consoles.system.token('management', 'director-1') });
    const rows = await eventually(async () => {
      const queue = await management.get('routing', '/v1/departments/billing/queue?limit=500');
      const mine = (queue.body.items ?? []).filter((row: { subject: string }) => row.subject === suggestion || row.subject === complaint);
      return mine.length === 2 ? mine : undefined;
    }, 'both tickets in billing’s queue');
    expect(rows.map((row: { subject: string; priority: string }) => [row.subject, row.priority])).toEqual([
      [complaint, 'high'],
      [suggestion, 'low'],
    ]);

    const { page, context } = await consoles.newPage();
    try {
      await consoles.signIn(page, 'department_handler', 'billing-wu', 'billing');
      const row = (subject: string) => page.getByTestId('queue-row').filter({ hasText: subject });
      await row(complaint).waitFor();
      await row(suggestion).waitFor();
      const order = await page.getByTestId('queue-row').evaluateAll((found) => found.map((element) => element.textContent ?? ''));
      const at = (subject: string) => order.findIndex((text) => text.includes(subject));
      expect(at(complaint)).toBeGreaterThanOrEqual(0);
      expect(at(complaint)).toBeLessThan(at(suggestion));
      expect(await row(complaint).getByTestId('due-at').textContent()).toMatch(/^due .+ \(business hours\)$/);
      expect(await page.getByTestId('queue-order').textContent()).toMatch(/Most urgent first/);
      await consoles.screenshot(page, 'department-queue-urgency');
    } finally {
      await context.close();
    }
  });
});
