import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SECRET, SERVICE_NAMES, TestSystem } from '../../support/system';

const ROOT = path.resolve(__dirname, '../../..');
/** Debian's package; `.ci/run` installs it when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where the tests leave their screenshots: under .handoff (not tracked) unless
 * HANDOFF_SCREENSHOTS_DIR says otherwise, so that a test run leaves the working tree as it was;
 * `HANDOFF_SCREENSHOTS_DIR=docs/screenshots npm test -- test/web` refreshes the README's.
 */
export const SCREENSHOTS = path.resolve(ROOT, process.env.HANDOFF_SCREENSHOTS_DIR ?? '.handoff/screenshots');

export type ConsoleRole = 'cs' | 'department_handler' | 'department_manager' | 'management' | 'qa' | 'auditor';

/**
 * The four services as processes, the consoles' server in front of them (the same code
 * `npm start` runs on :3000), and headless Chromium. Everything the browser does goes through
 * the consoles' origin, so the tests see what a person sees.
 */
export class Consoles {
  private constructor(
    readonly system: TestSystem,
    private readonly server: Server,
    readonly baseUrl: string,
    readonly browser: Browser,
  ) {}

  /**
   * `web.oidc`: the consoles sign people in at an identity provider with these OIDC_* settings (the
   * services get them in `extraEnv`); then development sign-in is off. `web.port`: where the
   * consoles listen, for a provider that must know their callback beforehand.
   */
  static async start(extraEnv: Record<string, string> = {}, web: { oidc?: Record<string, string>; port?: number } = {}): Promise<Consoles> {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), as .ci/run does`);
    const system = await TestSystem.start(extraEnv);
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { createWebServer } = require(path.join(ROOT, 'scripts/web.js')) as {
      createWebServer(options: { services: Record<string, string>; secret: string; devSignIn: boolean; oidc?: unknown }): Server;
    };
    const { relyingPartyFromEnv } = require(path.join(ROOT, 'scripts/web-oidc.js')) as { relyingPartyFromEnv(env: Record<string, string>): unknown };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const services = Object.fromEntries(SERVICE_NAMES.map((name) => [name, system.url(name)]));
    const server = createWebServer(web.oidc ? { services, secret: SECRET, devSignIn: false, oidc: relyingPartyFromEnv(web.oidc) } : { services, secret: SECRET, devSignIn: true });
    await new Promise<void>((resolve) => server.listen(web.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    return new Consoles(system, server, `http://127.0.0.1:${port}`, browser);
  }

  /**
   * A fresh browser profile (its own session cookie) at 1280×800, or at phone width. Its language
   * is English unless `locale` says otherwise (the consoles follow the browser's language).
   */
  async newPage(viewport: { width: number; height: number } = { width: 1280, height: 800 }, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport, baseURL: this.baseUrl, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { context, page };
  }

  /** Signs in through the sign-in form, as a person would. */
  async signIn(page: Page, role: ConsoleRole, userId: string, department?: string): Promise<void> {
    await page.goto('/');
    await page.getByLabel('Role').selectOption(role);
    if (department) await page.getByLabel('Department').selectOption(department);
    await page.getByLabel('User id').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  async screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
    await this.system.stop();
  }
}
