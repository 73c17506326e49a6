import type { BrowserContext, Page } from 'playwright-core';
import { freePort } from '../support/own-servers';
import { LocalOidcProvider } from '../support/oidc-provider';
import { Consoles } from './support/consoles';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localOidcEnv, LOCAL_PASSWORD } = require('../../scripts/oidc-provider.js') as {
  localOidcEnv(issuer: string, webBaseUrl: string): Record<string, string>;
  LOCAL_PASSWORD: string;
};

describe('the consoles: signing in at the organisation identity provider', () => {
  let provider: LocalOidcProvider;
  let consoles: Consoles;

  beforeAll(async () => {
    const port = await freePort();
    const webBaseUrl = `http://127.0.0.1:${port}`;
    provider = await LocalOidcProvider.start([webBaseUrl]);
    const env = localOidcEnv(provider.issuer, webBaseUrl);
    consoles = await Consoles.start(env, { oidc: env, port });
  });
  afterAll(async () => {
    await consoles?.stop();
    await provider?.stop();
  });

  /** From the consoles' sign-in page, through the provider's login form, back to the consoles. */
  async function signInAtProvider(page: Page, login: string, screenshot?: string): Promise<void> {
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in with your organisation account' }).click();
    await page.getByLabel('Username').waitFor();
    expect(new URL(page.url()).origin).toBe(provider.issuer);
    await page.getByLabel('Username').fill(login);
    await page.getByLabel('Password').fill(LOCAL_PASSWORD);
    if (screenshot) await consoles.screenshot(page, screenshot);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${consoles.baseUrl}/**`);
  }

  async function withPage<T>(run: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
    const { context, page } = await consoles.newPage();
    try {
      return await run(page, context);
    } finally {
      await context.close();
    }
  }

  it('given a CS agent in the front-desk group, when signed in at the provider, then the CS console opens and the services take the session', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'agent-li', 'oidc-provider-login');
      await expectText(page.getByTestId('signed-in-as'), /agent-li · Customer service agent/);
      const nav = page.getByRole('navigation', { name: 'Screens' });
      await nav.getByRole('link', { name: 'Customer service' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Management' }).count()).toBe(0);
      await consoles.screenshot(page, 'oidc-signed-in-cs');

      const worklist = await context.request.get('/api/followup/v1/followups');
      expect(worklist.status()).toBe(200);
      const kpis = await context.request.get('/api/evaluation/v1/kpis');
      expect(kpis.status()).toBe(403);
    });
  });

  it('given a handler whose role and department are claims, when signed in, then the department queue is theirs', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'product-guo');
      await expectText(page.getByTestId('signed-in-as'), /product-guo · Department handler · product/);
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Department queue' }).waitFor();
      expect((await context.request.get('/api/routing/v1/departments/product/queue')).status()).toBe(200);
      expect((await context.request.get('/api/routing/v1/departments/billing/queue')).status()).toBe(403);
    });
  });

  it('given a manager mapped from a group, when signed in, then the role and department come from the mapping file', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'billing-manager-qian');
      await expectText(page.getByTestId('signed-in-as'), /billing-manager-qian · Department manager · billing/);
      expect((await context.request.get('/api/evaluation/v1/kpis')).status()).toBe(200);
    });
  });

  it('given management, when signed in, then the management console opens; and signing out ends the provider session too', async () => {
    await withPage(async (page) => {
      await signInAtProvider(page, 'director-wang');
      await expectText(page.getByTestId('signed-in-as'), /director-wang · Management/);
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Management' }).click();
      await page.getByRole('heading', { name: 'Management', level: 1 }).waitFor();
      await consoles.screenshot(page, 'oidc-signed-in-management');

      await page.getByRole('button', { name: 'Sign out' }).click();
      // The provider asks before ending its own session; then it sends the browser back.
      await page.waitForURL(`${provider.issuer}/**`);
      await page.getByRole('button', { name: /yes, sign me out/i }).click();
      await page.waitForURL(`${consoles.baseUrl}/**`);
      await page.getByRole('link', { name: 'Sign in with your organisation account' }).click();
      // No single sign-on left over: the provider asks who is at the desk again.
      await page.getByLabel('Username').waitFor();
      expect((await page.request.get(`${consoles.baseUrl}/api/routing/v1/departments`)).status()).toBe(401);
    });
  });

  it('given a person the provider knows but Handoff has no role for, when signed in, then they are refused with the reason and get no session', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'visitor-zhao');
      const refusal = page.getByTestId('sign-in-refused');
      await expectText(refusal, /Your organisation account has no role in Handoff/);
      expect(await refusal.textContent()).toContain('visitor-zhao has no Handoff role');
      await consoles.screenshot(page, 'oidc-refused');
      expect(await page.getByTestId('signed-in-as').count()).toBe(0);
      expect((await context.request.get('/api/routing/v1/departments')).status()).toBe(401);
      // The reason outlives a reload; starting the next sign-in clears it.
      await page.reload();
      await expectText(refusal, /Your organisation account has no role in Handoff/);
      // (Started, not followed: the provider remembers the person and would refuse them again.)
      expect((await context.request.get('/auth/login', { maxRedirects: 0 })).status()).toBe(303);
      await page.reload();
      await page.getByRole('link', { name: 'Sign in with your organisation account' }).waitFor();
      expect(await refusal.count()).toBe(0);
    });
  });

  it('given the same refusal in Chinese, when shown, then it is in Chinese', async () => {
    const { context, page } = await consoles.newPage(undefined, 'zh-CN');
    try {
      await page.goto('/');
      await page.getByRole('link', { name: '使用组织账号登录' }).click();
      await page.getByLabel('Username').fill('visitor-zhao');
      await page.getByLabel('Password').fill(LOCAL_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(page.getByTestId('sign-in-refused'), /您的组织账号在 Handoff 中没有角色/);
    } finally {
      await context.close();
    }
  });

  it('given the provider session, when the services are called directly, then each checks the provider token itself and refuses anything else', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'agent-li');
      await page.getByTestId('signed-in-as').waitFor();
      const session = (await context.cookies()).find((cookie) => cookie.name === 'handoff_session');
      const idToken = (await context.cookies()).find((cookie) => cookie.name === 'handoff_id');
      expect(session?.httpOnly).toBe(true);
      const followups = `${consoles.system.url('followup')}/v1/followups`;
      const call = (token: string) => fetch(followups, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);
      expect(await call(decodeURIComponent(session!.value))).toBe(200);
      // The ID token is for the consoles, not the services (another audience).
      expect(await call(decodeURIComponent(idToken!.value))).toBe(401);
      // A development token, even signed with the services' own secret, is not taken with OIDC_ISSUER set.
      expect(await call(consoles.system.token('cs', 'agent-li'))).toBe(401);
    });
  });

  it('given OIDC, when the development sign-in or a forged callback is tried, then neither opens a session', async () => {
    const devSignIn = await fetch(`${consoles.baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'management', sub: 'someone' }) });
    expect(devSignIn.status).toBe(404);
    expect((await fetch(`${consoles.baseUrl}/auth/directory`)).status).toBe(404);
    const forged = await fetch(`${consoles.baseUrl}/auth/callback?code=stolen&state=guessed`, { redirect: 'manual' });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('set-cookie')).not.toMatch(/handoff_session=[^;]/);
    expect(forged.headers.get('set-cookie')).toContain('handoff_refusal=');
  });

  // Last: it stops the provider.
  it('given the provider goes away, when people work on, then the services keep checking tokens with the keys they hold, and one that holds none answers 503', async () => {
    await withPage(async (page, context) => {
      await signInAtProvider(page, 'agent-li');
      await page.getByTestId('signed-in-as').waitFor();
      const worklist = () => context.request.get('/api/followup/v1/followups').then((response) => response.status());
      expect(await worklist()).toBe(200);
      await provider.stop();
      expect(await worklist()).toBe(200);
      await expectText(page.getByTestId('signed-in-as'), /agent-li/);
      // Intake started again while the provider is away: it holds none of its keys, and cannot read them now.
      // (Restarted rather than left uncalled: the consoles may have asked intake already, which reads the keys.)
      await consoles.system.restart('intake');
      const intake = await context.request.get(`/api/intake/v1/tickets/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`);
      expect(intake.status()).toBe(503);
      expect(intake.headers()['retry-after']).toBeDefined();
    });
  });
});

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  await locator.waitFor();
  expect(await locator.textContent()).toMatch(pattern);
}
