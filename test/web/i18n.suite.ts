import type { Locator, Page } from 'playwright-core';
import type { Consoles } from './support/consoles';

/**
 * The consoles in Chinese: a browser whose language is zh-CN gets the screens in Chinese and the
 * services' refusals in Chinese beside the field; the switch in the top bar changes both.
 */
export function chineseAndEnglishSuite(shared: () => Consoles): void {
  describe('the consoles in Simplified Chinese and English', () => {
    let consoles: Consoles;
    beforeAll(() => {
      consoles = shared();
    });

    it('given a zh-CN browser, when CS records a contact with a missing subject and a bad phone, then the labels and the refusals are Chinese, and the switch turns both to English and back', async () => {
      const { context, page } = await consoles.newPage({ width: 1280, height: 800 }, 'zh-CN');
      try {
        await signInInChinese(page, 'agent-zh');
        expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
        await expectText(page.getByTestId('signed-in-as'), /客服专员/);
        await page.getByRole('navigation', { name: '页面' }).getByRole('link', { name: '客服' }).waitFor();

        const form = page.getByRole('form', { name: '登记来电来访' });
        await form.getByLabel('渠道').selectOption('hotline');
        await form.getByLabel('诉求类型').selectOption('complaint');
        expect(await form.getByLabel('诉求类型').locator('option:checked').textContent()).toBe('投诉');
        await form.getByLabel('姓名', { exact: true }).fill('王芳');
        await form.getByLabel('电话', { exact: true }).fill('12');
        await form.getByLabel('问题描述').fill('我的快递三天没到，客服电话一直占线。');
        await form.getByRole('button', { name: '登记', exact: true }).click();

        const subjectError = fieldError(page, '主题');
        await expectText(subjectError, /^请填写主题。$/);
        await expectText(fieldError(page, '电话'), /^电话号码格式不正确/);
        expect(await form.getByLabel('主题').getAttribute('aria-invalid')).toBe('true');
        await expectText(form.getByRole('alert').last(), /未登记任何内容/);
        expect(await page.getByTestId('recorded-ticket').count()).toBe(0);
        await consoles.screenshot(page, 'cs-zh-CN-desktop');

        // The switch: the screen and the next refusal in English, and the choice outlives a reload.
        await page.getByLabel('语言 / Language').selectOption('en');
        const english = page.getByRole('form', { name: 'Record a contact' });
        await english.waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe('en');
        await english.getByRole('button', { name: 'Record contact' }).click();
        await expectText(fieldError(page, 'Subject'), /^Write the subject\.$/);
        await expectText(fieldError(page, 'Phone'), /^The phone number is not valid/);
        await page.reload();
        await page.getByRole('form', { name: 'Record a contact' }).waitFor();

        // And back: recorded in Chinese, with the time written the Chinese way.
        await page.getByLabel('语言 / Language').selectOption('zh-CN');
        const again = page.getByRole('form', { name: '登记来电来访' });
        await again.getByLabel('姓名', { exact: true }).fill('王芳');
        await again.getByLabel('电话', { exact: true }).fill('+86 139 1234 5678');
        await again.getByLabel('主题').fill(`快递延误 ${consoles.system.suffix}`);
        await again.getByLabel('问题描述').fill('我的快递三天没到，客服电话一直占线。');
        await again.getByRole('button', { name: '登记', exact: true }).click();
        const recorded = page.getByTestId('recorded-ticket').first();
        await expectText(recorded, /工单 \S+ · (投诉|咨询|建议|反馈|市场信息) · 热线电话/);
        await expectText(recorded, /\d{4}年\d{1,2}月\d{1,2}日/);
        await expectText(again.getByRole('status'), /^已登记工单/);
      } finally {
        await context.close();
      }
    });

    it('given a zh-CN phone, when the CS screen shows a refusal, then the Chinese fits the 390 px width', async () => {
      const { context, page } = await consoles.newPage({ width: 390, height: 844 }, 'zh-CN');
      try {
        await signInInChinese(page, 'agent-zh-phone');
        const form = page.getByRole('form', { name: '登记来电来访' });
        await form.getByLabel('姓名', { exact: true }).fill('李伟');
        await form.getByRole('button', { name: '登记', exact: true }).click();
        await expectText(fieldError(page, '主题'), /^请填写主题。$/);
        await expectText(form.locator('.cs-fieldset').getByRole('alert').first(), /请填写客户的电话号码或电子邮箱。/);
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
        expect(overflow).toBeLessThanOrEqual(0);
        await consoles.screenshot(page, 'cs-zh-CN-phone');
      } finally {
        await context.close();
      }
    });

    it('given an English browser, then the consoles stay in English', async () => {
      const { context, page } = await consoles.newPage();
      try {
        await consoles.signIn(page, 'cs', 'agent-en');
        await page.getByRole('form', { name: 'Record a contact' }).waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      } finally {
        await context.close();
      }
    });
  });
}

async function signInInChinese(page: Page, userId: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('角色').selectOption('cs');
  await page.getByLabel('用户 ID').fill(userId);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

function fieldError(page: Page, label: string): Locator {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
}

async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
    if (pattern.test(last)) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`expected ${pattern}, last saw ${JSON.stringify(last)}`);
}
