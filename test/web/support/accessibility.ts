import type { Locator, Page } from 'playwright-core';

export interface Unlabelled {
  readonly tag: string;
  readonly html: string;
}

/**
 * Every form control and button on the page that a screen reader could not name: inputs,
 * selects and textareas without a <label>, aria-label or aria-labelledby; buttons and links
 * without text or aria-label. Hidden elements are not counted.
 */
export async function unlabelledControls(page: Page): Promise<Unlabelled[]> {
  // Runs in the page: written as JavaScript source, since the Node project has no DOM types.
  return page.evaluate(`(() => {
    const visible = (element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const named = (element) => {
      const aria = element.getAttribute('aria-label')?.trim();
      if (aria) return true;
      const by = element.getAttribute('aria-labelledby');
      if (by && by.split(/\\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if ('labels' in element) {
        const labels = element.labels;
        if (labels && [...labels].some((label) => label.textContent?.trim())) return true;
      }
      return Boolean(element.getAttribute('title')?.trim());
    };
    const found = [];
    for (const element of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      if (visible(element) && !named(element)) found.push({ tag: element.tagName.toLowerCase(), html: element.outerHTML.slice(0, 160) });
    }
    for (const element of document.querySelectorAll('button, a[href], [role=button]')) {
      if (visible(element) && !element.textContent?.trim() && !named(element)) found.push({ tag: element.tagName.toLowerCase(), html: element.outerHTML.slice(0, 160) });
    }
    return found;
  })()`) as Promise<Unlabelled[]>;
}

/**
 * Walks the page with Tab and returns the controls focus reached, so a test can require that
 * the ones a person uses are reachable by keyboard.
 */
export async function tabOrder(page: Page, limit = 200): Promise<string[]> {
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  const reached: string[] = [];
  for (let step = 0; step < limit; step++) {
    await page.keyboard.press('Tab');
    const name = (await page.evaluate(`(() => {
      const active = document.activeElement;
      if (!active || active === document.body) return null;
      const label = active.getAttribute('aria-label') ?? (active.labels?.[0]?.textContent ?? active.textContent ?? '');
      return active.tagName.toLowerCase() + ':' + label.trim().slice(0, 60);
    })()`)) as string | null;
    if (name === null) break;
    if (reached.length > 0 && name === reached[0]) break;
    reached.push(name);
  }
  return reached;
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
