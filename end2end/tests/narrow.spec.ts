import { test, expect, appReady } from './fixtures/test';
import { logInThroughApi } from './fixtures/accounts';
import type { Page } from '@playwright/test';

/** The elements that reach past the right edge of the window, for the failure message. */
async function cutOff(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const past: string[] = [];
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1) continue;
      // Inside something that scrolls sideways on its own, it is reachable.
      let scroller = element.parentElement;
      let inScroller = false;
      while (scroller && scroller !== document.body) {
        const overflow = getComputedStyle(scroller).overflowX;
        if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
          inScroller = scroller.getBoundingClientRect().right <= width + 1;
          break;
        }
        scroller = scroller.parentElement;
      }
      if (inScroller) continue;
      const name = element.tagName.toLowerCase() + (element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : '');
      past.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
    return past.slice(0, 12);
  });
}

async function expectFits(page: Page, screenshot: string) {
  // Let the charts and the live figures settle.
  await page.waitForTimeout(500);
  await page.screenshot({ path: test.info().outputPath(`${screenshot}.png`), fullPage: true });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(await cutOff(page), 'elements past the right edge').toEqual([]);
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(innerWidth);
}

for (const { width, height } of [
  { width: 390, height: 844 },
  { width: 1024, height: 768 },
]) {
  test.describe(`At ${width} px wide`, () => {
    test.use({ viewport: { width, height } });

    test.beforeEach(async ({ page }) => {
      await logInThroughApi(page.request, 'demo@charge-portal.local', 'demo charge portal');
    });

    test('the chargers list, a charger, statistics and history fit the window', async ({ page }) => {
      await page.goto('/');
      await appReady(page);
      await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
      const first = page.locator('.charger-card a').first();
      await expect(first).toBeVisible();
      // The account menu and every link of the main navigation can be reached.
      await expect(page.getByRole('navigation', { name: /main/i }).getByRole('link', { name: 'History' })).toBeInViewport();
      await expect(page.locator('.user-button')).toBeInViewport();
      await expectFits(page, `narrow-${width}-chargers`);

      const href = await first.getAttribute('href');
      await page.goto(href!);
      await expect(page.getByRole('region', { name: 'Status' })).toBeVisible();
      await expectFits(page, `narrow-${width}-charger`);
      const chart = await page.locator('canvas.power-chart').evaluate((canvas: HTMLCanvasElement) => ({
        pixels: canvas.width,
        shown: canvas.getBoundingClientRect().width,
      }));
      // Drawn for its width, not shrunk from a fixed 760 pixels.
      expect(Math.abs(chart.pixels - chart.shown)).toBeLessThanOrEqual(1);

      await page.goto(`${href}/settings`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectFits(page, `narrow-${width}-settings`);

      await page.goto('/statistics');
      await expect(page.locator('.echart-canvas canvas').first()).toBeVisible();
      await expectFits(page, `narrow-${width}-statistics`);

      await page.goto('/history');
      await expect(page.getByRole('row').nth(1)).toBeVisible();
      await expectFits(page, `narrow-${width}-history`);
    });
  });
}
