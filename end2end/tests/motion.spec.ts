import { test, expect, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, plugCar } from './fixtures/chargers';
import { ChargerPage } from './fixtures/charger_page';
import type { Page } from '@playwright/test';

/** How many times the page recalculated its styles during `ms` milliseconds. */
async function styleRecalculations(page: Page, ms: number): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const count = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'RecalcStyleCount')?.value ?? 0;
  };
  const before = await count();
  await page.waitForTimeout(ms);
  return (await count()) - before;
}

test.describe('The charging dot', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('motion');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('pulses on the compositor: an idle charger page hardly restyles', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await plugCar(page.request, id);
    const charger = new ChargerPage(page);
    await charger.goto(id);
    await expect(page.locator('.status-badge.charging .dot').first()).toBeVisible();
    await expect(charger.live()).toBeVisible();
    // An animated box-shadow restyles on every frame (about 60 a second); the live figures
    // change once a second.
    const recalculations = await styleRecalculations(page, 3000);
    expect(recalculations).toBeLessThan(30);
    const animated = await page.evaluate(() =>
      document.getAnimations().flatMap((a) => {
        const effect = a.effect as KeyframeEffect;
        return effect.getKeyframes().flatMap((k) => Object.keys(k));
      }),
    );
    expect(animated).not.toContain('boxShadow');
  });

  test('stands still when the user prefers reduced motion', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await plugCar(page.request, id);
    await new ChargerPage(page).goto(id);
    await expect(page.locator('.status-badge.charging .dot').first()).toBeVisible();
    expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
  });
});
