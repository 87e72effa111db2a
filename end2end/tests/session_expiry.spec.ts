import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { HistoryPage } from './fixtures/history_page';
import { StatisticsPage } from './fixtures/statistics_page';

test.describe('The API client', () => {
  // Every page loads through the one client: whichever page asks when the session is gone
  // (an expired cookie here), the portal says so once and asks to log in again.
  for (const [name, link] of [['History', /\/history/], ['Statistics', /\/statistics/]] as const) {
    test(`a session that ended sends the user to log in again (noticed by ${name})`, async ({ page }) => {
      const email = uniqueEmail('expiry');
      await createConfirmedUser(page.request, email, 'Eli');
      await logInThroughApi(page.request, email);
      // The profile page reads its sessions and sign-in identities (twice) as it opens: the
      // cookies are cleared only once those reads are answered, so that the click is what
      // notices the ended session (not a read of the profile page still under way).
      const answered: string[] = [];
      page.on('response', (response) => answered.push(new URL(response.url()).pathname));
      await page.goto('/profile');
      await appReady(page);
      await expect
        .poll(() => answered.filter((path) => path.startsWith('/api/account/')).length)
        .toBeGreaterThanOrEqual(3);

      await page.context().clearCookies();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await expect(page).toHaveURL(/\/login\?/);
      const url = new URL(page.url());
      expect(url.searchParams.get('ended')).toBe('1');
      expect(url.searchParams.get('next')).toMatch(link);
      await expect(page.getByText('Your session has ended. Log in again to continue.')).toBeVisible();
    });
  }

  test('a page that goes away aborts the reads it started', async ({ page }) => {
    const email = uniqueEmail('abort');
    await createConfirmedUser(page.request, email, 'Abe');
    await logInThroughApi(page.request, email);
    await new StatisticsPage(page).goto();
    // The history's first page is held back; the user leaves before it arrives.
    let held = 0;
    await page.route((url) => url.pathname === '/api/sessions', async (route) => {
      held += 1;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue().catch(() => {});
    });
    const failed = page.waitForEvent('requestfailed', {
      predicate: (request) => request.url().includes('/api/sessions?'),
      timeout: 10_000,
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
    await expect(new HistoryPage(page).heading()).toBeVisible();
    await expect.poll(() => held).toBe(1);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chargers' }).click();
    expect((await failed).failure()?.errorText).toContain('ABORTED');
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
  });
});
