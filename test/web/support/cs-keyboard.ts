import type { Locator, Page } from 'playwright-core';

// Evaluated in the page as text: this file is type-checked without the DOM's types.
const UNNAMED_CONTROLS = `(() => {
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const named = (element) =>
    Boolean(element.getAttribute('aria-label')?.trim()) ||
    (element.getAttribute('aria-labelledby') ?? '').split(/\\s+/).some((id) => document.getElementById(id)?.textContent?.trim()) ||
    [...(element.labels ?? [])].some((label) => label.textContent?.trim());
  const found = [];
  for (const element of document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')) {
    if (visible(element) && !named(element)) found.push(element.outerHTML.slice(0, 160));
  }
  for (const element of document.querySelectorAll('main button, main a[href]')) {
    if (visible(element) && !element.textContent?.trim() && !named(element)) found.push(element.outerHTML.slice(0, 160));
  }
  return found;
})()`;

/** The visible controls of the screen a person using a screen reader could not name. */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(UNNAMED_CONTROLS);
}

/** Presses Tab until `target` has the focus, as a keyboard user would; fails if it never does. */
export async function tabTo(page: Page, target: Locator, most = 80): Promise<void> {
  // Several pages are open at once; keys go to the one in front.
  await page.bringToFront();
  const reached: string[] = [];
  for (let step = 0; step < most; step++) {
    if ((await target.and(page.locator(':focus')).count()) > 0) return;
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate<string>('(document.activeElement?.outerHTML ?? "none").slice(0, 80)'));
  }
  throw new Error(`Tab never reached ${target.toString()} in ${most} presses; it reached:\n${reached.slice(0, 20).join('\n')}`);
}
