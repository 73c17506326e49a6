import type { Consoles } from './support/consoles';

export function signingInSuite(shared: () => Consoles): void {
  describe('the consoles: signing in', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('given a department handler, when signed in, then the navigation offers the department queue and no management screen', async () => {
      const { context, page } = await consoles.newPage();
      try {
        await consoles.signIn(page, 'department_handler', 'billing-wu', 'billing');
        await expectText(page.getByTestId('signed-in-as'), /billing-wu/);
        const nav = page.getByRole('navigation', { name: 'Screens' });
        await nav.getByRole('link', { name: 'Department queue' }).waitFor();
        expect(await nav.getByRole('link', { name: 'Management' }).count()).toBe(0);
        await consoles.screenshot(page, 'sign-in-done');
      } finally {
        await context.close();
      }
    });

    it('given a department role without a department, when signing in through the server, then the error names the field', async () => {
      const response = await fetch(`${consoles.baseUrl}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'department_handler', sub: 'someone' }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { fields: { field: string }[] };
      expect(body.fields.map((field) => field.field)).toEqual(['department']);
    });

    it('given no session, when the page calls a service through the consoles, then the service refuses it', async () => {
      const response = await fetch(`${consoles.baseUrl}/api/routing/v1/departments`);
      expect(response.status).toBe(401);
    });

    it('given a header smuggled by the page, when proxied, then only the session cookie counts', async () => {
      const forged = consoles.system.token('management', 'forger');
      const response = await fetch(`${consoles.baseUrl}/api/routing/v1/departments`, { headers: { authorization: `Bearer ${forged}` } });
      expect(response.status).toBe(401);
    });
  });
}

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  await locator.waitFor();
  expect(await locator.textContent()).toMatch(pattern);
}
